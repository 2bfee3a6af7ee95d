/**
 * Cell figures measured where they are drawn: every shipped and fixture genotype is rendered in
 * Chromium (Debian's /usr/bin/chromium, headless) as the exported SVG (the PNG is that SVG rasterized)
 * and as the app's cell viewer, and the text boxes the browser reports are compared: no op label may
 * overlap another label, and none may sit on a node box. The PDF is checked the same way with the word
 * boxes poppler's pdftotext reads from it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cellGraph } from '../../src/core/genotype/cellGraph'
import { cellFigure, type Figure, figureToSvg, figureToTikz } from '../../src/core/genotype/export/index'
import type { HdartsGenotype } from '../../src/core/genotype/hdarts'
import { hcellGraph, motifGraph } from '../../src/core/genotype/hdartsGraph'
import { loadLayoutEngine } from '../../src/core/genotype/layout'
import type { DartsGenotype } from '../../src/core/genotype/model'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { figureToPdf } from '../../src/main/export/pdf'
import { CellSvg } from '../../src/renderer/src/components/cell/CellSvg'
import { cellView, type CellView } from '../../src/renderer/src/shape/cells'
import { compileTex, PDFLATEX, PDFTOPPM, skipNote, texHas } from './tools'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ROOT = join(import.meta.dirname, '../..')
const DIRS = [
  join(ROOT, 'resources/genotypes'),
  join(ROOT, 'tests/fixtures/genotypes'),
  join(ROOT, 'tests/fixtures/figures'),
  '/work/shared/fixtures/genotypes',
]

/** Every DARTS-space genotype in those folders, once per distinct genotype. */
function genotypes(): { name: string; genotype: DartsGenotype }[] {
  const seen = new Map<string, { name: string; genotype: DartsGenotype }>()
  for (const dir of DIRS) {
    if (!existsSync(dir)) {
      skipNote(null, `genotypes in ${dir}`, 'folder not present')
      continue
    }
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.py')))
      for (const g of parseGenotypes(readFileSync(join(dir, f), 'utf8')))
        if (g.genotype.kind === 'darts' && !seen.has(JSON.stringify(g.genotype))) seen.set(JSON.stringify(g.genotype), g as never)
  }
  return [...seen.values()]
}

/** An HDARTS genotype with full 4-node motifs (6 edges + residual) and a 4-step level-1 cell. */
const FULL_MOTIF = {
  nodes: [
    [{ op: 'sep_conv_3x3', from: 0 }],
    [
      { op: 'dil_conv_5x5', from: 0 },
      { op: 'max_pool_3x3', from: 1 },
    ],
    [
      { op: 'identity', from: 0 },
      { op: 'sep_conv_5x5', from: 1 },
      { op: 'avg_pool_3x3', from: 2 },
    ],
  ],
}
const HCELL: HdartsGenotype['normal'] = {
  motifs: [FULL_MOTIF, FULL_MOTIF],
  nodes: [
    [
      { motif: 0, from: 0 },
      { motif: 1, from: 1 },
    ],
    [
      { motif: 0, from: 2 },
      { motif: 1, from: 0 },
    ],
    [
      { motif: 1, from: 1 },
      { motif: 0, from: 3 },
    ],
    [
      { motif: 0, from: 4 },
      { motif: 1, from: 0 },
    ],
  ],
  concat: [2, 3, 4, 5],
}

interface Box {
  readonly x0: number
  readonly y0: number
  readonly x1: number
  readonly y1: number
}
/** Overlap area; touching edges (≤ 0.05 units either way) do not count. */
const overlapArea = (a: Box, b: Box): number => {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0)
  return w > 0.05 && h > 0.05 ? w * h : 0
}

interface Measured {
  /** Op labels. */
  readonly labels: (Box & { text: string })[]
  /** Node names (each sits inside its own node). */
  readonly names: (Box & { text: string })[]
  readonly nodes: Box[]
}

/** Collisions: label↔label, label↔node name, label↔node box. */
function collisions(m: Measured): string[] {
  const out: string[] = []
  const fmt = (b: Box) => `[${b.x0.toFixed(1)},${b.y0.toFixed(1)} ${b.x1.toFixed(1)},${b.y1.toFixed(1)}]`
  m.labels.forEach((a, i) => {
    for (const b of m.labels.slice(i + 1)) if (overlapArea(a, b) > 0) out.push(`"${a.text}"${fmt(a)} over "${b.text}"${fmt(b)}`)
    for (const b of m.names) if (overlapArea(a, b) > 0) out.push(`"${a.text}"${fmt(a)} over node name "${b.text}"`)
    for (const b of m.nodes) if (overlapArea(a, b) > 0) out.push(`"${a.text}"${fmt(a)} over a node ${fmt(b)}`)
  })
  return out
}

