/**
 * A cell figure as a standalone TikZ document (`pdflatex fig.tex`, or paste the tikzpicture into a
 * paper). Coordinates are the figure's points with y pointing down (`y=-1pt`), so it matches the SVG
 * and PDF; colours are \definecolor'd from the op palette so a paper can restyle them in one place.
 */
import { type Figure, NODE_FILL } from './figure'
import type { PathCmd } from './geometry'

/** TeX-safe text: the op names' underscores, and the rest of TeX's specials. */
export const texEscape = (s: string): string =>
  s.replace(/[\\{}$&#^_%~]/g, (c) => (c === '\\' ? '\\textbackslash{}' : c === '^' ? '\\^{}' : c === '~' ? '\\~{}' : `\\${c}`))

/** Colour names are letters only (TeX macro names): `sep_conv_3x3` → `opsepconvthreexthree`. */
const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']
export const colorName = (prefix: string, key: string): string =>
  prefix +
  key
    .toLowerCase()
    .replace(/[0-9]/g, (d) => DIGITS[Number(d)]!)
    .replace(/[^a-z]/g, '')

const f = (v: number): string => String(Math.round(v * 100) / 100)
const pt = ([x, y]: readonly [number, number]): string => `(${f(x)},${f(y)})`

export function tikzPath(cmds: readonly PathCmd[]): string {
  return cmds
    .map((c) => {
      if (c.op === 'M') return pt(c.pts[0]!)
      if (c.op === 'L') return `-- ${pt(c.pts[0]!)}`
      return `.. controls ${pt(c.pts[0]!)} and ${pt(c.pts[1]!)} .. ${pt(c.pts[2]!)}`
    })
    .join(' ')
}

const hex = (c: string): string => c.replace('#', '').toUpperCase()

export function figureToTikz(fig: Figure): string {
  const colors = new Map<string, string>()
  const color = (prefix: string, key: string, value: string) => {
    const name = colorName(prefix, key)
    colors.set(name, hex(value))
    return name
  }
  const body: string[] = []
  const edges = [...fig.edges].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'concat' ? -1 : 1))
  for (const e of edges) {
    const c = e.kind === 'concat' ? color('edge', 'concat', e.color) : color('op', e.op ?? 'op', e.color)
    const dash = e.dash ? `, dash pattern=on ${f(e.dash[0]!)}pt off ${f(e.dash[1] ?? e.dash[0]!)}pt` : ''
    body.push(`  % ${e.id}${e.op ? ` (${e.op})` : ''}`)
    body.push(`  \\draw[${c}, line width=${f(e.width)}pt${dash}] ${tikzPath(e.path)};`)
    body.push(`  \\fill[${c}] ${e.arrow.map(pt).join(' -- ')} -- cycle;`)
  }
  for (const r of fig.rects) {
    const kind = (Object.keys(NODE_FILL) as (keyof typeof NODE_FILL)[]).find((k) => NODE_FILL[k] === r.fill) ?? 'node'
    const fill = color('node', kind, r.fill)
    const stroke = color('node', 'stroke', r.stroke)
    body.push(
      `  \\draw[fill=${fill}, draw=${stroke}, line width=${f(r.strokeWidth)}pt, rounded corners=${f(Math.min(r.r, r.h / 2 - 0.01))}pt] ${pt([r.x, r.y])} rectangle ${pt([r.x + r.w, r.y + r.h])};`,
    )
  }
  // The serif (DARTS) look takes the document's roman family, the app look its sans family.
  const family = fig.font === 'serif' ? 'rmfamily' : 'sffamily'
  for (const t of fig.texts) {
    const size = `\\fontsize{${f(t.size)}}{${f(t.size * 1.2)}}\\selectfont`
    const text = t.sub
      ? `$\\math${fig.font === 'serif' ? 'rm' : 'sf'}{${texEscape(t.text)}}_{\\math${fig.font === 'serif' ? 'rm' : 'sf'}{${texEscape(t.sub.replace('\u2212', '-'))}}}$`
      : texEscape(t.text)
    const anchor = t.anchor === 'middle' ? 'base' : 'base west'
    const halo = t.halo ? ', fill=white, fill opacity=0.85, text opacity=1, inner sep=0.4pt' : ', inner sep=0pt'
    body.push(
      `  \\node[anchor=${anchor}${halo}, font=\\${family}${t.bold ? '\\bfseries' : ''}${size}] at ${pt([t.x, t.y])} {${text}};`,
    )
  }
  return [
    `% ${fig.title}: written by HDARTS Studio (hdarts genotype convert --to tikz).`,
    '% Compile with pdflatex; or copy the tikzpicture into a paper that loads tikz and arrows.meta.',
    '\\documentclass[tikz,border=2pt]{standalone}',
    '\\usepackage{fix-cm}',
    '\\usetikzlibrary{arrows.meta}',
    ...[...colors].map(([name, value]) => `\\definecolor{${name}}{HTML}{${value}}`),
    '\\begin{document}',
    '\\begin{tikzpicture}[x=1pt, y=-1pt, >={Stealth[length=4pt]}, line cap=round]',
    `  \\useasboundingbox (0,0) rectangle (${f(fig.width)},${f(fig.height)});`,
    ...body,
    '\\end{tikzpicture}',
    '\\end{document}',
    '',
  ].join('\n')
}
