/** A cell figure as a standalone SVG 1.1 document (no CSS variables, no scripts; opens in any viewer and Inkscape). */
import { type Figure, FONT_STACKS } from './figure'
import type { PathCmd } from './geometry'

export const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

export const svgPath = (cmds: readonly PathCmd[]): string =>
  cmds.map((c) => `${c.op} ${c.pts.map(([x, y]) => `${x} ${y}`).join(' ')}`).join(' ')

export function figureToSvg(fig: Figure): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${fig.width}pt" height="${fig.height}pt" viewBox="0 0 ${fig.width} ${fig.height}">`,
    `<title>${xmlEscape(fig.title)}</title>`,
    `<g font-family="${xmlEscape(FONT_STACKS[fig.font])}">`,
  ]
  // Concat edges under op edges, as in the app.
  const edges = [...fig.edges].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'concat' ? -1 : 1))
  for (const e of edges) {
    const dash = e.dash ? ` stroke-dasharray="${e.dash.join(' ')}"` : ''
    out.push(
      `<g class="edge" data-edge="${xmlEscape(e.id)}" data-kind="${e.kind}"${e.op ? ` data-op="${xmlEscape(e.op)}"` : ''}>`,
      `<path d="${svgPath(e.path)}" fill="none" stroke="${e.color}" stroke-width="${e.width}"${dash}/>`,
      `<path d="M ${e.arrow.map(([x, y]) => `${x} ${y}`).join(' L ')} Z" fill="${e.color}"/>`,
      '</g>',
    )
  }
  for (const r of fig.rects)
    out.push(
      `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" rx="${r.r}" fill="${r.fill}" stroke="${r.stroke}" stroke-width="${r.strokeWidth}"/>`,
    )
  for (const t of fig.texts) {
    const attrs = [
      `x="${t.x}"`,
      `y="${t.y}"`,
      `font-size="${t.size}"`,
      `fill="${t.color}"`,
      t.anchor === 'middle' ? 'text-anchor="middle"' : '',
      t.bold ? 'font-weight="bold"' : '',
      // The halo: a white outline painted under the glyphs.
      `class="${t.role === 'edge' ? 'label' : t.role === 'node' ? 'node-label' : 'caption'}"`,
      t.halo
        ? `stroke="#FFFFFF" stroke-width="${Math.round(t.size * 30) / 100}" stroke-linejoin="round" paint-order="stroke"`
        : '',
    ].filter(Boolean)
    const sub = t.sub
      ? `<tspan font-size="${Math.round(t.size * 72) / 100}" dy="${Math.round(t.size * 25) / 100}">${xmlEscape(t.sub)}</tspan>`
      : ''
    out.push(`<text ${attrs.join(' ')}>${xmlEscape(t.text)}${sub}</text>`)
  }
  out.push('</g>', '</svg>', '')
  return out.join('\n')
}
