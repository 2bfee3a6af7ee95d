/**
 * The experiment's per-epoch figure as a standalone SVG: one line per method (mean over seeds) with a
 * ± std band, and dashed reference lines. Written for docs/, so it needs no browser and no library.
 */
export interface FigureSeries {
  readonly label: string
  readonly points: readonly { x: number; mean: number; std: number }[]
}

const COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b']
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function nb201Figure(
  series: readonly FigureSeries[],
  opts: { title: string; subtitle: string; refs: readonly { y: number; label: string }[] },
): string {
  const W = 720
  const H = 420
  const m = { l: 56, r: 170, t: 52, b: 44 }
  const xs = series.flatMap((s) => s.points.map((p) => p.x))
  const xMax = Math.max(1, ...xs)
  const ys = [...series.flatMap((s) => s.points.flatMap((p) => [p.mean - p.std, p.mean + p.std])), ...opts.refs.map((r) => r.y)]
  const yMin = Math.floor(Math.min(...ys) / 10) * 10
  const yMax = Math.min(100, Math.ceil(Math.max(...ys) / 10) * 10)
  const X = (x: number) => m.l + ((x - 1) / Math.max(1, xMax - 1)) * (W - m.l - m.r)
  // Bands are clipped to the axes (an accuracy band never goes past 100 %).
  const Y = (y: number) => m.t + (1 - (Math.min(yMax, Math.max(yMin, y)) - yMin) / Math.max(1e-9, yMax - yMin)) * (H - m.t - m.b)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="20" font-size="14" font-weight="bold">${esc(opts.title)}</text>`,
    `<text x="${m.l}" y="38" fill="#555">${esc(opts.subtitle)}</text>`,
  ]
  for (let y = yMin; y <= yMax; y += 10)
    out.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(y)}" y2="${Y(y)}" stroke="#eee"/>`,
      `<text x="${m.l - 6}" y="${Y(y) + 4}" text-anchor="end">${y}</text>`,
    )
  for (let x = 1; x <= xMax; x++) out.push(`<text x="${X(x)}" y="${H - m.b + 16}" text-anchor="middle">${x}</text>`)
  out.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">epoch</text>`,
    `<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">NB201 CIFAR-10 test %</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`,
  )
  for (const r of opts.refs)
    out.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${Y(r.y)}" y2="${Y(r.y)}" stroke="#444" stroke-dasharray="5 4"/>`,
      `<text x="${W - m.r + 6}" y="${Y(r.y) + 4}" fill="#444">${esc(r.label)}</text>`,
    )
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]!
    if (s.points.length === 0) return
    const upper = s.points.map((p) => `${X(p.x)},${Y(p.mean + p.std)}`)
    const lower = [...s.points].reverse().map((p) => `${X(p.x)},${Y(p.mean - p.std)}`)
    out.push(
      `<polygon points="${[...upper, ...lower].join(' ')}" fill="${c}" fill-opacity="0.12" stroke="none"/>`,
      `<polyline points="${s.points.map((p) => `${X(p.x)},${Y(p.mean)}`).join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`,
      ...s.points.map((p) => `<circle cx="${X(p.x)}" cy="${Y(p.mean)}" r="2.5" fill="${c}"/>`),
      `<line x1="${W - m.r + 6}" x2="${W - m.r + 24}" y1="${m.t + 40 + i * 18}" y2="${m.t + 40 + i * 18}" stroke="${c}" stroke-width="2"/>`,
      `<text x="${W - m.r + 28}" y="${m.t + 44 + i * 18}">${esc(s.label)}</text>`,
    )
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}
