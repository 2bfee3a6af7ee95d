/**
 * Cell drawings as pure geometry, in the style of DARTS's visualize.py (graphviz, rankdir=LR): inputs
 * on the left, the output on the right, intermediate nodes layered by depth in between. The renderer
 * only draws rects and SVG paths.
 */
import { dartsStepsForRows } from '../metrics/heatmap'
import { softmaxRows } from '../metrics/math'
import { dartsEdgeCount } from '../searchSpaces'
import { type CellGraph, CELL_OUTPUT_ID, type GraphEdge, type GraphNode, type GraphNodeKind, stateId } from './cellGraph'
import { checkShape } from './derive'

export { OP_COLORS, opColor } from './opColors'

export interface LaidNode {
  readonly id: string
  readonly label: string
  readonly kind: GraphNodeKind
  /** Top-left corner, as an SVG rect takes it. */
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

export interface LaidEdge {
  readonly id: string
  readonly source: string
  readonly target: string
  readonly kind: 'op' | 'concat'
  readonly op?: string
  readonly weight?: number
  /** `M … C …`: one cubic from the source's right side to the target's left side. */
  readonly path: string
  /** A point on the curve for the op name. */
  readonly labelX: number
  readonly labelY: number
}

export interface CellLayout {
  readonly width: number
  readonly height: number
  readonly nodes: readonly LaidNode[]
  readonly edges: readonly LaidEdge[]
}

export interface WeightedGraph extends CellGraph {
  /** Edge id → weight. */
  readonly weights: Readonly<Record<string, number>>
}

const MARGIN = 12
const PORT_SPACING = 8
/** Vertical distance between parallel edges inside a dummy slot, and between a dummy and its neighbours. */
const BUNDLE_SPACING = 4
const DUMMY_GAP = 6

const positive = (v: number | undefined, d: number): number => (v !== undefined && Number.isFinite(v) && v > 0 ? v : d)
const nonNegative = (v: number | undefined, d: number): number => (v !== undefined && Number.isFinite(v) && v >= 0 ? v : d)
const r2 = (v: number): number => Math.round(v * 100) / 100

/** Inputs in column 0; a node one column right of its rightmost source; the output right of everything. */
function columns(graph: CellGraph): Map<string, number> {
  const sources = new Map<string, string[]>()
  for (const e of graph.edges) sources.set(e.target, [...(sources.get(e.target) ?? []), e.source])
  const kind = new Map(graph.nodes.map((n) => [n.id, n.kind]))
  const col = new Map<string, number>()
  const visiting = new Set<string>()
  const colOf = (id: string): number => {
    const known = col.get(id)
    if (known !== undefined) return known
    if (kind.get(id) === 'input' || visiting.has(id)) return 0 // visiting: a cycle, which cell graphs never have
    visiting.add(id)
    const srcs = (sources.get(id) ?? []).filter((s) => kind.get(s) !== undefined && kind.get(s) !== 'output')
    const c = 1 + Math.max(0, ...srcs.map(colOf))
    visiting.delete(id)
    col.set(id, c)
    return c
  }
  for (const n of graph.nodes) if (n.kind === 'input') col.set(n.id, 0)
  for (const n of graph.nodes) if (n.kind === 'intermediate') colOf(n.id)
  const last = 1 + Math.max(0, ...[...col.values()])
  for (const n of graph.nodes) if (n.kind === 'output') col.set(n.id, last)
  return col
}

/** Segments `[column, y at column, y at column + 1, edges]`; two in the same gap cross when their ends swap order. */
function crossings(segs: readonly (readonly [number, number, number, number])[]): number {
  let n = 0
  for (let i = 0; i < segs.length; i++)
    for (let j = i + 1; j < segs.length; j++) {
      const [c, u1, v1, m1] = segs[i]!
      const [d, u2, v2, m2] = segs[j]!
      if (c === d && (u1 - u2) * (v1 - v2) < 0) n += m1 * m2
    }
  return n
}

/** A column slot: a node, or a dummy that carries a bundle of edges across a column (Sugiyama). */
interface Item {
  readonly node?: GraphNode
  readonly h: number
  readonly c: number
}

/** The edges between one (source, target) pair, and the slots they pass through, endpoints included. */
interface Bundle {
  readonly edges: GraphEdge[]
  readonly chain: string[]
}

/** Control-point x's of a cubic with horizontal tangents from x0 to x1, as graphviz draws rankdir=LR splines. */
const controls = (x0: number, x1: number): [number, number] => {
  const dx = Math.max(12, (x1 - x0) / 2)
  return [x0 + dx, x1 - dx]
}

/**
 * Lays out a cell graph (cellGraph, nb201Graph, motifGraph or mixingGraph). Edges that skip columns
 * run through dummy slots, so they pass between nodes rather than under them; within a column slots
 * are ordered by barycenter sweeps, keeping the order with the fewest crossings; inputs keep their
 * given order. Parallel edges and the edges of busy nodes get fanned-out ports, so no two edges share
 * a path. Node x/y are top-left corners.
 */
export function layoutCell(
  graph: CellGraph,
  opts: { nodeWidth?: number; nodeHeight?: number; colGap?: number; rowGap?: number } = {},
): CellLayout {
  const nw = positive(opts.nodeWidth, 72)
  const nh = positive(opts.nodeHeight, 36)
  const colGap = nonNegative(opts.colGap, 120)
  const rowGap = nonNegative(opts.rowGap, 28)
  const col = columns(graph)
  const nCols = 1 + Math.max(0, ...col.values())
  const known = new Set(graph.nodes.map((n) => n.id))
  const edges = graph.edges.filter((e) => known.has(e.source) && known.has(e.target))

  const items = new Map<string, Item>()
  const layers: string[][] = Array.from({ length: nCols }, () => [])
  for (const n of graph.nodes) {
    items.set(n.id, { node: n, h: nh, c: col.get(n.id)! })
    layers[col.get(n.id)!]!.push(n.id)
  }
  const bundles = new Map<string, Bundle>()
  for (const e of edges) {
    const key = `${e.source}\u0000${e.target}`
    const b = bundles.get(key)
    if (b) b.edges.push(e)
    else bundles.set(key, { edges: [e], chain: [] })
  }
  for (const [key, b] of bundles) {
    const { source, target } = b.edges[0]!
    b.chain.push(source)
    for (let c = col.get(source)! + 1; c < col.get(target)!; c++) {
      const id = `\u0000${key}@${c}`
      items.set(id, { h: (b.edges.length - 1) * BUNDLE_SPACING, c })
      layers[c]!.push(id)
      b.chain.push(id)
    }
    b.chain.push(target)
  }
  const segments = [...bundles.values()].flatMap((b) => b.chain.slice(1).map((v, k) => [b.chain[k]!, v, b.edges.length] as const))

  const gap = (a: string, b: string) => (items.get(a)!.node && items.get(b)!.node ? rowGap : DUMMY_GAP)
  const columnHeight = (layer: readonly string[]) =>
    layer.reduce((h, id, k) => h + items.get(id)!.h + (k > 0 ? gap(layer[k - 1]!, id) : 0), 0)
  const innerH = Math.max(nh, ...layers.map(columnHeight))
  const colX = (c: number): number => MARGIN + c * (nw + colGap)
  /** Slot id → its centre y. */
  const position = (): Map<string, number> => {
    const y = new Map<string, number>()
    layers.forEach((layer) => {
      let top = MARGIN + (innerH - columnHeight(layer)) / 2
      layer.forEach((id, k) => {
        if (k > 0) top += gap(layer[k - 1]!, id)
        y.set(id, top + items.get(id)!.h / 2)
        top += items.get(id)!.h
      })
    })
    return y
  }
  const score = (): number => {
    const y = position()
    return crossings(segments.map(([u, v, m]) => [items.get(u)!.c, y.get(u)!, y.get(v)!, m]))
  }
  // Barycenter sweeps over the middle columns; the inputs and the output stay put.
  const sweep = (c: number, forward: boolean) => {
    const y = position()
    const bary = new Map<string, number>()
    for (const id of layers[c]!) {
      // Weighted by bundle size, so a 7-edge bundle pulls harder than a single edge.
      const near = segments.filter(([u, v]) => (forward ? v : u) === id)
      const w = near.reduce((sum, [, , m]) => sum + m, 0)
      const sum = near.reduce((acc, [u, v, m]) => acc + m * y.get(forward ? u : v)!, 0)
      bary.set(id, w > 0 ? sum / w : y.get(id)!)
    }
    layers[c]!.sort((a, b) => bary.get(a)! - bary.get(b)!)
  }
  let best = layers.map((l) => [...l])
  let bestScore = score()
  for (let round = 0; round < 4 && bestScore > 0; round++) {
    for (let c = 1; c < nCols - 1; c++) sweep(c, true)
    for (let c = nCols - 2; c >= 1; c--) sweep(c, false)
    const s = score()
    if (s < bestScore) [best, bestScore] = [layers.map((l) => [...l]), s]
  }
  best.forEach((l, c) => (layers[c] = l))
  const ys = position()

  const laid = new Map<string, LaidNode>()
  for (const n of graph.nodes) {
    const c = col.get(n.id)!
    laid.set(n.id, { id: n.id, label: n.label, kind: n.kind, x: colX(c), y: ys.get(n.id)! - nh / 2, width: nw, height: nh })
  }

  // Ports: a node's edges spread along its side, ordered by the height of the next slot so they do not cross there.
  const bundleOf = new Map<GraphEdge, Bundle>()
  for (const b of bundles.values()) for (const e of b.edges) bundleOf.set(e, b)
  const ports = (side: 'out' | 'in'): Map<GraphEdge, number> => {
    const byNode = new Map<string, { e: GraphEdge; i: number }[]>()
    edges.forEach((e, i) => {
      const id = side === 'out' ? e.source : e.target
      byNode.set(id, [...(byNode.get(id) ?? []), { e, i }])
    })
    const out = new Map<GraphEdge, number>()
    for (const [id, list] of byNode) {
      const next = (e: GraphEdge) => {
        const chain = bundleOf.get(e)!.chain
        return ys.get(side === 'out' ? chain[1]! : chain[chain.length - 2]!)!
      }
      list.sort((a, b) => next(a.e) - next(b.e) || a.i - b.i)
      const step = list.length > 1 ? Math.min(PORT_SPACING, (0.7 * nh) / (list.length - 1)) : 0
      list.forEach(({ e }, k) => out.set(e, ys.get(id)! + (k - (list.length - 1) / 2) * step))
    }
    return out
  }
  const outPort = ports('out')
  const inPort = ports('in')
  const weights = 'weights' in graph ? (graph as WeightedGraph).weights : undefined

  const laidEdges: LaidEdge[] = edges.map((e) => {
    const b = bundleOf.get(e)!
    const m = b.edges.length
    const k = b.edges.indexOf(e)
    const offset = (k - (m - 1) / 2) * BUNDLE_SPACING
    let [x, y] = [laid.get(e.source)!.x + nw, outPort.get(e)!]
    let d = `M ${r2(x)} ${r2(y)}`
    // Labels sit on the first segment, a little before its middle so two crossing edges do not share a
    // spot; parallel edges stagger theirs along it.
    const u = m > 1 ? 0.25 + (0.4 * k) / (m - 1) : 0.4
    let label: [number, number] | undefined
    const to = (x1: number, y1: number) => {
      const [c1x, c2x] = controls(x, x1)
      if (!label) {
        const v = 1 - u
        label = [
          v ** 3 * x + 3 * v * v * u * c1x + 3 * v * u * u * c2x + u ** 3 * x1,
          (v ** 3 + 3 * v * v * u) * y + (3 * v * u * u + u ** 3) * y1,
        ]
      }
      d += ` C ${r2(c1x)} ${r2(y)}, ${r2(c2x)} ${r2(y1)}, ${r2(x1)} ${r2(y1)}`
      ;[x, y] = [x1, y1]
    }
    for (const id of b.chain.slice(1, -1)) {
      const yd = ys.get(id)! + offset
      to(colX(items.get(id)!.c), yd)
      d += ` L ${r2(x + nw)} ${r2(yd)}`
      x += nw
    }
    to(laid.get(e.target)!.x, inPort.get(e)!)
    const weight = weights?.[e.id]
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      kind: e.kind,
      ...(e.op !== undefined ? { op: e.op } : {}),
      ...(weight !== undefined ? { weight } : {}),
      path: d,
      labelX: r2(label![0]),
      labelY: r2(label![1]),
    }
  })
  return {
    width: 2 * MARGIN + nCols * nw + (nCols - 1) * colGap,
    height: 2 * MARGIN + innerH,
    nodes: graph.nodes.map((n) => laid.get(n.id)!),
    edges: laidEdges,
  }
}

