/**
 * Edge-label placement for cell figures (pure geometry, no React): each label slides along its own
 * curve to a spot that overlaps no node box and no label placed before it, so labels of edges that
 * leave one input together do not pile up where the curves are still bundled.
 */
import type { LaidNode } from '../../../../core/genotype/layout'

interface Box {
  readonly x0: number
  readonly y0: number
  readonly x1: number
  readonly y1: number
}

/** Approximate box of a 10px label whose baseline sits 3px above (x, y), centred on x. */
const labelBox = (x: number, y: number, text: string): Box => {
  const w = text.length * 5.6 + 4
  return { x0: x - w / 2, y0: y - 14, x1: x + w / 2, y1: y - 1 }
}

const overlap = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0))

/** A point of layoutCell's `M sx sy C c1x c1y, c2x c2y, tx ty` cubic at parameter u; null for other paths. */
export function pointOnPath(path: string, u: number): { x: number; y: number } | null {
  if (!/^M[^C]*C/.test(path)) return null
  const n = path.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)?.map(Number)
  if (!n || n.length !== 8) return null
  const v = 1 - u
  const [a, b, c, d] = [v ** 3, 3 * v * v * u, 3 * v * u * u, u ** 3]
  return { x: a * n[0]! + b * n[2]! + c * n[4]! + d * n[6]!, y: a * n[1]! + b * n[3]! + c * n[5]! + d * n[7]! }
}

const CANDIDATES = [0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.18, 0.82]

/**
 * Greedy: short edges first (they have the least room); each takes the first candidate position with
 * no overlap, else the least-overlapping one. Labels stay on their own curve.
 */
export function placeLabels<E extends { path: string; label: string; labelX: number; labelY: number; change?: string }>(
  edges: readonly E[],
  nodes: readonly LaidNode[],
): E[] {
  // Diff overlays: the changes' labels get the free spots first.
  const rank = (e: E) => (e.change && e.change !== 'same' ? 0 : 1)
  const placed: Box[] = nodes.map((n) => ({ x0: n.x - 2, y0: n.y - 2, x1: n.x + n.width + 2, y1: n.y + n.height + 2 }))
  const span = (e: E) => {
    const a = pointOnPath(e.path, 0)
    const b = pointOnPath(e.path, 1)
    return a && b ? Math.hypot(b.x - a.x, b.y - a.y) : Infinity
  }
  const order = edges.map((e, i) => ({ e, i, span: span(e) })).filter(({ e }) => e.label)
  order.sort((a, b) => rank(a.e) - rank(b.e) || a.span - b.span || a.i - b.i)
  const out = [...edges]
  for (const { e, i } of order) {
    let best: { x: number; y: number; cost: number } | null = null
    for (const u of CANDIDATES) {
      const p = pointOnPath(e.path, u)
      if (!p) break
      const cost = placed.reduce((sum, b) => sum + overlap(labelBox(p.x, p.y, e.label), b), 0)
      if (!best || cost < best.cost) best = { ...p, cost }
      if (cost === 0) break
    }
    if (!best) continue
    placed.push(labelBox(best.x, best.y, e.label))
    out[i] = { ...e, labelX: Math.round(best.x * 10) / 10, labelY: Math.round(best.y * 10) / 10 }
  }
  return out
}