/** Text and node boxes as Chromium lays them out, in CSS px of the page. */
async function measure(page: Page, markup: string, sel: { label: string; name: string; node: string }): Promise<Measured> {
  await page.setContent(`<!doctype html><html><body style="margin:0">${markup}</body></html>`)
  await page.evaluate(() => document.fonts.ready)
  return page.evaluate((s) => {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect()
      return { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, text: el.textContent ?? '' }
    }
    return {
      labels: [...document.querySelectorAll(s.label)].map(box),
      names: [...document.querySelectorAll(s.name)].map(box),
      nodes: [...document.querySelectorAll(s.node)].map(box),
    }
  }, sel)
}

const EXPORT = { label: 'text.label', name: 'text.node-label', node: 'rect' }
const VIEWER = { label: 'text.cell-edge-label', name: 'text.cell-node-label', node: 'g.cell-node rect' }
const CELL_CSS = readFileSync(join(ROOT, 'src/renderer/src/components/cell/cell.css'), 'utf8')
const viewerMarkup = (view: CellView, cell: string) =>
  `<style>${CELL_CSS}</style>` + renderToStaticMarkup(createElement(CellSvg, { view, cell }))

const available = existsSync(CHROMIUM)
if (!available) skipNote(null, 'Chromium overlap test', `${CHROMIUM} not found (Debian: apt-get install chromium)`)

