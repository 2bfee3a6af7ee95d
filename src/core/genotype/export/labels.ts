/**
 * Edge-label placement for exported figures, the same greedy as the app's placeLabels (which lives
 * in the renderer, out of core's reach): each label slides along its own curve to the first spot that
 * overlaps no node box and no label placed before it.
 */
import { type PathCmd, pointAt, textWidth } from './geometry'

export interface Box {
  readonly x0: number
  readonly y0: number
  readonly x1: number
  readonly y1: number
}

const CANDIDATES = [0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.18, 0.82]

const overlap = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0))

/** Box of a label centred on x whose middle sits on the curve at y. */
const labelBox = (x: number, y: number, text: string, size: number): Box => {
  const w = textWidth(text, size) + 2
  return { x0: x - w / 2, y0: y - size * 0.55, x1: x + w / 2, y1: y + size * 0.55 }
}

/**
 * Label anchors (x centre, y baseline) in input order. Short edges go first (they have the least
 * room); a label takes the first candidate without overlap, else the least-overlapping one.
 */
export function placeEdgeLabels(
  edges: readonly { path: readonly PathCmd[]; text: string }[],
  nodes: readonly Box[],
  size: number,
): { x: number; y: number; text: string }[] {
  const placed: Box[] = nodes.map((n) => ({ x0: n.x0 - 1, y0: n.y0 - 1, x1: n.x1 + 1, y1: n.y1 + 1 }))
  const span = (p: readonly PathCmd[]) => {
    const [a, b] = [pointAt(p, 0), pointAt(p, 1)]
    return Math.hypot(b[0] - a[0], b[1] - a[1])
  }
  const order = edges.map((e, i) => ({ e, i, span: span(e.path) }))
  order.sort((a, b) => a.span - b.span || a.i - b.i)
  const out: { x: number; y: number; text: string }[] = new Array(edges.length)
  for (const { e, i } of order) {
    let best: { x: number; y: number; cost: number } | undefined
    for (const u of CANDIDATES) {
      // Candidates are along the first segment pair: the part of the curve that is this edge's own.
      const [x, y] = pointAt(e.path, u / Math.max(1, e.path.length - 1))
      const cost = placed.reduce((sum, b) => sum + overlap(labelBox(x, y, e.text, size), b), 0)
      if (!best || cost < best.cost) best = { x, y, cost }
      if (cost === 0) break
    }
    placed.push(labelBox(best!.x, best!.y, e.text, size))
    out[i] = { x: Math.round(best!.x * 100) / 100, y: Math.round((best!.y + size * 0.35) * 100) / 100, text: e.text }
  }
  return out
}
