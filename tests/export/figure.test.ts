/** Cell figures: SVG well-formed with every edge and label, TikZ that compiles, a PDF that renders. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadLayoutEngine } from '../../src/core/genotype/layout'
import { cellFigure, figureToSvg, figureToTikz } from '../../src/core/genotype/export/index'
import { figureToPdf } from '../../src/main/export/pdf'
import type { DartsGenotype } from '../../src/core/genotype/model'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { FIXTURES } from '../cli/run'
import { decodePng, nonWhitePixels } from './png'
import { compileTex, PDFLATEX, PDFTOPPM, pdfToPng, popplerInfo, skipNote, texHas } from './tools'
import { parseXml, textOf, walk } from './xml'

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
const fontBytes = (() => {
  try {
    return new Uint8Array(readFileSync(FONT))
  } catch {
    return undefined
  }
})()

const all = ['darts.py', 'pdarts.py', 'pc_darts.py', 'pr_darts.py', 'eenas.py'].flatMap((f) =>
  parseGenotypes(readFileSync(join(FIXTURES, f), 'utf8')).filter((g) => g.genotype.kind === 'darts'),
)
const v2 = all.find((g) => g.name === 'DARTS_V2')!.genotype as DartsGenotype
const opsOf = (g: DartsGenotype, cell: 'normal' | 'reduce') => g[cell].nodes.flatMap((n) => n.map((e) => e.op))

// Some figures are built while the suite is collected, so the engine loads first.
await loadLayoutEngine()

describe('SVG export', () => {
  it.each(all.map((g) => [g.name, g.genotype as DartsGenotype] as const))(
    '%s: well-formed, 8 op edges per cell, every label',
    (name, g) => {
      const svg = figureToSvg(cellFigure(g, { name }))
      const root = parseXml(svg)
      expect(root.name).toBe('svg')
      const groups = [...walk(root)].filter((el) => el.name === 'g' && el.attrs['data-kind'] === 'op')
      for (const cell of ['normal', 'reduce'] as const) {
        const mine = groups.filter((el) => el.attrs['data-edge']!.startsWith(`${cell}:`))
        expect(mine).toHaveLength(8)
        expect(mine.map((el) => el.attrs['data-op']).sort()).toEqual(opsOf(g, cell).sort())
        for (const el of mine) expect(el.children.filter((c) => c.name === 'path')).toHaveLength(2) // curve + arrowhead
      }
      const texts = [...walk(root)].filter((el) => el.name === 'text').map(textOf)
      // Every op label once per edge, both captions, and the node names with their subscripts.
      for (const op of new Set([...opsOf(g, 'normal'), ...opsOf(g, 'reduce')]))
        expect(texts.filter((t) => t === op)).toHaveLength(
          [...opsOf(g, 'normal'), ...opsOf(g, 'reduce')].filter((o) => o === op).length,
        )
      expect(texts).toEqual(
        expect.arrayContaining(['Normal cell', 'Reduction cell', 'ck\u22122', 'ck\u22121', 'ck', '0', '1', '2', '3']),
      )
      expect([...walk(root)].find((el) => el.attrs['font-family'])!.attrs['font-family']).toMatch(/^'DejaVu Sans', /)
    },
  )

  it('sizes to a single or double column and draws one cell on request', () => {
    const single = parseXml(figureToSvg(cellFigure(v2, { width: 'single' })))
    const double = parseXml(figureToSvg(cellFigure(v2, { width: 'double' })))
    expect(single.attrs.width).toBe('239.76pt')
    // A double column takes whichever of side by side or stacked prints larger, up to 9-pt labels.
    expect(Number.parseFloat(double.attrs.width!)).toBeLessThanOrEqual(495)
    const labelPt = (g: ReturnType<typeof cellFigure>) => g.texts.find((t) => t.role === 'edge')!.size
    expect(labelPt(cellFigure(v2, { width: 'double' }))).toBeGreaterThan(labelPt(cellFigure(v2, { width: 'single' })))
    expect(labelPt(cellFigure(v2, { width: 'double' }))).toBeLessThanOrEqual(9)
    // A lone cell in a double column stops growing at 9-pt labels instead of filling 6.875 in.
    const lone = Number.parseFloat(parseXml(figureToSvg(cellFigure(v2, { cells: 'normal', width: 'double' }))).attrs.width!)
    expect(lone).toBeGreaterThan(239.76)
    expect(lone).toBeLessThanOrEqual(495)
    const reduce = figureToSvg(cellFigure(v2, { cells: 'reduce' }))
    expect(reduce).not.toContain('Normal cell')
    expect([...walk(parseXml(reduce))].filter((el) => el.attrs['data-kind'] === 'op')).toHaveLength(8)
  })

  it('escapes names in the title', () => {
    expect(() => parseXml(figureToSvg(cellFigure(v2, { name: 'a<b & "c"' })))).not.toThrow()
  })
})

describe('TikZ export', () => {
  const tex = figureToTikz(cellFigure(v2, { name: 'DARTS_V2' }))
  it('is a standalone document with arrows.meta, \\definecolor per op and every edge and label', () => {
    expect(tex).toMatch(/^\\documentclass\[tikz[^\]]*\]\{standalone\}$/m)
    expect(tex).toContain('\\usetikzlibrary{arrows.meta}')
    for (const op of ['sep_conv_3x3', 'skip_connect', 'dil_conv_3x3', 'max_pool_3x3']) {
      expect(tex).toContain(`{${op.replace(/_/g, '\\_')}}`)
    }
    expect(tex).toContain('\\definecolor{opsepconvthreexthree}{HTML}{0072B2}')
    expect(tex.match(/^ {2}\\draw\[op/gm)).toHaveLength(16)
    expect(tex.match(/^ {2}\\draw\[edgeconcat/gm)).toHaveLength(8)
    expect(tex.split('\\begin{tikzpicture}')).toHaveLength(2)
    expect(tex.trimEnd().endsWith('\\end{document}')).toBe(true)
  })
  it('compiles with pdflatex where installed', (ctx) => {
    if (!PDFLATEX)
      return skipNote(
        ctx,
        'TikZ compile',
        'pdflatex not installed (apt-get install texlive-latex-base texlive-pictures texlive-latex-extra); structure checked above',
      )
    // Without standalone.cls (texlive-latex-extra, 157 MB) the same picture and preamble are compiled
    // in an article, so the TikZ code itself is still checked by a real LaTeX.
    const doc = texHas('standalone.cls')
      ? tex
      : tex.replace(
          /^\\documentclass\[tikz[^\]]*\]\{standalone\}$/m,
          '\\documentclass{article}\n\\usepackage{tikz}\n\\pagestyle{empty}',
        )
    if (doc === tex && !texHas('standalone.cls')) throw new Error('the TikZ file does not start with the standalone class line')
    if (doc !== tex)
      console.log('TikZ compile: standalone.cls missing (texlive-latex-extra); compiled the picture in an article instead')
    const pdf = compileTex(doc)
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-')
    if (PDFTOPPM) expect(nonWhitePixels(decodePng(pdfToPng(pdf)))).toBeGreaterThan(1000)
  })
})

describe('PDF export (pdfkit)', () => {
  it('embeds a subset of DejaVu Sans; text stays extractable (pdftotext) and the font embedded (pdffonts)', async (ctx) => {
    if (!fontBytes) return skipNote(ctx, 'embedded font', `${FONT} missing (apt-get install fonts-dejavu-core)`)
    const res = await figureToPdf(cellFigure(v2), { font: fontBytes })
    expect(res.font).toBe('embedded')
    expect(Buffer.from(res.bytes.subarray(0, 5)).toString()).toBe('%PDF-')
    // A subset: far smaller than the 757 KB font file.
    expect(res.bytes.length).toBeLessThan(60_000)
    if (!PDFTOPPM) return skipNote(ctx, 'pdftotext/pdffonts', 'poppler-utils not installed')
    const { text, fonts } = popplerInfo(res.bytes)
    for (const label of ['Normal cell', 'Reduction cell', 'sep_conv_3x3', 'skip_connect', 'dil_conv_3x3', 'max_pool_3x3'])
      expect(text).toContain(label)
    expect(fonts).toMatch(/[A-Z]{6}\+DejaVuSans\s+\S+.*\s+yes\s+yes/)
  })

  it('is reproducible: the same figure gives the same bytes (a fixed creation date)', async () => {
    const a = await figureToPdf(cellFigure(v2), fontBytes ? { font: fontBytes } : {})
    const b = await figureToPdf(cellFigure(v2), fontBytes ? { font: fontBytes } : {})
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true)
  })

  it('falls back to standard Helvetica without font bytes', async (ctx) => {
    const res = await figureToPdf(cellFigure(v2))
    expect(res.font).toBe('helvetica')
    if (!PDFTOPPM) return skipNote(ctx, 'pdffonts', 'poppler-utils not installed')
    const { fonts } = popplerInfo(res.bytes)
    expect(fonts).toMatch(/Helvetica\s+Type 1\s+\S+\s+no\s+no/)
  })

  it('renders to a non-blank page with pdftoppm, in both styles', async (ctx) => {
    if (!PDFTOPPM) return skipNote(ctx, 'PDF render', 'pdftoppm not installed (apt-get install poppler-utils)')
    for (const style of ['app', 'darts'] as const) {
      const { bytes } = await figureToPdf(cellFigure(v2, { width: 'double', style }), fontBytes ? { font: fontBytes } : {})
      const png = decodePng(pdfToPng(bytes))
      const ink = nonWhitePixels(png)
      expect(ink).toBeGreaterThan(0.02 * png.width * png.height)
      expect(ink).toBeLessThan(0.6 * png.width * png.height)
    }
  })
})
