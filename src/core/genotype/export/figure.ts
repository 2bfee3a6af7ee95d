/**
 * A cell figure as backend-neutral drawing primitives in points (1/72 in, y down): the SVG, TikZ and
 * PDF writers only translate these, so the three outputs show the same picture. Geometry comes from
 * layout.ts (the app's cell viewer uses the same), scaled to a journal column.
 */
import { cellGraph } from '../cellGraph'
import { layoutCell } from '../layout'
import type { DartsGenotype } from '../model'
import { opColor } from '../opColors'
import { placeEdgeLabels } from './labels'
import { type PathCmd, parsePath, textWidth } from './geometry'

export type FigureCells = 'both' | 'normal' | 'reduce'
export type FigureWidth = 'single' | 'double'

export interface FigureOptions {
  readonly cells?: FigureCells
  readonly width?: FigureWidth
  /** Shown as the figure's title (SVG <title>, PDF /Title); not drawn. */
  readonly name?: string
}

/** Column widths of common two-column templates (IEEE, NeurIPS/ICML are close): 3.33 in and 6.875 in. */
export const COLUMN_PT: Readonly<Record<FigureWidth, number>> = { single: 3.33 * 72, double: 6.875 * 72 }
/** Labels use DejaVu Sans first: the PDF embeds it, so the three outputs measure text alike. */
export const FONT_STACK = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', Arial, sans-serif"

export const NODE_FILL = { input: '#D4EDDA', intermediate: '#D6E6F5', output: '#FBE3BD' } as const
export const NODE_STROKE = '#4D4D4D'
export const CONCAT_COLOR = '#8C8C8C'
export const TEXT_COLOR = '#1A1A1A'

export interface FigRect {
  readonly x: number
  readonly y: number
  readonly w: number
  readonly h: number
  readonly r: number
  readonly fill: string
  readonly stroke: string
  readonly strokeWidth: number
}
export interface FigText {
  /** Anchor point; `middle` centres the text on x. y is the baseline. */
  readonly x: number
  readonly y: number
  readonly text: string
  /** Subscript after `text` (node names `c` + `k−2`). */
  readonly sub?: string
  readonly size: number
  readonly anchor: 'start' | 'middle'
  readonly color: string
  readonly bold?: boolean
  /** Draw a white outline first, so a label stays readable over the edges it crosses. */
  readonly halo?: boolean
}
export interface FigEdge {
  readonly id: string
  readonly cell: 'normal' | 'reduce'
  readonly kind: 'op' | 'concat'
  readonly op?: string
  readonly path: readonly PathCmd[]
  readonly color: string
  readonly width: number
  readonly dash?: readonly number[]
  /** Filled arrowhead triangle at the path's end. */
  readonly arrow: readonly [number, number][]
}
export interface Figure {
  readonly title: string
  readonly width: number
  readonly height: number
  readonly edges: readonly FigEdge[]
  readonly rects: readonly FigRect[]
  /** Edge labels first, then node labels and captions (drawing order). */
  readonly texts: readonly FigText[]
  /** Ops drawn, in first-appearance order (for a legend or a caption). */
  readonly ops: readonly string[]
}

const LABEL_PT = 7
const NODE_PT = 8
const CAPTION_PT = 8.5
const NODE_W = 30
const NODE_H = 18
const PANEL_GAP = 14
const MAX_SCALE = 9 / LABEL_PT
/** Widest panel (design pt) so that a single column scales labels to no less than about 5 pt. */
const PANEL_BUDGET = (3.33 * 72 * LABEL_PT) / 5

const subLabel = (label: string): { text: string; sub?: string } => {
  const m = /^c_\{(.*)\}$/.exec(label)
  return m ? { text: 'c', sub: m[1]!.replace('-', '\u2212') } : { text: label }
}

interface Panel {
  readonly width: number
  readonly height: number
  readonly edges: FigEdge[]
  readonly rects: FigRect[]
  readonly texts: FigText[]
  readonly ops: string[]
}