describe.skipIf(!available)('cell figures measured in Chromium', () => {
  let browser: Browser
  let page: Page
  const all = genotypes()
  beforeAll(async () => {
    await loadLayoutEngine()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    })
    page = await browser.newPage()
  }, 120_000)
  afterAll(() => browser?.close())

  it('covers the shipped cells, the fixtures and 5-step cells', () => {
    const names = all.map((g) => g.name)
    expect(names).toEqual(
      expect.arrayContaining(['DARTS_V2', 'PC_DARTS_cifar', 'PDARTS', 'PRDARTS', 'EENAS_R', 'NASNet', 'AmoebaNet']),
    )
  })

  for (const width of ['single', 'double'] as const)
    for (const style of ['app', 'darts'] as const)
      it(`exported SVG (and so PNG), ${width} column, ${style} style: no label overlaps a label or a node`, async () => {
        const problems: string[] = []
        let labels = 0
        for (const g of all) {
          const fig = cellFigure(g.genotype, { width, style, name: g.name })
          const m = await measure(page, figureToSvg(fig), EXPORT)
          expect(m.labels).toHaveLength(fig.texts.filter((t) => t.role === 'edge').length)
          labels += m.labels.length
          for (const l of m.labels) expect(l.x1 - l.x0).toBeGreaterThan(1) // real glyph boxes, not empty text
          problems.push(...collisions(m).map((c) => `${g.name}: ${c}`))
        }
        expect(labels).toBeGreaterThan(all.length * 16 - 1)
        expect(problems).toEqual([])
      }, 300_000)

  it("the app's cell viewer (DARTS cells, HDARTS level-1 cells and motifs): no label overlaps a label or a node", async () => {
    const views: [string, CellView][] = []
    for (const g of all)
      for (const c of ['normal', 'reduce'] as const) views.push([`${g.name} ${c}`, cellView(cellGraph(g.genotype[c]))])
    views.push(['HDARTS cell', cellView(hcellGraph(HCELL))], ['HDARTS motif', cellView(motifGraph(FULL_MOTIF))])
    const problems: string[] = []
    for (const [name, view] of views) {
      const m = await measure(page, viewerMarkup(view, 'normal'), VIEWER)
      expect(m.labels.length).toBe(view.edges.filter((e) => e.label).length)
      problems.push(...collisions(m).map((c) => `${name}: ${c}`))
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('finds overlaps when there are some (the check can fail)', async () => {
    // Two labels drawn at one spot, one over a node: the measurement must report both.
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect x="0" y="0" width="40" height="30"/>' +
      '<text class="label" x="10" y="20" font-size="10">sep_conv_3x3</text><text class="label" x="14" y="22" font-size="10">skip_connect</text></svg>'
    const c = collisions(await measure(page, svg, EXPORT))
    expect(c.some((s) => s.includes('over "skip_connect"'))).toBe(true)
    expect(c.some((s) => s.includes('over a node'))).toBe(true)
  })
})

/** Word boxes (pt, y down) pdftotext reads from a PDF. */
function pdfWords(pdf: Uint8Array): (Box & { text: string })[] {
  const dir = mkdtempSync(join(tmpdir(), 'hdarts-bbox-'))
  try {
    writeFileSync(join(dir, 'f.pdf'), pdf)
    const r = spawnSync('pdftotext', ['-bbox', join(dir, 'f.pdf'), join(dir, 'f.html')], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`pdftotext: ${r.stderr}`)
    const html = readFileSync(join(dir, 'f.html'), 'utf8')
    return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map(
      (m) => ({
        x0: Number(m[1]),
        y0: Number(m[2]),
        x1: Number(m[3]),
        y1: Number(m[4]),
        text: m[5]!,
      }),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe.skipIf(!PDFTOPPM)('cell figures as PDF, measured by pdftotext', () => {
  const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
  const serif = '/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf'
  beforeAll(() => loadLayoutEngine(), 60_000)

  it('no op label overlaps another or a node box, at both widths and in both styles', async () => {
    const problems: string[] = []
    for (const g of genotypes())
      for (const width of ['single', 'double'] as const)
        for (const style of ['app', 'darts'] as const) {
          const fig: Figure = cellFigure(g.genotype, { width, style, name: g.name })
          const path = style === 'darts' ? serif : font
          const bytes = existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined
          const pdf = await figureToPdf(fig, bytes ? { font: bytes } : {})
          const ops = new Set(fig.texts.filter((t) => t.role === 'edge').map((t) => t.text))
          const words = pdfWords(pdf.bytes)
          const labels = words.filter((w) => ops.has(w.text))
          expect(labels).toHaveLength(fig.texts.filter((t) => t.role === 'edge').length)
          const nodes = fig.rects.map((r) => ({ x0: r.x, y0: r.y, x1: r.x + r.w, y1: r.y + r.h }))
          problems.push(...collisions({ labels, names: [], nodes }).map((c) => `${g.name} ${width} ${style}: ${c}`))
        }
    expect(problems).toEqual([])
  }, 300_000)
})

/** Words on one baseline closer than about a space (0.6 of their height), joined with spaces. */
function joinRuns(words: readonly (Box & { text: string })[]): (Box & { text: string })[] {
  const sorted = [...words].sort((a, b) => a.y1 - b.y1 || a.x0 - b.x0)
  const out: (Box & { text: string })[] = []
  for (const w of sorted) {
    const last = out.at(-1)
    if (last && Math.abs(last.y1 - w.y1) < 0.3 && w.x0 - last.x1 < 0.6 * (w.y1 - w.y0) && w.x0 >= last.x1 - 0.5)
      out[out.length - 1] = { ...last, x1: w.x1, y0: Math.min(last.y0, w.y0), text: `${last.text} ${w.text}` }
    else out.push({ ...w })
  }
  return out
}

describe.skipIf(!PDFTOPPM || !PDFLATEX)('cell figures as TikZ, compiled by pdflatex and measured by pdftotext', () => {
  beforeAll(() => loadLayoutEngine(), 60_000)

  // LaTeX sets the labels in its own sans (Computer Modern Sans, narrower than DejaVu), in the boxes the
  // layout reserved. Without standalone.cls the picture sits in an article page at an unknown offset,
  // so labels are compared with each other and with the node names, not with the node boxes.
  it('no op label overlaps another label or a node name, at both widths', () => {
    const problems: string[] = []
    for (const g of genotypes())
      for (const width of ['single', 'double'] as const) {
        const fig = cellFigure(g.genotype, { width, name: g.name })
        let tex = figureToTikz(fig)
        if (!texHas('standalone.cls'))
          tex = tex.replace(
            /^\\documentclass\[tikz[^\]]*\]\{standalone\}$/m,
            '\\documentclass{article}\n\\usepackage{tikz}\n\\pagestyle{empty}',
          )
        const words = pdfWords(compileTex(tex))
        const ops = new Set(fig.texts.filter((t) => t.role === 'edge').map((t) => t.text))
        // OT1 draws \_ as a rule, which pdftotext reads as a space: rejoin the words of one label.
        const labels = joinRuns(words)
          .map((w) => ({ ...w, text: w.text.replace(/ /g, '_') }))
          .filter((w) => ops.has(w.text))
        expect(labels).toHaveLength(fig.texts.filter((t) => t.role === 'edge').length)
        const names = words.filter((w) => /^(c|k.?[12]?|k|[0-9])$/.test(w.text))
        problems.push(...collisions({ labels, names, nodes: [] }).map((c) => `${g.name} ${width}: ${c}`))
      }
    expect(problems).toEqual([])
  }, 900_000)
})
