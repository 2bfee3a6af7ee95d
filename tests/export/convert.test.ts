/** `hdarts genotype convert --to py|svg|pdf|png|tikz` end to end, and its bad input. */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findChromium } from '../../src/cli/render/chromium'
import { toJson } from '../../src/core/genotype/json'
import { FIXTURES, hdarts, ROOT } from '../cli/run'
import { decodePng, nonWhitePixels } from './png'
import { hdartsWith, PDFTOPPM, pdfToPng, skipNote } from './tools'
import { parseXml } from './xml'

const darts = join(FIXTURES, 'darts.py')
const dir = mkdtempSync(join(tmpdir(), 'hdarts-convert-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('genotype convert: export formats', () => {
  it('--to py writes a genotypes.py module with the namedtuple header and aliases', () => {
    const r = hdarts(['genotype', 'convert', darts, '--to', 'py'])
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith('from collections import namedtuple\n\nGenotype = namedtuple(')).toBe(true)
    expect(r.stdout).toMatch(/^DARTS_V2 = Genotype\(normal=\[\('sep_conv_3x3', 0\)/m)
    expect(r.stdout).toMatch(/^DARTS = DARTS_V2$/m)
  })

  it('--to svg to stdout, --to tikz and --to pdf to --out', () => {
    const svg = hdarts(['genotype', 'convert', darts, '--name', 'DARTS_V2', '--to', 'svg', '--width', 'double'])
    expect(svg.code).toBe(0)
    // Double column: side by side or stacked, whichever prints larger (DARTS_V2 stacks at 9-pt labels).
    const w = Number.parseFloat(parseXml(svg.stdout).attrs.width!)
    expect(w).toBeGreaterThan(239.76)
    expect(w).toBeLessThanOrEqual(495)
    const paper = hdarts(['genotype', 'convert', darts, '--name', 'DARTS_V2', '--to', 'svg', '--style', 'darts'])
    expect(paper.code).toBe(0)
    expect(paper.stdout).toContain('font-family="&apos;DejaVu Serif&apos;')
    expect(paper.stdout).toContain('fill="#ADD8E6"') // visualize.py's lightblue intermediate nodes
    const bad = hdarts(['genotype', 'convert', darts, '--name', 'DARTS_V2', '--to', 'svg', '--style', 'fancy'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    const tex = join(dir, 'v2.tex')
    expect(hdarts(['genotype', 'convert', darts, '--name', 'DARTS_V2', '--to', 'tikz', '--out', tex]).code).toBe(0)
    expect(readFileSync(tex, 'utf8')).toContain('\\documentclass[tikz')
    const pdf = join(dir, 'v2.pdf')
    const r = hdarts(['genotype', 'convert', darts, '--name', 'DARTS_V2', '--to', 'pdf', '--out', pdf])
    expect(r.code).toBe(0)
    const bytes = readFileSync(pdf)
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4')
    if (PDFTOPPM) expect(nonWhitePixels(decodePng(pdfToPng(bytes)))).toBeGreaterThan(1000)
  }, 180_000) // six CLI runs, each loading Graphviz; slow on a loaded machine

  it('warns and uses Helvetica when the font is missing', () => {
    const out = join(dir, 'helv.pdf')
    const r = hdartsWith(['genotype', 'convert', darts, '--name', 'DARTS_V2', '--to', 'pdf', '--out', out], {
      HDARTS_PDF_FONT: join(dir, 'nope.ttf'),
    })
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^hdarts: warning: font .*nope\.ttf not found: the PDF uses Helvetica, not embedded\n$/)
    expect(readFileSync(out).toString('latin1')).toContain('/BaseFont /Helvetica')
  })

  it('--to png rasterizes with Chromium, or says it needs it', (ctx) => {
    const out = join(dir, 'v2.png')
    const missing = hdartsWith(['genotype', 'convert', darts, '--name', 'DARTS_V2', '--to', 'png', '--out', out], {
      HDARTS_CHROMIUM: join(dir, 'no-chromium'),
    })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^hdarts: PNG export needs Chromium .*\n$/)
    if (!findChromium()) return skipNote(ctx, 'PNG export', 'no Chromium installed (apt-get install chromium)')
    const r = hdarts(['genotype', 'convert', darts, '--name', 'DARTS_V2', '--to', 'png', '--out', out], undefined, 180_000)
    expect(r.stderr).toBe('')
    const png = decodePng(readFileSync(out))
    expect(png.width).toBeGreaterThanOrEqual(990) // 3.33 in at 300 dpi
    expect(nonWhitePixels(png)).toBeGreaterThan(1000)
  }, 200_000)
})

describe('genotype convert: bad input (one line, exit 2)', () => {
  it('a cell too large to print legibly in the column: one line naming the way out, exit 2, nothing written', () => {
    // 8 steps, every node reading every earlier state (FairDARTS-style inputs): op labels would print under 4 pt.
    const nodes = Array.from({ length: 8 }, (_, i) => Array.from({ length: i + 2 }, (_, f) => ({ op: 'sep_conv_3x3', from: f })))
    const cell = { nodes, concat: nodes.map((_, i) => i + 2) }
    const text = toJson([
      { name: 'Dense8', aliases: [], format: 'json', genotype: { kind: 'darts', normal: cell, reduce: cell } },
    ])
    const out = join(dir, 'dense.svg')
    const r = hdarts(['genotype', 'convert', '-', '--to', 'svg', '--cells', 'normal', '--out', out], text)
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(
      /Dense8: the cell is too large to print legibly in a single column \(op labels would be \d\.\d pt, under 4 pt\); try --width double/,
    )
    expect(existsSync(out)).toBe(false)
    // The double column prints it.
    expect(
      hdarts(['genotype', 'convert', '-', '--to', 'svg', '--cells', 'normal', '--width', 'double', '--out', out], text).code,
    ).toBe(0)
  }, 120_000)

  const bad: [string, string[], RegExp][] = [
    [
      'several genotypes for a figure',
      [darts, '--to', 'svg'],
      /one genotype; the input has 2 \(pick one with --name: DARTS_V1, DARTS_V2\)/,
    ],
    [
      'unknown --cells',
      [darts, '--to', 'svg', '--name', 'DARTS_V2', '--cells', 'x'],
      /--cells must be one of both, normal, reduce/,
    ],
    [
      'unknown --width',
      [darts, '--to', 'pdf', '--name', 'DARTS_V2', '--width', 'triple', '--out', '/tmp/x'],
      /--width must be one of single, double/,
    ],
    ['unknown format', [darts, '--to', 'eps'], /unknown format 'eps' \(valid: darts, json, nb201, py, svg, pdf, png, tikz\)/],
    [
      'unwritable --out',
      [darts, '--to', 'svg', '--name', 'DARTS_V2', '--out', '/nonexistent/dir/x.svg'],
      /cannot write \(no such directory\)/,
    ],
  ]
  it.each(bad)('%s', (_what, args, message) => {
    const r = hdarts(['genotype', 'convert', ...args])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('refuses to write a PDF to a terminal', (ctx) => {
    // util-linux `script` gives the command a pseudo-terminal as stdout.
    const probe = spawnSync('script', ['--version'], { encoding: 'utf8' })
    if (probe.error) return skipNote(ctx, 'binary-to-TTY refusal', 'util-linux script(1) not installed')
    const cmd = `'${process.execPath}' '${join(ROOT, 'bin/hdarts.js')}' genotype convert '${darts}' --name DARTS_V2 --to pdf; echo EXIT=$?`
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 120_000 })
    expect(r.stdout).toContain('--to pdf writes binary data; give --out FILE or redirect stdout')
    expect(r.stdout).toContain('EXIT=2')
    expect(r.stdout).not.toContain('%PDF')
  })

  it('an NB201 cell has no DARTS figure', () => {
    const r = hdarts(
      ['genotype', 'convert', '-', '--to', 'svg'],
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\n',
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/DARTS-space genotypes; this is a NAS-Bench-201 cell/)
  })

  it('--help lists the figure formats and options', () => {
    const r = hdarts(['genotype', 'convert', '--help'])
    expect(r.stdout).toMatch(/--to darts\|py\|json\|nb201\|svg\|pdf\|png\|tikz/)
    for (const o of ['--cells CELLS', '--width COLUMN', '--out PATH']) expect(r.stdout).toContain(o)
  })
})