/** One cell in design units (points before scaling to the column): caption on top, graph below. */
function panel(g: DartsGenotype, which: 'normal' | 'reduce'): Panel {
  const graph = cellGraph(g[which])
  const opLabels = graph.edges.filter((e) => e.kind === 'op').map((e) => e.op ?? '')
  // Room between columns for the longest op name, so labels fit between node boxes.
  const longest = Math.max(40, ...opLabels.map((op) => textWidth(op, LABEL_PT)))
  // ...but deep cells (PC-DARTS chains) would then shrink below legible text in a column, so the gap
  // gives way first: a panel is at most PANEL_BUDGET wide before scaling.
  const nCols = new Set(layoutCell(graph, { nodeWidth: NODE_W, colGap: 0 }).nodes.map((n) => n.x)).size
  const fit = (PANEL_BUDGET - 24 - nCols * NODE_W) / Math.max(1, nCols - 1)
  const colGap = Math.max(28, Math.min(longest + 14, fit))
  const layout = layoutCell(graph, { nodeWidth: NODE_W, nodeHeight: NODE_H, colGap, rowGap: 30 })
  const top = CAPTION_PT + 6
  const dy = (cmds: readonly PathCmd[]) =>
    cmds.map((c) => ({ ...c, pts: c.pts.map(([x, y]) => [x, y + top] as [number, number]) }))
  const ops: string[] = []
  const edges: FigEdge[] = layout.edges.map((e) => {
    const path = dy(parsePath(e.path))
    const end = path.at(-1)!.pts.at(-1)!
    const prev = path.at(-1)!.pts.at(-2) ?? path.at(-2)?.pts.at(-1) ?? [end[0] - 1, end[1]]
    const op = e.op
    if (e.kind === 'op' && op && !ops.includes(op)) ops.push(op)
    return {
      id: `${which}:${e.id}`,
      cell: which,
      kind: e.kind,
      ...(op !== undefined ? { op } : {}),
      path,
      color: e.kind === 'concat' ? CONCAT_COLOR : opColor(op ?? ''),
      width: e.kind === 'concat' ? 0.8 : 1.3,
      ...(e.kind === 'concat' ? { dash: [2, 2] } : {}),
      arrow: arrowHead(end, prev, e.kind === 'concat' ? 4 : 5),
    }
  })
  const nodes = layout.nodes.map((n) => ({ ...n, y: n.y + top }))
  const rects: FigRect[] = nodes.map((n) => ({
    x: n.x,
    y: n.y,
    w: n.width,
    h: n.height,
    r: n.kind === 'intermediate' ? n.height / 2 : 3,
    fill: NODE_FILL[n.kind],
    stroke: NODE_STROKE,
    strokeWidth: 0.6,
  }))
  const labels = placeEdgeLabels(
    edges.filter((e) => e.kind === 'op').map((e) => ({ path: e.path, text: e.op ?? '' })),
    nodes.map((n) => ({ x0: n.x, y0: n.y, x1: n.x + n.width, y1: n.y + n.height })),
    LABEL_PT,
  )
  const texts: FigText[] = [
    ...labels.map((l) => ({ ...l, size: LABEL_PT, anchor: 'middle' as const, color: TEXT_COLOR, halo: true })),
    ...nodes.map((n) => ({
      ...subLabel(n.label),
      x: n.x + n.width / 2,
      y: n.y + n.height / 2 + NODE_PT * 0.35,
      size: NODE_PT,
      anchor: 'middle' as const,
      color: TEXT_COLOR,
    })),
    {
      x: 12,
      y: CAPTION_PT,
      text: which === 'normal' ? 'Normal cell' : 'Reduction cell',
      size: CAPTION_PT,
      anchor: 'start',
      color: TEXT_COLOR,
      bold: true,
    },
  ]
  return { width: layout.width, height: layout.height + top, edges, rects, texts, ops }
}

/** A triangle with its tip at `end`, pointing away from `from`. */
function arrowHead(end: readonly [number, number], from: readonly [number, number], size: number): [number, number][] {
  let [dx, dy] = [end[0] - from[0], end[1] - from[1]]
  const len = Math.hypot(dx, dy) || 1
  ;[dx, dy] = [dx / len, dy / len]
  const [bx, by] = [end[0] - dx * size, end[1] - dy * size]
  const w = size * 0.45
  return [
    [end[0], end[1]],
    [bx - dy * w, by + dx * w],
    [bx + dy * w, by - dx * w],
  ]
}

/**
 * The figure of one or both cells, `width` pt wide: both cells stack in a single column and sit side
 * by side in a double column. Everything (fonts included) scales with the drawing, so text stays in
 * proportion to the boxes it labels.
 */
export function cellFigure(g: DartsGenotype, opts: FigureOptions = {}): Figure {
  const cells = opts.cells ?? 'both'
  const widthKey = opts.width ?? 'single'
  const which: ('normal' | 'reduce')[] = cells === 'both' ? ['normal', 'reduce'] : [cells]
  const panels = which.map((w) => panel(g, w))
  const side = widthKey === 'double' && panels.length > 1
  const naturalW = side
    ? panels.reduce((s, p) => s + p.width, 0) + PANEL_GAP * (panels.length - 1)
    : Math.max(...panels.map((p) => p.width))
  const target = COLUMN_PT[widthKey]
  // Fill the column, but a lone cell in a double column stops growing at 9-pt labels.
  const s = Math.min(target / naturalW, MAX_SCALE)
  const edges: FigEdge[] = []
  const rects: FigRect[] = []
  const edgeTexts: FigText[] = []
  const otherTexts: FigText[] = []
  const ops: string[] = []
  let [ox, oy] = [0, 0]
  for (const p of panels) {
    const X = (x: number) => r2((x + ox) * s)
    const Y = (y: number) => r2((y + oy) * s)
    const pt = ([x, y]: readonly [number, number]): [number, number] => [X(x), Y(y)]
    for (const e of p.edges)
      edges.push({
        ...e,
        path: e.path.map((c) => ({ ...c, pts: c.pts.map(pt) })),
        arrow: e.arrow.map(pt),
        width: r2(e.width * s),
        ...(e.dash ? { dash: e.dash.map((d) => r2(d * s)) } : {}),
      })
    for (const r of p.rects)
      rects.push({
        ...r,
        x: X(r.x),
        y: Y(r.y),
        w: r2(r.w * s),
        h: r2(r.h * s),
        r: r2(r.r * s),
        strokeWidth: r2(r.strokeWidth * s),
      })
    for (const t of p.texts) (t.halo ? edgeTexts : otherTexts).push({ ...t, x: X(t.x), y: Y(t.y), size: r2(t.size * s) })
    for (const op of p.ops) if (!ops.includes(op)) ops.push(op)
    if (side) ox += p.width + PANEL_GAP
    else oy += p.height + PANEL_GAP
  }
  const naturalH = side
    ? Math.max(...panels.map((p) => p.height))
    : panels.reduce((sum, p) => sum + p.height, 0) + PANEL_GAP * (panels.length - 1)
  return {
    title: opts.name ?? 'cell',
    width: r2(naturalW * s),
    height: r2(naturalH * s),
    edges,
    rects,
    texts: [...edgeTexts, ...otherTexts],
    ops,
  }
}

const r2 = (v: number): number => Math.round(v * 100) / 100
