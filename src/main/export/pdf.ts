/**
 * A cell figure as a one-page PDF, written by pdfkit (fontkit embeds and subsets the TrueType font):
 * vector paths, text in DejaVu Sans or Serif, or the standard Helvetica (not embedded) when the font
 * file is missing. Lives in main, not core, because pdfkit reads its standard-font metrics from disk.
 */
import PDFDocument from 'pdfkit'
import type { Figure, FigText } from '../../core/genotype/export/figure'

export interface PdfOptions {
  /** A TrueType font file (e.g. DejaVuSans.ttf) to embed, subset to the glyphs drawn; else Helvetica. */
  readonly font?: Uint8Array
  readonly producer?: string
  /** /CreationDate; a fixed 1970-01-01 by default, so the same figure gives the same bytes (as reproducible builds pin SOURCE_DATE_EPOCH). */
  readonly date?: Date
}

export interface PdfResult {
  readonly bytes: Uint8Array
  /** 'embedded' with a font, else 'helvetica' (a standard font the viewer supplies). */
  readonly font: 'embedded' | 'helvetica'
}

/** Subscript size and baseline shift, as the SVG writer draws node names (`c` + `k−2`). */
const SUB_SCALE = 0.72
const SUB_DROP = 0.25

export function figureToPdf(fig: Figure, opts: PdfOptions = {}): Promise<PdfResult> {
  const doc = new PDFDocument({
    size: [fig.width, fig.height],
    margin: 0,
    autoFirstPage: true,
    pdfVersion: '1.4',
    info: {
      Title: fig.title,
      Producer: opts.producer ?? 'HDARTS Studio',
      Creator: 'HDARTS Studio',
      CreationDate: opts.date ?? new Date(0),
    },
  })
  const chunks: Buffer[] = []
  const done = new Promise<PdfResult>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve({ bytes: new Uint8Array(Buffer.concat(chunks)), font: opts.font ? 'embedded' : 'helvetica' }))
    doc.on('error', reject)
  })
  const face = opts.font ? 'figure' : 'Helvetica'
  if (opts.font) doc.registerFont('figure', Buffer.from(opts.font))
  doc.lineCap('round').lineJoin('round')
  const edges = [...fig.edges].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'concat' ? -1 : 1))
  for (const e of edges) {
    for (const c of e.path) {
      const [p, q, r] = c.pts as [readonly [number, number], readonly [number, number], readonly [number, number]]
      if (c.op === 'M') doc.moveTo(p[0], p[1])
      else if (c.op === 'L') doc.lineTo(p[0], p[1])
      else doc.bezierCurveTo(p[0], p[1], q[0], q[1], r[0], r[1])
    }
    if (e.dash) doc.dash(e.dash[0]!, { space: e.dash[1] ?? e.dash[0]! })
    doc.lineWidth(e.width).stroke(e.color).undash()
    doc.polygon(...e.arrow.map(([x, y]) => [x, y] as [number, number])).fill(e.color)
  }
  for (const r of fig.rects) doc.roundedRect(r.x, r.y, r.w, r.h, r.r).lineWidth(r.strokeWidth).fillAndStroke(r.fill, r.stroke)
  for (const t of fig.texts) text(doc, face, t)
  doc.end()
  return done
}

function text(doc: PDFKit.PDFDocument, face: string, t: FigText): void {
  const main = t.text
  const sub = t.sub ? t.sub.replace('\u2212', minusFor(face)) : ''
  const subSize = t.size * SUB_SCALE
  doc.font(face)
  const width = doc.fontSize(t.size).widthOfString(main) + (sub ? doc.fontSize(subSize).widthOfString(sub) : 0)
  const x = t.anchor === 'middle' ? t.x - width / 2 : t.x
  const draw = (mode: { fill: boolean; stroke: boolean }) => {
    doc.fontSize(t.size).text(main, x, t.y, { baseline: 'alphabetic', lineBreak: false, ...mode })
    if (sub) {
      const subX = x + doc.fontSize(t.size).widthOfString(main)
      doc.fontSize(subSize).text(sub, subX, t.y + t.size * SUB_DROP, { baseline: 'alphabetic', lineBreak: false, ...mode })
    }
  }
  // The halo: the glyph outlines stroked in white under the fill; bold is fill + a thin stroke.
  if (t.halo) {
    doc
      .save()
      .lineWidth(t.size * 0.3)
      .strokeColor('#FFFFFF')
    draw({ fill: false, stroke: true })
    doc.restore()
  }
  doc
    .save()
    .fillColor(t.color)
    .strokeColor(t.color)
    .lineWidth(t.size * 0.04)
  draw({ fill: true, stroke: Boolean(t.bold) })
  doc.restore()
}

/** Helvetica's WinAnsi has no U+2212 minus; an en dash stands in. DejaVu has the real sign. */
const minusFor = (face: string): string => (face === 'Helvetica' ? '\u2013' : '\u2212')
