/**
 * Architecture weights as a labelled heatmap (edges × ops), rows named like DARTS's figures so a row
 * can be matched to an edge of the cell drawing.
 */
import { stateId } from '../genotype/cellGraph'
import { dartsEdgeCount, NB201_EDGES } from '../searchSpaces'
import { softmaxRows } from './math'

/** `c_{k-2}→0`, `c_{k-1}→0`, `c_{k-2}→1`, …, `2→3`: DARTS's α row order (node i reads states 0..i+1). */
export function edgeLabels(steps: number): string[] {
  const labels: string[] = []
  for (let i = 0; i < steps; i++) for (let j = 0; j < i + 2; j++) labels.push(`${stateId(j)}→${i}`)
  return labels
}

/** NB201 α rows (`'{i}<-{j}'` sorted) as `j→i`. */
export const nb201EdgeLabels = (): string[] => NB201_EDGES.map(([to, from]) => `${from}→${to}`)

/** Steps of a DARTS cell whose α matrix has `rows` rows (14 → 4), or null when no step count fits. */
export function dartsStepsForRows(rows: number): number | null {
  for (let s = 1; dartsEdgeCount(s) <= rows; s++) if (dartsEdgeCount(s) === rows) return s
  return null
}

export interface Heatmap {
  rows: { label: string; values: number[] }[]
  cols: string[]
  /** Over finite values; 0 and 0 when there are none. */
  min: number
  max: number
}

/**
 * `steps` defaults to the DARTS step count the row count implies; a 6-row matrix that fits no DARTS
 * cell gets NB201's edge labels, anything else `edge k`. `row-softmax` shows mixing weights instead
 * of raw α. Throws when a row's length is not `ops.length` or `steps` does not match the row count.
 */
export function alphaHeatmap(
  matrix: readonly (readonly number[])[],
  ops: readonly string[],
  opts: { steps?: number; normalize?: 'none' | 'row-softmax' } = {},
): Heatmap {
  matrix.forEach((row, r) => {
    if (row.length !== ops.length)
      throw new Error(`alphaHeatmap: row ${r} has ${row.length} values but there are ${ops.length} ops`)
  })
  let labels: string[]
  if (opts.steps !== undefined) {
    if (dartsEdgeCount(opts.steps) !== matrix.length)
      throw new Error(`alphaHeatmap: ${opts.steps} steps need ${dartsEdgeCount(opts.steps)} rows, got ${matrix.length}`)
    labels = edgeLabels(opts.steps)
  } else {
    const steps = dartsStepsForRows(matrix.length)
    if (steps !== null) labels = edgeLabels(steps)
    else if (matrix.length === NB201_EDGES.length) labels = nb201EdgeLabels()
    else labels = matrix.map((_, r) => `edge ${r}`)
  }
  const values = opts.normalize === 'row-softmax' ? softmaxRows(matrix) : matrix.map((row) => [...row])
  let min = Infinity
  let max = -Infinity
  for (const row of values)
    for (const v of row)
      if (Number.isFinite(v)) {
        min = Math.min(min, v)
        max = Math.max(max, v)
      }
  if (min > max) [min, max] = [0, 0]
  return { rows: values.map((v, r) => ({ label: labels[r]!, values: v })), cols: [...ops], min, max }
}
