/**
 * A minimal PDF 1.4 writer for cell figures: one page, vector paths and text, an embedded TrueType
 * font (FontFile2, WinAnsi, widths from the font's hmtx) or, without font bytes, the standard
 * Helvetica (not embedded). Pure: the caller reads the font file and may pass a deflate function
 * (core has no zlib), which then compresses the content and font streams.
 */
import type { Figure, FigText } from './figure'
import { textWidth } from './geometry'
import { parseTtf, type TtfMetrics } from './ttf'
import { subsetTtf } from './ttfSubset'

export interface PdfOptions {
  /** A TrueType font file (e.g. DejaVuSans.ttf) to embed; without it, Helvetica is referenced, not embedded. */
  readonly font?: Uint8Array
  /** zlib-compress (RFC 1950) a stream; streams stay uncompressed without it. */
  readonly deflate?: (data: Uint8Array) => Uint8Array
  /** PDF /CreationDate etc. are left out so that output is reproducible. */
  readonly producer?: string
  /** Embed only the glyphs the figure uses (default true); false embeds the whole font file. */
  readonly subset?: boolean
}

// WinAnsiEncoding 0x80..0x9F (the rest of 0x20..0xFF is Latin-1); 0 marks undefined codes.
const WIN_ANSI_80 = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018,
  0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
]
const winAnsiToUnicode = (code: number): number => (code >= 0x80 && code < 0xa0 ? WIN_ANSI_80[code - 0x80]! : code)
const unicodeToWinAnsi = new Map<number, number>()
for (let c = 32; c < 256; c++) if (c !== 127 && winAnsiToUnicode(c) !== 0) unicodeToWinAnsi.set(winAnsiToUnicode(c), c)
// The minus sign is not in WinAnsi; an en dash is the usual stand-in.
unicodeToWinAnsi.set(0x2212, 0x96)

/** WinAnsi bytes of a string; characters outside it become '?'. */
export function winAnsi(text: string): number[] {
  return [...text].map((ch) => unicodeToWinAnsi.get(ch.codePointAt(0)!) ?? 0x3f)
}

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff)
const n = (v: number): string => String(Math.round(v * 1000) / 1000)

function rgb(hex: string): string {
  const v = parseInt(hex.replace('#', ''), 16)
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => n(c / 255)).join(' ')
}

/** Width of WinAnsi bytes at `size` under the embedded font's widths, or DejaVu's table for Helvetica. */
function measure(bytes: readonly number[], size: number, widths: number[] | null): number {
  if (!widths) return textWidth(String.fromCharCode(...bytes.map(winAnsiToUnicode)), size)
  return (bytes.reduce((s, b) => s + (widths[b - 32] ?? 0), 0) * size) / 1000
}

/** Page content: y flipped once by the CTM so the figure's y-down points apply unchanged. */
function content(fig: Figure, widths: number[] | null): string {
  const ops: string[] = [`1 0 0 -1 0 ${n(fig.height)} cm`, '1 J 1 j']
  const edges = [...fig.edges].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'concat' ? -1 : 1))
  for (const e of edges) {
    const path = e.path
      .map((c) => c.pts.map(([x, y]) => `${n(x)} ${n(y)}`).join(' ') + (c.op === 'M' ? ' m' : c.op === 'L' ? ' l' : ' c'))
      .join(' ')
    ops.push(`${rgb(e.color)} RG ${n(e.width)} w [${(e.dash ?? []).map(n).join(' ')}] 0 d ${path} S`)
    ops.push(`[] 0 d ${rgb(e.color)} rg ${e.arrow.map(([x, y], i) => `${n(x)} ${n(y)} ${i === 0 ? 'm' : 'l'}`).join(' ')} h f`)
  }
  for (const r of fig.rects)
    ops.push(`${rgb(r.fill)} rg ${rgb(r.stroke)} RG ${n(r.strokeWidth)} w ${roundedRect(r.x, r.y, r.w, r.h, r.r)} B`)
  for (const t of fig.texts) ops.push(...textOps(t, widths))
  return ops.join('\n') + '\n'
}