/**
 * The supernet cell with every mixing weight as its own edge (`c_{k-2}->0#sep_conv_3x3`), for the
 * "all weights" view. Rows follow DARTS's edge order. By default rows are softmaxed over all ops
 * (DARTS's mixing weights) before `none` is dropped; pass `weights: 'normalized'` for weights already
 * activated (e.g. FairDARTS's sigmoids). Edges below `minWeight` are left out; every intermediate node
 * feeds the output, as DARTS concatenates all of them.
 */
export function mixingGraph(
  matrix: readonly (readonly number[])[],
  ops: readonly string[],
  opts: { steps?: number; minWeight?: number; dropNone?: boolean; weights?: 'softmax' | 'normalized' } = {},
): WeightedGraph {
  const steps = opts.steps ?? dartsStepsForRows(matrix.length)
  if (steps === null || !Number.isInteger(steps) || steps < 1)
    throw new Error(`mixingGraph: ${matrix.length} rows fit no DARTS cell (4 steps need ${dartsEdgeCount(4)})`)
  checkShape(matrix, dartsEdgeCount(steps), ops.length, 'mixingGraph')
  const w = opts.weights === 'normalized' ? matrix : softmaxRows(matrix)
  const minWeight = opts.minWeight ?? 0
  const dropNone = opts.dropNone ?? true
  const nodes: GraphNode[] = [0, 1].map((s) => ({ id: stateId(s), kind: 'input', label: stateId(s), state: s }))
  const edges: GraphEdge[] = []
  const weights: Record<string, number> = {}
  let row = 0
  for (let i = 0; i < steps; i++) {
    const target = stateId(i + 2)
    nodes.push({ id: target, kind: 'intermediate', label: target, state: i + 2 })
    for (let j = 0; j < i + 2; j++, row++) {
      const source = stateId(j)
      ops.forEach((op, k) => {
        const weight = w[row]![k]!
        if ((dropNone && op === 'none') || !(weight >= minWeight)) return
        const id = `${source}->${target}#${op}`
        edges.push({ id, source, target, kind: 'op', op })
        weights[id] = weight
      })
    }
  }
  nodes.push({ id: CELL_OUTPUT_ID, kind: 'output', label: CELL_OUTPUT_ID })
  for (let i = 0; i < steps; i++)
    edges.push({ id: `${stateId(i + 2)}->${CELL_OUTPUT_ID}`, source: stateId(i + 2), target: CELL_OUTPUT_ID, kind: 'concat' })
  return { nodes, edges, weights }
}
