/**
 * Cell drawings as pure geometry, laid out by Graphviz `dot` (rankdir=LR, as DARTS's visualize.py):
 * inputs on the left, the output on the right, edge labels beside their edges. Every op label gets a
 * box of its measured size that dot places like a node (its virtual label node), so labels overlap
 * neither each other nor node boxes. The app's viewer and every export (SVG, PDF, PNG, TikZ) draw
 * this one geometry.
 */
import { dartsStepsForRows } from '../metrics/heatmap'
import { softmaxRows } from '../metrics/math'
import { dartsEdgeCount } from '../searchSpaces'
import { type CellGraph, CELL_OUTPUT_ID, type GraphEdge, type GraphNode, type GraphNodeKind, stateId } from './cellGraph'
import { checkShape } from './derive'
import { dotQuote, runDot } from './dot'
import { type FontFamily, textWidth } from './export/geometry'

export { OP_COLORS, opColor } from './opColors'
export { layoutEngineReady, loadLayoutEngine } from './dot'

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
  /** `M … C … [C …] L tip`: dot's spline from the source to the arrow's base, then the arrow's tip. */
  readonly path: string
  /** The text the label box was reserved for; '' for concat edges and unlabelled layouts. */
  readonly label: string
  /** Centre of the label box (on the curve's midpoint when there is no label). */
  readonly labelX: number
  readonly labelY: number
  /** The box reserved for the label (top-left, size); absent without a label. */
  readonly labelBox?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number }
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

export interface LayoutOptions {
  /** Smallest node box; nodes grow to fit their label. */
  readonly nodeWidth?: number
  readonly nodeHeight?: number
  /** Font size of op labels, whose boxes the layout reserves; 0 lays out without labels (the weighted view). */
  readonly labelSize?: number
  /** Font size of node names (nodes are made wide enough for them). */
  readonly nodeLabelSize?: number
  /** The font labels are measured in. */
  readonly font?: FontFamily
  /** The text an op edge carries; its op by default (the diff view writes `a → b`). */
  readonly edgeLabel?: (e: GraphEdge) => string
  /** Gap between ranks (columns) and between boxes of one rank. */
  readonly rankSep?: number
  readonly nodeSep?: number
  /** Length of the arrowhead dot leaves room for at each edge's end. */
  readonly arrowLength?: number
  /** `LR` (DARTS's, the default): inputs left, output right. `TB`: inputs on top, for deep cells in a narrow column. */
  readonly direction?: 'LR' | 'TB'
}

const MARGIN = 4
/** Graphviz takes HTML-label sizes in whole points, so the layout runs K times larger and scales back. */
const K = 8
/** Room around a label's glyphs inside its box. */
const LABEL_PAD = 2

const positive = (v: number | undefined, d: number): number => (v !== undefined && Number.isFinite(v) && v > 0 ? v : d)
const nonNegative = (v: number | undefined, d: number): number => (v !== undefined && Number.isFinite(v) && v >= 0 ? v : d)
const r2 = (v: number): number => Math.round(v * 100) / 100
const pts = (s: string): [number, number][] =>
  s
    .trim()
    .split(/\s+/)
    .map((p) => p.split(',').map(Number) as [number, number])

/** The box a label of `text` needs at `size` pt (width, height). */
export function labelSize(text: string, size: number, font: FontFamily = 'sans'): [number, number] {
  return [textWidth(text, size, font) + 2 * LABEL_PAD, size * 1.25 + LABEL_PAD]
}

/**
 * Lays out a cell graph (cellGraph, nb201Graph, motifGraph or mixingGraph) with dot. Inputs share the
 * first rank in their given order (top to bottom, or left to right in `TB`), the output takes the last. Node x/y are top-left corners; y points
 * down. Requires `loadLayoutEngine()` to have resolved.
 */
