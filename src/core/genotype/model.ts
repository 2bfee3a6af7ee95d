/**
 * The genotype model: a discrete cell as a list of intermediate nodes, each with its own list of
 * inputs, so any number of steps, any concat list and any number of inputs per node (FairDARTS)
 * fit one type. State indices follow DARTS: 0 = s0 (cell k−2), 1 = s1 (cell k−1), k ≥ 2 = node k−2.
 */
import { isDartsOp, isNb201Op, NB201_NODES } from '../searchSpaces'

export interface CellEdge {
  readonly op: string
  /** Input state index: 0 and 1 are the cell inputs, k ≥ 2 is intermediate node k−2. */
  readonly from: number
}

export interface CellGenotype {
  /** `nodes[i]` are the inputs of intermediate node i (state i+2), in derivation order (by strength). */
  readonly nodes: readonly (readonly CellEdge[])[]
  /** State indices concatenated for the cell output, e.g. `[2, 3, 4, 5]`. */
  readonly concat: readonly number[]
}

export interface DartsGenotype {
  readonly kind: 'darts'
  readonly normal: CellGenotype
  readonly reduce: CellGenotype
}

/** NAS-Bench-201 cell: `nodes[i-1]` are the incoming edges of node i (1..3); node 3 is the output. */
export interface Nb201Genotype {
  readonly kind: 'nb201'
  readonly nodes: readonly (readonly CellEdge[])[]
}

export type Genotype = DartsGenotype | Nb201Genotype

/** Which text form a genotype came from, so a viewer can say so and a round trip can keep it. */
export type SourceFormat = 'darts' | 'darts-dxy' | 'fairdarts' | 'nb201' | 'json'

export interface NamedGenotype {
  readonly name: string
  /** Other names bound to the same genotype in the input (`DARTS = DARTS_V2`). */
  readonly aliases: readonly string[]
  readonly genotype: Genotype
  readonly format: SourceFormat
  /** 1-based line where the genotype starts in its input, when known. */
  readonly line?: number
}

/** A problem with user input; `line`/`column` are 1-based positions in that input when known. */
export class GenotypeError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message)
    this.name = 'GenotypeError'
  }
  /** `3:17: unknown op "sep_conv_9x9"` — the one line the CLI prints. */
  get located(): string {
    return this.line === undefined ? this.message : `${this.line}:${this.column ?? 1}: ${this.message}`
  }
}

export const cellSteps = (cell: CellGenotype): number => cell.nodes.length

/** Concat entries whose node has at least one input (FairDARTS's DCOCell drops input-less nodes). */
export function effectiveConcat(cell: CellGenotype): number[] {
  return cell.concat.filter((s) => s < 2 || (cell.nodes[s - 2]?.length ?? 0) > 0)
}

/** True when every node has exactly two inputs: the shape DARTS's flat pair list can express. */
export const isPairCell = (cell: CellGenotype): boolean => cell.nodes.every((n) => n.length === 2)

/**
 * Checks ops, input indices and concat of one DARTS-space cell. Throws a GenotypeError that names
 * the cell and node; parsers attach the source position.
 */
export function validateDartsCell(cell: CellGenotype, which: 'normal' | 'reduce'): void {
  const states = cell.nodes.length + 2
  if (cell.nodes.length === 0) throw new GenotypeError(`${which} cell has no intermediate nodes`)
  cell.nodes.forEach((inputs, i) => {
    for (const e of inputs) {
      if (!isDartsOp(e.op)) throw new GenotypeError(`unknown op "${e.op}" in ${which} cell node ${i + 2}`)
      if (!Number.isInteger(e.from) || e.from < 0)
        throw new GenotypeError(`${which} cell node ${i + 2}: input index ${e.from} is negative or not an integer`)
      if (e.from >= i + 2)
        throw new GenotypeError(
          `${which} cell node ${i + 2}: input index ${e.from} is out of range (a node may only take states 0..${i + 1})`,
        )
    }
  })
  if (cell.concat.length === 0) throw new GenotypeError(`${which}_concat is empty`)
  const seen = new Set<number>()
  for (const s of cell.concat) {
    if (!Number.isInteger(s) || s < 0 || s >= states)
      throw new GenotypeError(`${which}_concat names state ${s}, but the cell only has states 0..${states - 1}`)
    if (seen.has(s)) throw new GenotypeError(`${which}_concat names state ${s} twice`)
    seen.add(s)
  }
  if (effectiveConcat(cell).length === 0) throw new GenotypeError(`${which}_concat names only nodes without inputs`)
}

