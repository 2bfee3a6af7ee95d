/**
 * A cell figure as backend-neutral drawing primitives in points (1/72 in, y down): the SVG, TikZ and
 * PDF writers only translate these (and PNG is the SVG rasterized), so the outputs show the same
 * picture. Geometry comes from layout.ts (Graphviz dot; the app's cell viewer uses the same), scaled
 * to a journal column, in the app's look or DARTS's.
 */
import { cellGraph } from '../cellGraph'
import { layoutCell } from '../layout'
import type { DartsGenotype } from '../model'
import { opColor } from '../opColors'
import { type FontFamily, type PathCmd, parsePath } from './geometry'

export type FigureCells = 'both' | 'normal' | 'reduce'
export type FigureWidth = 'single' | 'double'
/** `app`: the viewer's look (op-coloured edges, DejaVu Sans). `darts`: DARTS's visualize.py (Graphviz, Times-like serif, black edges). */
export type FigureStyle = 'app' | 'darts'
export const FIGURE_STYLES: readonly FigureStyle[] = ['app', 'darts']

export interface FigureOptions {
  readonly cells?: FigureCells
  readonly width?: FigureWidth
  readonly style?: FigureStyle
  /** Shown as the figure's title (SVG <title>, PDF /Title); not drawn. */
  readonly name?: string
}

/** Column widths of common two-column templates (IEEE, NeurIPS/ICML are close): 3.33 in and 6.875 in. */
export const COLUMN_PT: Readonly<Record<FigureWidth, number>> = { single: 3.33 * 72, double: 6.875 * 72 }
/** Label fonts, DejaVu first: the PDF embeds it and the layout measures with its widths, so all outputs agree. */
export const FONT_STACKS: Readonly<Record<FontFamily, string>> = {
  sans: "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif",
  serif: "'DejaVu Serif', 'Bitstream Vera Serif', serif",
}

export const NODE_FILL = { input: '#D4EDDA', intermediate: '#D6E6F5', output: '#FBE3BD' } as const
export const NODE_STROKE = '#4D4D4D'
export const CONCAT_COLOR = '#8C8C8C'
export const TEXT_COLOR = '#1A1A1A'

/** Smallest op-label size (pt) a printed figure may have; below it cellFigure refuses (FigureTooLargeError). */
export const MIN_LABEL_PT = 4

export class FigureTooLargeError extends Error {
  override readonly name = 'FigureTooLargeError'
}

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
  /** What the text labels: an edge (its op), a node, or the panel. */
  readonly role: 'edge' | 'node' | 'caption'
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
  readonly style: FigureStyle
  readonly font: FontFamily
  readonly width: number
  readonly height: number
  readonly edges: readonly FigEdge[]
  readonly rects: readonly FigRect[]
  /** Edge labels first, then node labels and captions (drawing order). */
  readonly texts: readonly FigText[]
  /** Ops drawn, in first-appearance order (for a legend or a caption). */
  readonly ops: readonly string[]
}

interface Look {
  readonly font: FontFamily
  readonly labelPt: number
  readonly nodePt: number
  readonly nodeW: number
  readonly nodeH: number
  readonly fill: Readonly<Record<'input' | 'intermediate' | 'output', string>>
  readonly stroke: string
  readonly strokeWidth: number
  readonly rounded: boolean
  readonly edge: (op: string | undefined, kind: 'op' | 'concat') => { color: string; width: number; dash?: number[] }
  readonly halo: boolean
}

const LOOKS: Readonly<Record<FigureStyle, Look>> = {
  app: {
    font: 'sans',
    labelPt: 7,
    nodePt: 8,
    nodeW: 30,
    nodeH: 18,
    fill: NODE_FILL,
    stroke: NODE_STROKE,
    strokeWidth: 0.6,
    rounded: true,
    edge: (op, kind) =>
      kind === 'concat' ? { color: CONCAT_COLOR, width: 0.8, dash: [2, 2] } : { color: opColor(op ?? ''), width: 1.3 },
    halo: true,
  },
  // visualize.py: Times 20 for nodes and edges, filled rects of at least 0.5 in, penwidth 2, default
  // (black) edges; X11 colours darkseagreen2, lightblue, palegoldenrod. Here at 8 pt, in proportion.
  darts: {
    font: 'serif',
    labelPt: 8,
    nodePt: 8,
    nodeW: 14.4,
    nodeH: 14.4,
    fill: { input: '#B4EEB4', intermediate: '#ADD8E6', output: '#EEE8AA' },
    stroke: '#000000',
    strokeWidth: 0.8,
    rounded: false,
    edge: () => ({ color: '#000000', width: 0.6 }),
    halo: false,
  },
}