function textOps(t: FigText, widths: number[] | null): string[] {
  const main = winAnsi(t.text)
  const sub = t.sub ? winAnsi(t.sub) : []
  const subSize = t.size * 0.72
  const total = measure(main, t.size, widths) + measure(sub, subSize, widths)
  const x = t.anchor === 'middle' ? t.x - total / 2 : t.x
  const hexStr = (b: number[]) => `<${b.map((c) => c.toString(16).padStart(2, '0')).join('')}>`
  // Text space is y-up; the Tm below flips it back inside the page's y-down CTM.
  const show = (mode: number) => {
    const parts = [`BT /F1 ${n(t.size)} Tf ${mode} Tr 1 0 0 -1 ${n(x)} ${n(t.y)} Tm ${hexStr(main)} Tj`]
    if (sub.length) parts.push(`/F1 ${n(subSize)} Tf ${n(-t.size * 0.25)} Ts ${hexStr(sub)} Tj 0 Ts`)
    return parts.join(' ') + ' ET'
  }
  const ops = ['q']
  // The halo is the glyph outline stroked in white under the fill; bold is faux (fill + stroke, mode 2),
  // so one embedded font serves all text.
  if (t.halo) ops.push(`1 1 1 RG ${n(t.size * 0.3)} w ${show(1)}`)
  ops.push(`${rgb(t.color)} rg ${rgb(t.color)} RG ${n(t.size * 0.04)} w ${show(t.bold ? 2 : 0)}`)
  ops.push('Q')
  return ops
}

/** A rectangle with corner radius r as four lines and four quarter-circle béziers. */
function roundedRect(x: number, y: number, w: number, h: number, r: number): string {
  r = Math.max(0, Math.min(r, w / 2, h / 2))
  const k = r * 0.5523
  const [x1, y1] = [x + w, y + h]
  return [
    `${n(x + r)} ${n(y)} m ${n(x1 - r)} ${n(y)} l`,
    `${n(x1 - r + k)} ${n(y)} ${n(x1)} ${n(y + r - k)} ${n(x1)} ${n(y + r)} c`,
    `${n(x1)} ${n(y1 - r)} l ${n(x1)} ${n(y1 - r + k)} ${n(x1 - r + k)} ${n(y1)} ${n(x1 - r)} ${n(y1)} c`,
    `${n(x + r)} ${n(y1)} l ${n(x + r - k)} ${n(y1)} ${n(x)} ${n(y1 - r + k)} ${n(x)} ${n(y1 - r)} c`,
    `${n(x)} ${n(y + r)} l ${n(x)} ${n(y + r - k)} ${n(x + r - k)} ${n(y)} ${n(x + r)} ${n(y)} c h`,
  ].join(' ')
}

export interface PdfResult {
  readonly bytes: Uint8Array
  /** 'embedded' with a font, else 'helvetica' (a standard font the viewer supplies). */
  readonly font: 'embedded' | 'helvetica'
  readonly fontName: string
}

/** Widths of WinAnsi 32..255 in 1/1000 em. */
function winAnsiWidths(m: TtfMetrics): number[] {
  const out: number[] = []
  for (let c = 32; c < 256; c++) {
    const u = winAnsiToUnicode(c)
    out.push(u === 0 || c === 127 ? 0 : Math.round((m.advance(u) * 1000) / m.unitsPerEm))
  }
  return out
}