export function validateNb201(g: Nb201Genotype): void {
  if (g.nodes.length !== NB201_NODES - 1)
    throw new GenotypeError(`NAS-Bench-201 cell needs ${NB201_NODES - 1} nodes, got ${g.nodes.length}`)
  g.nodes.forEach((inputs, k) => {
    const i = k + 1
    if (inputs.length !== i) throw new GenotypeError(`NAS-Bench-201 node ${i} needs ${i} incoming edges, got ${inputs.length}`)
    const froms = new Set<number>()
    for (const e of inputs) {
      if (!isNb201Op(e.op)) throw new GenotypeError(`unknown NAS-Bench-201 op "${e.op}" at node ${i}`)
      if (!Number.isInteger(e.from) || e.from < 0 || e.from >= i)
        throw new GenotypeError(`NAS-Bench-201 node ${i}: input index ${e.from} out of range 0..${i - 1}`)
      if (froms.has(e.from)) throw new GenotypeError(`NAS-Bench-201 node ${i}: input ${e.from} appears twice`)
      froms.add(e.from)
    }
  })
}

export function validateGenotype(g: Genotype): void {
  if (g.kind === 'nb201') return validateNb201(g)
  validateDartsCell(g.normal, 'normal')
  validateDartsCell(g.reduce, 'reduce')
}

/** Number of `skip_connect` edges in a cell (the collapse indicator shown on the dashboard). */
export const countOp = (cell: CellGenotype | Nb201Genotype, op = 'skip_connect'): number =>
  cell.nodes.reduce((n, inputs) => n + inputs.filter((e) => e.op === op).length, 0)

const nodeKey = (inputs: readonly CellEdge[]): string =>
  inputs
    .map((e) => `${e.op}@${e.from}`)
    .sort()
    .join(',')

function cellsEqual(a: CellGenotype, b: CellGenotype): boolean {
  if (a.nodes.length !== b.nodes.length) return false
  if (!a.nodes.every((n, i) => nodeKey(n) === nodeKey(b.nodes[i]!))) return false
  const ca = [...effectiveConcat(a)].sort((x, y) => x - y)
  const cb = [...effectiveConcat(b)].sort((x, y) => x - y)
  return ca.length === cb.length && ca.every((s, i) => s === cb[i])
}

/**
 * Genotype equality as METHODS.md §6.6 asks: per-node multisets of (op, input), so the pair order
 * within a node does not matter, and `range(2, 6)` equals `[2, 3, 4, 5]`.
 */
export function genotypesEqual(a: Genotype, b: Genotype): boolean {
  if (a.kind === 'nb201' || b.kind === 'nb201') {
    if (a.kind !== 'nb201' || b.kind !== 'nb201') return false // spelled out so TypeScript narrows both
    return a.nodes.length === b.nodes.length && a.nodes.every((n, i) => nodeKey(n) === nodeKey(b.nodes[i]!))
  }
  return cellsEqual(a.normal, b.normal) && cellsEqual(a.reduce, b.reduce)
}

/** Builds a pair cell from DARTS's flat list: entries 2i and 2i+1 are the inputs of node i. */
export function cellFromPairs(pairs: readonly (readonly [string, number])[], concat: readonly number[]): CellGenotype {
  const nodes: CellEdge[][] = []
  for (let i = 0; i < pairs.length; i += 2) nodes.push(pairs.slice(i, i + 2).map(([op, from]) => ({ op, from })))
  return { nodes, concat: [...concat] }
}

/** `range(2, 6)` convention: the last `multiplier` states of a cell with `steps` nodes. */
export const defaultConcat = (steps: number, multiplier = steps): number[] =>
  Array.from({ length: multiplier }, (_, k) => 2 + steps - multiplier + k)