const CAPTION_PT = 8.5
/** Op labels at least this size (pt) keep DARTS's left-to-right drawing. */
const COMFORT_PT = 5
const PANEL_GAP = 14
/** Largest op-label size (pt): a lone cell in a double column stops growing there. */
const MAX_LABEL_PT = 9

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
function panel(g: DartsGenotype, which: 'normal' | 'reduce', look: Look, direction: 'LR' | 'TB'): Panel {
  const graph = cellGraph(g[which])
  const layout = layoutCell(graph, {
    nodeWidth: look.nodeW,
    nodeHeight: look.nodeH,
    labelSize: look.labelPt,
    nodeLabelSize: look.nodePt,
    font: look.font,
    rankSep: 10,
    nodeSep: 4,
    arrowLength: 4,
    direction,
  })
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
    const style = look.edge(op, e.kind)
    // dot's path ends at the arrow's base and its last L reaches the tip: the head fills that span.
    const base = path.at(-1)!.op === 'L' ? (path.at(-2)?.pts.at(-1) ?? prev) : prev
    const size = Math.hypot(end[0] - base[0], end[1] - base[1]) || 4
    return {
      id: `${which}:${e.id}`,
      cell: which,
      kind: e.kind,
      ...(op !== undefined ? { op } : {}),
      path: path.at(-1)!.op === 'L' ? path.slice(0, -1) : path,
      color: style.color,
      width: style.width,
      ...(style.dash ? { dash: style.dash } : {}),
      arrow: arrowHead(end, base, size),
    }
  })
  const nodes = layout.nodes.map((n) => ({ ...n, y: n.y + top }))
  const rects: FigRect[] = nodes.map((n) => ({
    x: n.x,
    y: n.y,
    w: n.width,
    h: n.height,
    r: !look.rounded ? 0 : n.kind === 'intermediate' ? n.height / 2 : 3,
    fill: look.fill[n.kind],
    stroke: look.stroke,
    strokeWidth: look.strokeWidth,
  }))
  const texts: FigText[] = [
    ...layout.edges
      .filter((e) => e.label)
      .map((e) => ({
        x: e.labelX,
        y: e.labelY + top + look.labelPt * 0.35,
        text: e.label,
        size: look.labelPt,
        anchor: 'middle' as const,
        color: TEXT_COLOR,
        role: 'edge' as const,
        ...(look.halo ? { halo: true } : {}),
      })),
    ...nodes.map((n) => ({
      ...subLabel(n.label),
      x: n.x + n.width / 2,
      y: n.y + n.height / 2 + look.nodePt * 0.35,
      size: look.nodePt,
      anchor: 'middle' as const,
      color: TEXT_COLOR,
      role: 'node' as const,
    })),
    {
      x: 4,
      y: CAPTION_PT,
      text: which === 'normal' ? 'Normal cell' : 'Reduction cell',
      size: CAPTION_PT,
      anchor: 'start',
      color: TEXT_COLOR,
      bold: true,
      role: 'caption',
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
  const style = opts.style ?? 'app'
  const look = LOOKS[style]
  const which: ('normal' | 'reduce')[] = cells === 'both' ? ['normal', 'reduce'] : [cells]
  const target = COLUMN_PT[widthKey]
  // DARTS's left-to-right drawing first; a deep cell (PC-DARTS, PR-DARTS chains) in a narrow column reads
  // better top to bottom, and two cells in a double column either side by side or stacked: the candidate
  // with the largest print scale wins (ties keep the earlier, DARTS-like one).
  let best: { panels: Panel[]; side: boolean; s: number; naturalW: number } | undefined
  for (const direction of ['LR', 'TB'] as const) {
    const panels = which.map((w) => panel(g, w, look, direction))
    for (const side of widthKey === 'double' && panels.length > 1 ? [true, false] : [false]) {
      const naturalW = side
        ? panels.reduce((sum, p) => sum + p.width, 0) + PANEL_GAP * (panels.length - 1)
        : Math.max(...panels.map((p) => p.width))
      // Fill the column, up to MAX_LABEL_PT labels.
      const s = Math.min(target / naturalW, MAX_LABEL_PT / look.labelPt)
      if (!best || s > best.s * 1.001) best = { panels, side, s, naturalW }
    }
    // Left to right is kept whenever it prints comfortably.
    if (look.labelPt * best!.s >= COMFORT_PT) break
  }
  const { panels, side, s, naturalW } = best!
  if (look.labelPt * s < MIN_LABEL_PT)
    throw new FigureTooLargeError(
      `${opts.name ?? 'this genotype'}: the cell is too large to print legibly in a ${widthKey} column ` +
        `(op labels would be ${(look.labelPt * s).toFixed(1)} pt, under ${MIN_LABEL_PT} pt)` +
        (widthKey === 'single' ? '; try --width double' : cells === 'both' ? '; try --cells normal or --cells reduce' : ''),
    )
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
    for (const t of p.texts)
      (t.role === 'edge' ? edgeTexts : otherTexts).push({ ...t, x: X(t.x), y: Y(t.y), size: r2(t.size * s) })
    for (const op of p.ops) if (!ops.includes(op)) ops.push(op)
    if (side) ox += p.width + PANEL_GAP
    else oy += p.height + PANEL_GAP
  }
  const naturalH = side
    ? Math.max(...panels.map((p) => p.height))
    : panels.reduce((sum, p) => sum + p.height, 0) + PANEL_GAP * (panels.length - 1)
  return {
    title: opts.name ?? 'cell',
    style,
    font: look.font,
    width: r2(naturalW * s),
    height: r2(naturalH * s),
    edges,
    rects,
    texts: [...edgeTexts, ...otherTexts],
    ops,
  }
}

const r2 = (v: number): number => Math.round(v * 100) / 100
