/**
 * HDARTS derivation (`create_dag(learnt_op=True)`, METHODS.md §3.13.1): argmax per edge at every level,
 * `zero` excluded at level 0. 'dense' keeps every cell edge, as the original does for two levels;
 * 'topk' keeps the k = 2 strongest inputs per node (strength = the edge's best softmax(α¹) motif
 * weight, ties to the lower input as DARTS's stable sort), so a cell has DARTS's 8 edges.
 */
import { argmax, softmaxRows } from '../metrics/math'
import { dartsEdgeCount, HDARTS_LEVEL0_OPS } from '../searchSpaces'
import { checkShape, type Matrix } from './derive'
import { type HCellEdge, type HCellGenotype, type HdartsGenotype, type MotifGenotype, motifEdgeCount, motifEdges } from './hdarts'
import { defaultConcat } from './model'

/** One cell type's architecture values: a level-0 matrix `[motifEdges, ops]` per motif and the level-1 `[cellEdges, motifs]`. */
export interface HCellAlphas {
  readonly motifs: readonly Matrix[]
  readonly cell: Matrix
}

export interface HdartsDeriveOptions {
  /** Nodes of a motif, input and output included (HDARTS: 3). */
  readonly motifNodes: number
  /** Intermediate nodes of a cell (4). */
  readonly steps: number
  /** Concat = the last `multiplier` states (default: all `steps`). */
  readonly multiplier?: number
  readonly mode?: 'dense' | 'topk'
  /** Inputs kept per node in 'topk' mode (2). */
  readonly k?: number
  /** Level-0 column order (HDARTS_LEVEL0_OPS). */
  readonly ops?: readonly string[]
  /** Level-0 ops never chosen (`zero`). */
  readonly exclude?: readonly string[]
}

/** Rows `start .. start+i+1` of the level-1 matrix are the incoming edges of node i (DARTS order). */
const nodeStart = (i: number): number => (i * (i + 3)) / 2

/** argmax over the allowed primitives of each motif edge; every edge is kept (the original never prunes a motif). */
export function deriveMotif(
  alphas: Matrix,
  motifNodes: number,
  ops: readonly string[],
  allowed: (k: number) => boolean,
): MotifGenotype {
  const nodes: { op: string; from: number }[][] = Array.from({ length: motifNodes - 1 }, () => [])
  motifEdges(motifNodes).forEach(([a, b], e) => nodes[b - 1]!.push({ op: ops[argmax(alphas[e]!, allowed)]!, from: a }))
  return { nodes }
}

function deriveCellNodes(alphas: Matrix, steps: number, mode: 'dense' | 'topk', k: number): HCellEdge[][] {
  const W = softmaxRows(alphas)
  const nodes: HCellEdge[][] = []
  for (let i = 0; i < steps; i++) {
    const rows = W.slice(nodeStart(i), nodeStart(i) + i + 2)
    const edge = (j: number): HCellEdge => ({ motif: argmax(rows[j]!), from: j })
    if (mode === 'dense') nodes.push(rows.map((_, j) => edge(j)))
    else {
      const strength = rows.map((row) => Math.max(...row))
      // Stable sort, as Python's sorted: equal strengths keep the lower input first.
      const order = rows.map((_, j) => j).sort((a, b) => strength[b]! - strength[a]!)
      nodes.push(order.slice(0, k).map(edge))
    }
  }
  return nodes
}

export function deriveHCell(a: HCellAlphas, which: string, o: HdartsDeriveOptions): HCellGenotype {
  const ops = o.ops ?? HDARTS_LEVEL0_OPS
  const excluded = new Set(o.exclude ?? ['zero'])
  const allowed = (k: number): boolean => !excluded.has(ops[k]!)
  if (!ops.some((_, k) => allowed(k))) throw new Error('every level-0 op is excluded; nothing to choose from')
  if (!Number.isInteger(o.motifNodes) || o.motifNodes < 2)
    throw new Error(`motifNodes must be an integer ≥ 2, got ${o.motifNodes}`)
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error(`steps must be a positive integer, got ${o.steps}`)
  if (a.motifs.length === 0) throw new Error(`${which}: no motifs`)
  a.motifs.forEach((m, k) => checkShape(m, motifEdgeCount(o.motifNodes), ops.length, `${which}.motif${k}`))
  checkShape(a.cell, dartsEdgeCount(o.steps), a.motifs.length, `${which}.cell`)
  const multiplier = o.multiplier ?? o.steps
  if (!Number.isInteger(multiplier) || multiplier < 1 || multiplier > o.steps)
    throw new Error(`multiplier must be an integer in 1..${o.steps}, got ${multiplier}`)
  return {
    motifs: a.motifs.map((m) => deriveMotif(m, o.motifNodes, ops, allowed)),
    nodes: deriveCellNodes(a.cell, o.steps, o.mode ?? 'dense', o.k ?? 2),
    concat: defaultConcat(o.steps, multiplier),
  }
}

/** The derived HDARTS genotype from raw α (softmax is applied here, as the supernet applies it). */
export function deriveHdarts(normal: HCellAlphas, reduce: HCellAlphas, options: HdartsDeriveOptions): HdartsGenotype {
  return { kind: 'hdarts', normal: deriveHCell(normal, 'normal', options), reduce: deriveHCell(reduce, 'reduce', options) }
}
