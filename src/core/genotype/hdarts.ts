/**
 * The HDARTS motif genotype (METHODS.md §3.13.1): per cell type, level-0 motifs (small DAGs whose
 * edges are primitives) and a level-1 cell DAG whose edges each carry one motif. State indices of
 * the cell follow DARTS (0 = c_{k-2}, 1 = c_{k-1}, k ≥ 2 = node k−2). A motif has `motifNodes`
 * nodes: node 0 is its input x, the last node its output, and the motif computes last node + x
 * (the residual, through a FactorizedReduce when the edge is strided).
 */
import { HDARTS_LEVEL0_OPS } from '../searchSpaces'
import { GenotypeError } from './model'

export interface MotifEdge {
  /** A level-0 primitive (HDARTS_LEVEL0_OPS). */
  readonly op: string
  /** Source motif node: 0 is the motif input, b ≥ 1 an earlier node. */
  readonly from: number
}

export interface MotifGenotype {
  /** `nodes[b-1]` are the incoming edges of motif node b (1 … motifNodes−1); the last node is the output. */
  readonly nodes: readonly (readonly MotifEdge[])[]
}

export interface HCellEdge {
  /** Index into the cell type's `motifs` (written `motif_<k>` in the text form). */
  readonly motif: number
  /** Input state index, as in DARTS. */
  readonly from: number
}

export interface HCellGenotype {
  /** The level-0 motifs of this cell type (all candidates, chosen or not). */
  readonly motifs: readonly MotifGenotype[]
  /** `nodes[i]` are the inputs of intermediate node i (state i+2), in derivation order. */
  readonly nodes: readonly (readonly HCellEdge[])[]
  readonly concat: readonly number[]
}

export interface HdartsGenotype {
  readonly kind: 'hdarts'
  readonly normal: HCellGenotype
  readonly reduce: HCellGenotype
}

export interface NamedHGenotype {
  readonly name: string
  readonly aliases: readonly string[]
  readonly genotype: HdartsGenotype
  /** `hdarts`: the `HGenotype(...)` text; `json`: the `hdarts.hgenotype` document. */
  readonly format: 'hdarts' | 'json'
  /** 1-based line where the genotype starts in its input, when known. */
  readonly line?: number
}

/** Level-0 α rows per motif: one per edge a → b, a < b. */
export const motifEdgeCount = (motifNodes: number): number => (motifNodes * (motifNodes - 1)) / 2

/**
 * Row of edge a → b in a level-0 α matrix. Edges are ordered by target node, then source, as DARTS
 * orders a cell's edges (the original code sorts (a, b) tuples; the order of rows is a convention).
 */
export const motifEdgeIndex = (from: number, to: number): number => (to * (to - 1)) / 2 + from

/** `[from, to]` of every motif edge, in α row order. */
export function motifEdges(motifNodes: number): [from: number, to: number][] {
  const out: [number, number][] = []
  for (let b = 1; b < motifNodes; b++) for (let a = 0; a < b; a++) out.push([a, b])
  return out
}

export const motifName = (k: number): string => `motif_${k}`

/** `motif_3` → 3; anything else → undefined. */
export function motifIndexOf(name: string): number | undefined {
  const m = /^motif_(0|[1-9]\d{0,3})$/.exec(name)
  return m ? Number(m[1]) : undefined
}

/** HDARTS primitive names → the DARTS op with the same layers (for costs and the engine's op registry). */
export const HDARTS_TO_DARTS_OP: Readonly<Record<string, string>> = { identity: 'skip_connect', zero: 'none' }
export const dartsOpOf = (op: string): string => HDARTS_TO_DARTS_OP[op] ?? op

const LEVEL0: ReadonlySet<string> = new Set(HDARTS_LEVEL0_OPS)
export const isLevel0Op = (op: string): boolean => LEVEL0.has(op)

