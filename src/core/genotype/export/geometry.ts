/** Path parsing and text measurement for the figure writers (pure; no DOM to measure with). */

/** One drawing command of layout.ts's paths: `M` and `L` take one point, `C` three (two controls and the end). */
export interface PathCmd {
  readonly op: 'M' | 'L' | 'C'
  readonly pts: readonly (readonly [number, number])[]
}

const ARITY = { M: 1, L: 1, C: 3 } as const

/** Parses the `M x y C x y, x y, x y L x y …` strings layoutCell writes; throws on anything else. */
export function parsePath(d: string): PathCmd[] {
  const tokens = d.match(/[MLC]|-?\d*\.?\d+(?:e[-+]?\d+)?/gi) ?? []
  const out: PathCmd[] = []
  let i = 0
  while (i < tokens.length) {
    const op = tokens[i++]!.toUpperCase() as keyof typeof ARITY
    const n = ARITY[op]
    if (n === undefined) throw new Error(`unsupported path command '${op}' in "${d}"`)
    const pts: [number, number][] = []
    for (let k = 0; k < n; k++) {
      const x = Number(tokens[i++])
      const y = Number(tokens[i++])
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`bad path "${d}"`)
      pts.push([x, y])
    }
    out.push({ op, pts })
  }
  if (out[0]?.op !== 'M') throw new Error(`path must start with M: "${d}"`)
  return out
}

/** Point at parameter u (0..1) along a path, by segment index: segment k covers [k/n, (k+1)/n]. */
export function pointAt(path: readonly PathCmd[], u: number): [number, number] {
  const segs: { from: readonly [number, number]; cmd: PathCmd }[] = []
  let cur = path[0]!.pts[0]!
  for (const cmd of path.slice(1)) {
    segs.push({ from: cur, cmd })
    cur = cmd.pts.at(-1)!
  }
  if (segs.length === 0) return [cur[0], cur[1]]
  const t = Math.min(Math.max(u, 0), 1) * segs.length
  const k = Math.min(Math.floor(t), segs.length - 1)
  const v = t - k
  const { from, cmd } = segs[k]!
  if (cmd.op !== 'C') {
    const to = cmd.pts[0]!
    return [from[0] + (to[0] - from[0]) * v, from[1] + (to[1] - from[1]) * v]
  }
  const [c1, c2, to] = cmd.pts as [readonly [number, number], readonly [number, number], readonly [number, number]]
  const w = 1 - v
  const [a, b, c, e] = [w ** 3, 3 * w * w * v, 3 * w * v * v, v ** 3]
  return [a * from[0] + b * c1[0] + c * c2[0] + e * to[0], a * from[1] + b * c1[1] + c * c2[1] + e * to[1]]
}

// DejaVu Sans and DejaVu Serif advance widths (1/1000 em) of ASCII 32..126, read from the fonts' hmtx
// (DejaVuSans.ttf, DejaVuSerif.ttf of fonts-dejavu-core 2.37): the PDF embeds these fonts, the SVG names
// them first, and the layout reserves label boxes with the same numbers.
const DEJAVU_ASCII = {
  sans: [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636,
    636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787,
    695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278,
    579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
  ],
  serif: [
    318, 402, 460, 838, 636, 950, 890, 275, 390, 390, 500, 838, 318, 338, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636,
    636, 337, 337, 838, 838, 838, 536, 1000, 722, 735, 765, 802, 730, 694, 799, 872, 395, 401, 747, 664, 1024, 875, 820, 673, 820,
    753, 685, 667, 843, 722, 1028, 712, 660, 695, 390, 337, 390, 838, 500, 500, 596, 640, 560, 640, 592, 370, 640, 644, 320, 310,
    606, 320, 948, 644, 602, 640, 640, 478, 513, 402, 644, 565, 856, 564, 565, 527, 636, 337, 636, 838,
  ],
} as const

export type FontFamily = keyof typeof DEJAVU_ASCII

/** Width in points of `text` at `size` pt in DejaVu Sans or Serif; non-ASCII (→, −) counts as the widest symbol, 838. */
export function textWidth(text: string, size: number, font: FontFamily = 'sans'): number {
  const table = DEJAVU_ASCII[font]
  let w = 0
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    w += c >= 32 && c < 127 ? table[c - 32]! : 838
  }
  return (w * size) / 1000
}