export function layoutCell(graph: CellGraph, opts: LayoutOptions = {}): CellLayout {
  const nw = positive(opts.nodeWidth, 72)
  const nh = positive(opts.nodeHeight, 36)
  const size = nonNegative(opts.labelSize, 10)
  const nodeSize = positive(opts.nodeLabelSize, 12)
  const font = opts.font ?? 'sans'
  const rankSep = nonNegative(opts.rankSep, 24)
  const nodeSep = nonNegative(opts.nodeSep, 10)
  const arrowLength = nonNegative(opts.arrowLength, 8)
  const known = new Set(graph.nodes.map((n) => n.id))
  const edges = graph.edges.filter((e) => known.has(e.source) && known.has(e.target))
  const textOf = (e: GraphEdge): string => (size > 0 && e.kind === 'op' ? (opts.edgeLabel?.(e) ?? e.op ?? '') : '')
  const name = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]))
  const inch = (v: number): string => String(Math.round(((v * K) / 72) * 1e4) / 1e4)
  const widthOf = (n: GraphNode): number => Math.max(nw, textWidth(n.label, nodeSize, font) + 2 * nodeSize)

  const lines: string[] = [
    'digraph cell {',
    `rankdir=${opts.direction === 'TB' ? 'TB' : 'LR'}; nodesep=${inch(nodeSep)}; ranksep=${inch(rankSep)}; margin=0; pad=0; splines=spline;`,
    'node [shape=box, fixedsize=true, label=""];',
    // dot's arrowsize 1 is 10 points long.
    `edge [arrowhead=normal, arrowsize=${Math.round(((arrowLength * K) / 10) * 100) / 100}];`,
  ]
  for (const n of graph.nodes) lines.push(`${name.get(n.id)} [width=${inch(widthOf(n))}, height=${inch(nh)}];`)
  const inputs = graph.nodes.filter((n) => n.kind === 'input').map((n) => name.get(n.id)!)
  const outputs = graph.nodes.filter((n) => n.kind === 'output').map((n) => name.get(n.id)!)
  // source/sink (not min/max): no other node may share the inputs' or the output's rank.
  if (inputs.length) lines.push(`{ rank=source; ${inputs.join('; ')}; }`)
  if (outputs.length) lines.push(`{ rank=sink; ${outputs.join('; ')}; }`)
  // A node nothing feeds (an NB201 node behind `none` edges) still goes right of the inputs.
  const fed = new Set(edges.map((e) => e.target))
  if (inputs.length)
    for (const n of graph.nodes)
      if (n.kind === 'intermediate' && !fed.has(n.id)) lines.push(`${inputs[0]} -> ${name.get(n.id)} [style=invis];`)
  // Keep the inputs in their given order, top to bottom (c_{k-2} above c_{k-1}, as DARTS draws them).
  for (let i = 1; i < inputs.length; i++) lines.push(`${inputs[i - 1]} -> ${inputs[i]} [style=invis];`)
  edges.forEach((e, i) => {
    const text = textOf(e)
    const attrs = [`id=${dotQuote(`e${i}`)}`]
    if (text) {
      const [w, h] = labelSize(text, size, font)
      attrs.push(
        `label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" FIXEDSIZE="TRUE" WIDTH="${Math.ceil(w * K)}" HEIGHT="${Math.ceil(h * K)}"><TR><TD></TD></TR></TABLE>>`,
      )
    }
    lines.push(`${name.get(e.source)} -> ${name.get(e.target)} [${attrs.join(', ')}];`)
  })
  lines.push('}')
  const out = runDot(lines.join('\n'))

  const [, , bbW, bbH] = out.bb.split(',').map(Number) as [number, number, number, number]
  // dot's points, y up, K-fold → design units, y down, with a margin.
  const X = (x: number): number => MARGIN + x / K
  const Y = (y: number): number => MARGIN + (bbH - y) / K
  const byName = new Map((out.objects ?? []).map((o) => [o.name, o]))
  const laid = new Map<string, LaidNode>()
  for (const n of graph.nodes) {
    const o = byName.get(name.get(n.id)!)!
    const [cx, cy] = pts(o.pos!)[0]!
    const [w, h] = [(Number(o.width) * 72) / K, (Number(o.height) * 72) / K]
    laid.set(n.id, {
      id: n.id,
      label: n.label,
      kind: n.kind,
      x: r2(X(cx!) - w / 2),
      y: r2(Y(cy!) - h / 2),
      width: r2(w),
      height: r2(h),
    })
  }
  const dotEdges = new Map((out.edges ?? []).filter((e) => e.id).map((e) => [e.id!, e]))
  const weights = 'weights' in graph ? (graph as WeightedGraph).weights : undefined
  const laidEdges: LaidEdge[] = edges.map((e, i) => {
    const d = dotEdges.get(`e${i}`)!
    // pos: `e,tipx,tipy p0 p1 p2 p3 …`, a cubic B-spline given as Bézier control points.
    const parts = d.pos.split(' ')
    const tip = parts[0]!.startsWith('e,') ? pts(parts.shift()!.slice(2))[0] : undefined
    if (parts[0]?.startsWith('s,')) parts.shift()
    const ctl = pts(parts.join(' ')).map(([x, y]) => [r2(X(x)), r2(Y(y))] as const)
    let path = `M ${ctl[0]![0]} ${ctl[0]![1]}`
    for (let k = 1; k + 2 < ctl.length; k += 3)
      path += ` C ${ctl[k]![0]} ${ctl[k]![1]}, ${ctl[k + 1]![0]} ${ctl[k + 1]![1]}, ${ctl[k + 2]![0]} ${ctl[k + 2]![1]}`
    if (tip) path += ` L ${r2(X(tip[0]))} ${r2(Y(tip[1]))}`
    const text = textOf(e)
    const mid = ctl[Math.floor(ctl.length / 2)]!
    let labelX = mid[0]
    let labelY = mid[1]
    let labelBox: LaidEdge['labelBox']
    if (text && d.lp) {
      const [lx, ly] = pts(d.lp)[0]!
      ;[labelX, labelY] = [r2(X(lx!)), r2(Y(ly!))]
      const [w, h] = labelSize(text, size, font)
      labelBox = { x: r2(labelX - w / 2), y: r2(labelY - h / 2), width: r2(w), height: r2(h) }
    }
    const weight = weights?.[e.id]
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      kind: e.kind,
      ...(e.op !== undefined ? { op: e.op } : {}),
      ...(weight !== undefined ? { weight } : {}),
      path,
      label: text,
      labelX,
      labelY,
      ...(labelBox ? { labelBox } : {}),
    }
  })
  return {
    width: r2(2 * MARGIN + bbW / K),
    height: r2(2 * MARGIN + bbH / K),
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