export function figureToPdf(fig: Figure, opts: PdfOptions = {}): PdfResult {
  const metrics = opts.font ? parseTtf(opts.font) : null
  const widths = metrics ? winAnsiWidths(metrics) : null
  const objects: (Uint8Array | string)[] = []
  const add = (o: Uint8Array | string): number => objects.push(o)
  const stream = (dict: string, data: Uint8Array): Uint8Array => {
    const packed = opts.deflate ? opts.deflate(data) : data
    const head = latin1(`<< ${dict}${opts.deflate ? ' /Filter /FlateDecode' : ''} /Length ${packed.length} >>\nstream\n`)
    return concat([head, packed, latin1('\nendstream')])
  }
  const catalog = add('')
  const pages = add('')
  const page = add('')
  const contentObj = add(stream('', latin1(content(fig, widths))))
  let fontObj: number
  let fontName = 'Helvetica'
  if (metrics && opts.font) {
    const used = new Set(fig.texts.flatMap((t) => winAnsi(t.text + (t.sub ?? ''))))
    const subset = opts.subset !== false
    const fontFile = subset
      ? subsetTtf(
          opts.font,
          [...used].map((c) => metrics.glyph(winAnsiToUnicode(c))),
        )
      : opts.font
    const file = add(stream(`/Length1 ${fontFile.length}`, fontFile))
    const s = 1000 / metrics.unitsPerEm
    // A subset font's name carries a six-letter tag (PDF 32000 §9.6.4), here derived from the glyph set.
    fontName = subset ? `${subsetTag([...used].sort((a, b) => a - b))}+${metrics.postScriptName}` : metrics.postScriptName
    const desc = add(
      `<< /Type /FontDescriptor /FontName /${fontName} /Flags 32 /FontBBox [${metrics.bbox.map((v) => Math.round(v * s)).join(' ')}]` +
        ` /ItalicAngle ${n(metrics.italicAngle)} /Ascent ${Math.round(metrics.ascent * s)} /Descent ${Math.round(metrics.descent * s)}` +
        ` /CapHeight ${Math.round(metrics.capHeight * s)} /StemV 80 /FontFile2 ${file} 0 R >>`,
    )
    fontObj = add(
      `<< /Type /Font /Subtype /TrueType /BaseFont /${fontName} /FirstChar 32 /LastChar 255 /Widths [${widths!.join(' ')}]` +
        ` /Encoding /WinAnsiEncoding /FontDescriptor ${desc} 0 R >>`,
    )
  } else {
    fontObj = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>')
  }
  const info = add(`<< /Title ${pdfString(fig.title)} /Producer ${pdfString(opts.producer ?? 'HDARTS Studio')} >>`)
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pages} 0 R >>`
  objects[pages - 1] = `<< /Type /Pages /Kids [${page} 0 R] /Count 1 >>`
  objects[page - 1] =
    `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 ${n(fig.width)} ${n(fig.height)}]` +
    ` /Resources << /Font << /F1 ${fontObj} 0 R >> /ProcSet [/PDF /Text] >> /Contents ${contentObj} 0 R >>`

  // Body, then the xref table of byte offsets (10-digit, 20-byte entries) and the trailer.
  const parts: Uint8Array[] = [latin1('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')]
  let offset = parts[0]!.length
  const offsets: number[] = []
  objects.forEach((o, i) => {
    offsets.push(offset)
    const body = concat([latin1(`${i + 1} 0 obj\n`), typeof o === 'string' ? latin1(o) : o, latin1('\nendobj\n')])
    parts.push(body)
    offset += body.length
  })
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${offset}\n%%EOF\n`
  parts.push(latin1(xref))
  return { bytes: concat(parts), font: metrics ? 'embedded' : 'helvetica', fontName }
}

function subsetTag(codes: readonly number[]): string {
  let h = 2166136261
  for (const c of codes) h = Math.imul(h ^ c, 16777619) >>> 0
  let tag = ''
  for (let i = 0; i < 6; i++, h = Math.floor(h / 26)) tag += String.fromCharCode(65 + (h % 26))
  return tag
}

/** A PDF literal string, ASCII only (titles are genotype names). */
const pdfString = (s: string): string => `(${s.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1')})`

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
