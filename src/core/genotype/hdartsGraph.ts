/**
 * HDARTS genotypes as plain graphs for the cell-graph viewer, in cellGraph.ts's shape: the level-1
 * cell (edges labelled with motif names, so `cellGraph` draws it) and one graph per motif, whose
 * input `x` also reaches the output `y` through the residual edge.
 */
import { type CellGraph, cellGraph, type GraphEdge, type GraphNode } from './cellGraph'
import { type HCellGenotype, type HdartsGenotype, type MotifGenotype, motifName } from './hdarts'

/** The op label of a motif's residual edge x → y (a FactorizedReduce on strided cell edges). */
export const RESIDUAL_OP = 'residual'

export interface HCellFigure {
  /** The cell DAG; each op edge's `op` is a motif name (`motif_0`). */
  readonly cell: CellGraph
  /** One graph per motif of this cell type, indexed as `motif_<k>`. */
  readonly motifs: readonly CellGraph[]
  /** Whether the cell uses motif k on some edge (unused motifs can be dimmed). */
  readonly used: readonly boolean[]
}

export interface HdartsFigure {
  readonly normal: HCellFigure
  readonly reduce: HCellFigure
}

const motifNodeId = (b: number, last: number): string => (b === 0 ? 'x' : b === last ? 'y' : String(b))

/** Node 0 is the input `x`, the last node the output `y`; every edge carries its primitive. */
export function motifGraph(m: MotifGenotype): CellGraph {
  const last = m.nodes.length
  const nodes: GraphNode[] = Array.from({ length: last + 1 }, (_, b) => ({
    id: motifNodeId(b, last),
    kind: b === 0 ? 'input' : b === last ? 'output' : 'intermediate',
    label: motifNodeId(b, last),
    state: b,
  }))
  const edges: GraphEdge[] = m.nodes.flatMap((inputs, k) =>
    inputs.map((e, n) => {
      const [source, target] = [motifNodeId(e.from, last), motifNodeId(k + 1, last)]
      return { id: `${source}->${target}#${n}`, source, target, kind: 'op' as const, op: e.op }
    }),
  )
  edges.push({ id: `x->y#${RESIDUAL_OP}`, source: 'x', target: 'y', kind: 'op', op: RESIDUAL_OP })
  return { nodes, edges }
}

/** The level-1 cell through `cellGraph`, with motif names as op labels. */
export const hcellGraph = (cell: HCellGenotype): CellGraph =>
  cellGraph({
    nodes: cell.nodes.map((inputs) => inputs.map((e) => ({ op: motifName(e.motif), from: e.from }))),
    concat: cell.concat,
  })

export function hcellFigure(cell: HCellGenotype): HCellFigure {
  const used = cell.motifs.map((_, k) => cell.nodes.some((inputs) => inputs.some((e) => e.motif === k)))
  return { cell: hcellGraph(cell), motifs: cell.motifs.map(motifGraph), used }
}

export const hdartsFigure = (g: HdartsGenotype): HdartsFigure => ({
  normal: hcellFigure(g.normal),
  reduce: hcellFigure(g.reduce),
})
