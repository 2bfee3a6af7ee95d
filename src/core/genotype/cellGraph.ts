/**
 * Cells as plain graphs for the viewer and figures (no layout). Node names follow DARTS's
 * `visualize.py`: inputs `c_{k-2}`, `c_{k-1}`, intermediate nodes `0`..`n-1`, output `c_{k}`.
 */
import { NB201_NODES } from '../searchSpaces'
import { type CellGenotype, countOp, type DartsGenotype, effectiveConcat, type Nb201Genotype } from './model'

export type GraphNodeKind = 'input' | 'intermediate' | 'output'

export interface GraphNode {
  readonly id: string
  readonly kind: GraphNodeKind
  readonly label: string
  /** DARTS state index (0, 1 inputs; k ≥ 2 node k−2) or NB201 node index; absent for a DARTS cell output. */
  readonly state?: number
}

export interface GraphEdge {
  readonly id: string
  readonly source: string
  readonly target: string
  readonly kind: 'op' | 'concat'
  /** The op name of an `op` edge. */
  readonly op?: string
}

export interface CellGraph {
  readonly nodes: readonly GraphNode[]
  readonly edges: readonly GraphEdge[]
}

export const CELL_OUTPUT_ID = 'c_{k}'
const INPUT_IDS = ['c_{k-2}', 'c_{k-1}'] as const

/** Graph node id of a DARTS state index. */
export const stateId = (state: number): string => (state < 2 ? INPUT_IDS[state]! : String(state - 2))

/**
 * A DARTS-space cell as a graph. Intermediate nodes with no inputs (FairDARTS) are dropped unless
 * another node reads them; concat edges come only from nodes that compute something.
 */
export function cellGraph(cell: CellGenotype): CellGraph {
  const used = new Set(cell.nodes.flatMap((inputs) => inputs.map((e) => e.from)))
  const nodes: GraphNode[] = INPUT_IDS.map((id, state) => ({ id, kind: 'input', label: id, state }))
  const edges: GraphEdge[] = []
  cell.nodes.forEach((inputs, i) => {
    const state = i + 2
    if (inputs.length === 0 && !used.has(state)) return
    const id = stateId(state)
    nodes.push({ id, kind: 'intermediate', label: id, state })
    inputs.forEach((e, n) => {
      const source = stateId(e.from)
      edges.push({ id: `${source}->${id}#${n}`, source, target: id, kind: 'op', op: e.op })
    })
  })
  nodes.push({ id: CELL_OUTPUT_ID, kind: 'output', label: CELL_OUTPUT_ID })
  for (const s of effectiveConcat(cell)) {
    const source = stateId(s)
    edges.push({ id: `${source}->${CELL_OUTPUT_ID}`, source, target: CELL_OUTPUT_ID, kind: 'concat' })
  }
  return { nodes, edges }
}

/** An NB201 cell: node 0 is the input, node 3 the output, one op edge j → i per pair; `dropNone` hides zero edges. */
export function nb201Graph(g: Nb201Genotype, options: { readonly dropNone?: boolean } = {}): CellGraph {
  const last = NB201_NODES - 1
  const nodes: GraphNode[] = Array.from({ length: NB201_NODES }, (_, i) => ({
    id: String(i),
    kind: i === 0 ? 'input' : i === last ? 'output' : 'intermediate',
    label: String(i),
    state: i,
  }))
  const edges: GraphEdge[] = g.nodes.flatMap((inputs, k) =>
    inputs
      .filter((e) => !(options.dropNone && e.op === 'none'))
      .map((e) => ({ id: `${e.from}->${k + 1}`, source: String(e.from), target: String(k + 1), kind: 'op' as const, op: e.op })),
  )
  return { nodes, edges }
}

/** `skip_connect` count per cell type (the collapse indicator; reduce cells collect skips too, METHODS.md §6.6). */
export const skipCounts = (g: DartsGenotype): { normal: number; reduce: number } => ({
  normal: countOp(g.normal),
  reduce: countOp(g.reduce),
})

/** Ops that carry no signal, so they do not extend a path. */
const ZERO_OPS: ReadonlySet<string> = new Set(['none', 'zero'])

/**
 * Number of op edges on the longest path from a cell input to its output: the cell's depth, which
 * PR-DARTS argues DARTS under-explores. An NB201 cell with no input → output path has depth 0.
 */
export function longestPathDepth(cell: CellGenotype | Nb201Genotype): number {
  if ('kind' in cell) {
    // NB201: node 0 is the only input, node 3 the output.
    const depth: number[] = [0]
    cell.nodes.forEach((inputs) => {
      const live = inputs.filter((e) => !ZERO_OPS.has(e.op)).map((e) => depth[e.from]! + 1)
      depth.push(Math.max(-Infinity, ...live))
    })
    return Math.max(0, depth[depth.length - 1]!)
  }
  const depth: number[] = [0, 0]
  cell.nodes.forEach((inputs) => {
    const live = inputs.filter((e) => !ZERO_OPS.has(e.op)).map((e) => depth[e.from]! + 1)
    depth.push(Math.max(-Infinity, ...live))
  })
  return Math.max(0, ...effectiveConcat(cell).map((s) => depth[s]!))
}
