/** Results tables: a 2-method × 3-seed comparison as LaTeX (compiled where a TeX is installed), CSV and Markdown. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toDartsText } from '../../src/core/genotype/serialize'
import type { DartsGenotype } from '../../src/core/genotype/model'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { deviceUnit, resultsTable, type TableRun, toCsv, toLatex, toMarkdown } from '../../src/core/tables/index'
import { FIXTURES } from '../cli/run'
import { compileTex, PDFLATEX, PDFTOPPM, pdfToPng, skipNote, texHas } from './tools'
import { decodePng, nonWhitePixels } from './png'

const lib = parseGenotypes(readFileSync(join(FIXTURES, 'darts.py'), 'utf8'))
const text = (name: string) => toDartsText(lib.find((g) => g.name === name)!.genotype as DartsGenotype)

const run = (method: string, seed: number, valAcc: number, genotype: string, hours: number, device: string): TableRun => ({
  id: `${method}-s${seed}`,
  method,
  dataset: 'cifar10',
  seed,
  status: 'finished',
  params: { method, seed: String(seed), dataset: 'cifar10' },
  latest: { valAcc },
  finalGenotype: genotype,
  searchSeconds: hours * 3600,
  device,
})

// DARTS_V1 (3,169,414 params) for the first method, DARTS_V2 (3,349,342) for the second.
const runs = [
  run('darts', 0, 0.88, text('DARTS_V1'), 0.5, 'GPU: NVIDIA A100'),
  run('darts', 1, 0.9, text('DARTS_V1'), 0.6, 'GPU: NVIDIA A100'),
  run('darts', 2, 0.89, text('DARTS_V1'), 0.7, 'GPU: NVIDIA A100'),
  run('pr-darts', 0, 0.91, text('DARTS_V2'), 1.0, 'cuda:0'),
  run('pr-darts', 1, 0.92, text('DARTS_V2'), 1.2, 'cuda:0'),
  run('pr-darts', 2, 0.93, text('DARTS_V2'), 1.4, 'cuda:0'),
]

describe('results tables', () => {
  const table = resultsTable(runs, { groupBy: 'method' })

  it('groups by method with mean ± sample std, params in M of the C=36/20-cell network, GPU-hours', () => {
    expect(table.rows.map((r) => r.label)).toEqual(['darts', 'pr-darts'])
    const [a, b] = table.rows
    expect(a!.valAcc.mean).toBeCloseTo(89, 10)
    expect(a!.valAcc.std).toBeCloseTo(1, 10)
    expect(a!.paramsM.mean).toBeCloseTo(3.169414, 6)
    expect(b!.paramsM.mean).toBeCloseTo(3.349342, 6)
    expect(b!.searchHours.mean).toBeCloseTo(1.2, 10)
    expect(a!.costUnit).toBe('GPU')
    expect(table.notes).toEqual([])
  })

  it('LaTeX: booktabs, mean ± std, best in bold per column', () => {
    const tex = toLatex(table)
    for (const s of ['\\toprule', '\\midrule', '\\bottomrule', 'Search cost (GPU-h)']) expect(tex).toContain(s)
    expect(tex).toContain(
      'darts & 3 & $89.00 \\pm 1.00$ & $\\mathbf{3.17 \\pm 0.00}$ & $3.0 \\pm 0.0$ & $\\mathbf{0.60 \\pm 0.10}$ \\\\',
    )
    expect(tex).toContain(
      'pr-darts & 3 & $\\mathbf{92.00 \\pm 1.00}$ & $3.35 \\pm 0.00$ & $2.0 \\pm 0.0$ & $1.20 \\pm 0.20$ \\\\',
    )
  })

  it('Markdown and CSV', () => {
    expect(toMarkdown(table)).toContain('| pr-darts | 3 | **92.00 ± 1.00** | 3.35 ± 0.00 | 2.0 ± 0.0 | 1.20 ± 0.20 |')
    const csv = toCsv(table).trim().split('\n')
    expect(csv[0]).toBe(
      'method,runs,run_ids,val_acc_pct_mean,val_acc_pct_std,params_m_mean,params_m_std,skips_normal_mean,search_hours_mean,search_hours_std,cost_unit',
    )
    expect(csv[1]).toBe('darts,3,darts-s0 darts-s1 darts-s2,89,1,3.169414,0,3,0.6,0.1,GPU')
  })

  it('one row per run without grouping; CPU-hours; mixed devices show per-cell units', () => {
    const cpu = resultsTable([run('darts', 0, 0.5, text('DARTS_V2'), 2, 'AMD EPYC 7B13, 2 cores; wasm SIMD on')])
    expect(toLatex(cpu)).toContain('Search cost (CPU-h)')
    expect(cpu.rows[0]!.label).toBe('darts (seed 0)')
    const mixed = resultsTable([
      runs[0]!,
      run('darts', 5, 0.5, text('DARTS_V2'), 2, 'no CUDA device visible to libtensorflow, running on CPU: x'),
    ])
    expect(toLatex(mixed)).toContain('Search cost (h)')
    expect(toLatex(mixed)).toContain('\\ \\mathrm{CPU}')
    expect(deviceUnit(null)).toBeNull()
  })

  it('notes runs without a countable genotype', () => {
    const t = resultsTable([{ ...runs[0]!, finalGenotype: null, status: 'failed' }])
    expect(t.notes).toEqual(['darts-s0: no final genotype (status failed)'])
    expect(toLatex(t)).toContain('& -- &')
  })

  it('the LaTeX table compiles where pdflatex and booktabs are installed', (ctx) => {
    if (!PDFLATEX)
      return skipNote(
        ctx,
        'LaTeX table compile',
        'pdflatex not installed (apt-get install texlive-latex-base texlive-latex-recommended)',
      )
    if (!texHas('booktabs.sty'))
      return skipNote(ctx, 'LaTeX table compile', 'booktabs.sty missing (apt-get install texlive-latex-recommended)')
    const doc = `\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n${toLatex(table)}\\end{document}\n`
    const pdf = compileTex(doc)
    if (PDFTOPPM) expect(nonWhitePixels(decodePng(pdfToPng(pdf, 50)))).toBeGreaterThan(100)
  })
})
