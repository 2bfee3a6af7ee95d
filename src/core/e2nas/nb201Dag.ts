/**
 * NAS-Bench-201 cells for E2NAS (METHODS.md §3.3, §4.3): the enumeration of the whole space and the
 * D-VAE DAG form of a cell, where ops are nodes (D-VAE, Zhang et al. NeurIPS 2019, encodes
 * "ops on nodes" graphs; NB201 puts ops on edges, so each edge becomes an op node).
 *
 * A cell is 6 op indices: entry i is the op of edge NB201_EDGES[i] (1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2),
 * as a column of NB201_OPS (none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3).
 */
import { NB201_EDGES, NB201_NODES, NB201_OPS } from '../searchSpaces'

/** Ops per edge (5) and edges per cell (6). */
export const NB201_OP_COUNT = NB201_OPS.length
export const NB201_EDGE_COUNT = NB201_EDGES.length
/** 5^6 = 15,625 cells. */
export const NB201_CELL_COUNT = NB201_OP_COUNT ** NB201_EDGE_COUNT

/**
 * D-VAE node types: START and END, then the 5 NB201 ops (type = 2 + op index). D-VAE also
 * gives the input and output vertices their own types.
 */
export const DAG_START = 0
export const DAG_END = 1
export const DAG_TYPE_COUNT = 2 + NB201_OP_COUNT
export const opNodeType = (op: number): number => 2 + op

/** DAG nodes: 0 is the input (START), 1..6 the op nodes of NB201_EDGES in order, 7 the output (END). */
export const DAG_NODE_COUNT = NB201_EDGE_COUNT + 2
export const DAG_OUTPUT = DAG_NODE_COUNT - 1

/**
 * Predecessors of each DAG node. The op node of edge i<-j reads what flows into NB201 node j: the op
 * nodes of the edges ending at j, or the input node if j = 0. The output reads the edges into node 3.
 * The same for every cell; node indices are already a topological order.
 */
export const DAG_PREDECESSORS: readonly (readonly number[])[] = (() => {
  const opNodesInto = (node: number): number[] => NB201_EDGES.flatMap(([to], e) => (to === node ? [e + 1] : [])) // op node of edge e is DAG node e + 1
  const preds: number[][] = [[]]
  for (const [, from] of NB201_EDGES) preds.push(from === 0 ? [0] : opNodesInto(from))
  preds.push(opNodesInto(NB201_NODES - 1))
  return preds
})()

/** The D-VAE node types of a cell: [START, 6 op types, END]. */
export function dagTypes(cell: readonly number[]): number[] {
  checkCell(cell)
  return [DAG_START, ...cell.map(opNodeType), DAG_END]
}

export function checkCell(cell: readonly number[]): void {
  if (cell.length !== NB201_EDGE_COUNT || cell.some((op) => !Number.isInteger(op) || op < 0 || op >= NB201_OP_COUNT)) {
    throw new Error(`not an NB201 cell (need ${NB201_EDGE_COUNT} op indices in 0..${NB201_OP_COUNT - 1}): [${cell.join(', ')}]`)
  }
}

/** Index of a cell in `enumerateNb201()`: the cell read as a base-5 number, cell[0] the most significant digit. */
export function cellIndex(cell: readonly number[]): number {
  checkCell(cell)
  return cell.reduce((acc, op) => acc * NB201_OP_COUNT + op, 0)
}

/** The cell with a given index (inverse of `cellIndex`). */
export function cellAt(index: number): number[] {
  if (!Number.isInteger(index) || index < 0 || index >= NB201_CELL_COUNT)
    throw new Error(`NB201 cell index out of range: ${index}`)
  const cell = new Array<number>(NB201_EDGE_COUNT)
  for (let i = NB201_EDGE_COUNT - 1; i >= 0; i--) {
    cell[i] = index % NB201_OP_COUNT
    index = Math.floor(index / NB201_OP_COUNT)
  }
  return cell
}

/** All 15,625 cells in base-5 order: entry k is `cellAt(k)`, so `cellIndex(enumerateNb201()[k]) === k`. */
export function enumerateNb201(): number[][] {
  return Array.from({ length: NB201_CELL_COUNT }, (_, k) => cellAt(k))
}

/** The NB201 architecture string of a cell (`|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`, METHODS.md §4.3). */
export function cellToNb201String(cell: readonly number[]): string {
  checkCell(cell)
  const nodes: string[] = []
  for (let to = 1; to < NB201_NODES; to++) {
    const ins = NB201_EDGES.flatMap(([t, from], e) => (t === to ? [`${NB201_OPS[cell[e]!]}~${from}`] : []))
    nodes.push(`|${ins.join('|')}|`)
  }
  return nodes.join('+')
}