/** Checks one motif: known primitives, one edge per (source, node), sources earlier than the node. */
export function validateMotif(m: MotifGenotype, where: string): void {
  if (m.nodes.length === 0) throw new GenotypeError(`${where} has no nodes besides its input`)
  m.nodes.forEach((inputs, k) => {
    const b = k + 1
    if (inputs.length === 0) throw new GenotypeError(`${where} node ${b} has no inputs`)
    const seen = new Set<number>()
    for (const e of inputs) {
      if (!isLevel0Op(e.op))
        throw new GenotypeError(`unknown primitive "${e.op}" in ${where} node ${b}; valid: ${HDARTS_LEVEL0_OPS.join(', ')}`)
      if (!Number.isInteger(e.from) || e.from < 0 || e.from >= b)
        throw new GenotypeError(`${where} node ${b}: input ${e.from} is out of range (a node may only take nodes 0..${b - 1})`)
      if (seen.has(e.from)) throw new GenotypeError(`${where} node ${b}: input ${e.from} appears twice`)
      seen.add(e.from)
    }
  })
}

/** Checks a cell type: its motifs, then nodes (motif indices, inputs) and concat as validateDartsCell does. */
export function validateHCell(cell: HCellGenotype, which: 'normal' | 'reduce'): void {
  if (cell.motifs.length === 0) throw new GenotypeError(`${which}_motifs is empty`)
  cell.motifs.forEach((m, k) => validateMotif(m, `${which} ${motifName(k)}`))
  if (cell.nodes.length === 0) throw new GenotypeError(`${which} cell has no intermediate nodes`)
  cell.nodes.forEach((inputs, i) => {
    if (inputs.length === 0) throw new GenotypeError(`${which} cell node ${i + 2} has no inputs`)
    const seen = new Set<number>()
    for (const e of inputs) {
      if (!Number.isInteger(e.motif) || e.motif < 0 || e.motif >= cell.motifs.length)
        throw new GenotypeError(
          `${which} cell node ${i + 2}: ${motifName(e.motif)} does not exist (${which}_motifs has ${cell.motifs.length})`,
        )
      if (!Number.isInteger(e.from) || e.from < 0 || e.from >= i + 2)
        throw new GenotypeError(
          `${which} cell node ${i + 2}: input index ${e.from} is out of range (a node may only take states 0..${i + 1})`,
        )
      if (seen.has(e.from)) throw new GenotypeError(`${which} cell node ${i + 2}: input ${e.from} appears twice`)
      seen.add(e.from)
    }
  })
  const states = cell.nodes.length + 2
  if (cell.concat.length === 0) throw new GenotypeError(`${which}_concat is empty`)
  const seen = new Set<number>()
  for (const s of cell.concat) {
    if (!Number.isInteger(s) || s < 0 || s >= states)
      throw new GenotypeError(`${which}_concat names state ${s}, but the cell only has states 0..${states - 1}`)
    if (seen.has(s)) throw new GenotypeError(`${which}_concat names state ${s} twice`)
    seen.add(s)
  }
}

export function validateHdarts(g: HdartsGenotype): void {
  validateHCell(g.normal, 'normal')
  validateHCell(g.reduce, 'reduce')
}

/** A motif made of `identity` edges only: with its residual it is a scaled skip connection. */
export const isIdentityMotif = (m: MotifGenotype): boolean => m.nodes.every((inputs) => inputs.every((e) => e.op === 'identity'))

/**
 * The HDARTS analogue of DARTS's skip count (the collapse indicator): kept cell edges whose motif is
 * identity-only. Every motif has a residual, so only such a motif is nothing but a skip.
 */
export const countSkipEdges = (cell: HCellGenotype): number =>
  cell.nodes.reduce((n, inputs) => n + inputs.filter((e) => isIdentityMotif(cell.motifs[e.motif]!)).length, 0)

/** Motif nodes (input and output included) of a cell type; 0 if its motifs disagree. */
export function motifNodesOf(cell: HCellGenotype): number {
  const counts = new Set(cell.motifs.map((m) => m.nodes.length + 1))
  return counts.size === 1 ? [...counts][0]! : 0
}
