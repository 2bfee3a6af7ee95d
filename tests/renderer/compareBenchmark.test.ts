/** The dashboard and the paper tables with NB201 benchmark lookups: bands over seeds, ranking, Welch p, captions. */
import { describe, expect, it } from 'vitest'
import { nb201Key } from '../../src/core/benchmark/nb201Columns'
import { resultsTable, type TableRun, toCsv, toLatex, toMarkdown } from '../../src/core/tables/index'
import type { CompareRun } from '../../src/renderer/src/shape/compare'
import {
  bandSeries,
  BENCHMARK_CURVE,
  benchmarkTitle,
  FINAL_COLUMNS,
  finalColumns,
  finalTable,
  finalTableCells,
  hasBenchmark,
  makeGroups,
} from '../../src/renderer/src/shape/compare'
import { formatMeanStd, formatP } from '../../src/core/metrics/grouping'
import { summary } from './fixtures'

const FINAL = nb201Key.final('cifar10.test')
const FINAL_PCT = nb201Key.finalPct('cifar10.test')

/** A run whose derived cell scores `curve` per epoch and `final` at the end (NB201 CIFAR-10 test, %). */
function run(id: string, method: string, seed: number, curve: number[], final: number): CompareRun {
  return {
    run: summary({ id, method, seed, dataset: 'fashion-mnist', benchmarkAcc: final, benchmarkPct: final / 2 }),
    params: { method, seed: String(seed) },
    latest: { [FINAL]: final, [FINAL_PCT]: final / 2, valAcc: 0.6 },
    series: {
      valAcc: curve.map((_, step) => ({ step, value: 0.6 })),
      [BENCHMARK_CURVE]: curve.map((value, step) => ({ step, value })),
    },
    seconds: 60,
  }
}

const runs = [
  run('d0', 'darts', 0, [90, 80, 60], 54.3),
  run('d1', 'darts', 1, [88, 70, 60], 60),
  run('d2', 'darts', 2, [92, 75, 62], 58),
  run('b0', 'beta-darts', 0, [90, 92, 94], 94.36),
  run('b1', 'beta-darts', 1, [89, 91, 93], 93.5),
  run('b2', 'beta-darts', 2, [91, 93, 94], 94.0),
]

describe('dashboard with NB201 benchmark lookups', () => {
  const groups = makeGroups(runs, 'method')

  it('bands the derived cell per epoch as mean ± std over seeds', () => {
    const bands = bandSeries(groups, BENCHMARK_CURVE)
    const darts = bands.find((b) => b.group === 'darts')!
    expect(darts.points.map((p) => p.mean)).toEqual([90, 75, 182 / 3])
    expect(darts.points[0]!.n).toBe(3)
    expect(darts.points[1]!.hi - darts.points[1]!.mean).toBeCloseTo(5, 10) // sample std of 80, 70, 75
  })

  it('ranks groups by the final cell benchmark accuracy, with Welch p vs the baseline as the default test', () => {
    const columns = finalColumns(runs)
    expect(columns.slice(0, 2).map((c) => c.metric)).toEqual(['nb201Final', 'nb201FinalPct'])
    const rows = finalTable(groups, 'darts', columns)
    expect(rows.map((r) => r.group)).toEqual(['beta-darts', 'darts'])
    expect(rows[0]!.cells.nb201Final!.mean).toBeCloseTo((94.36 + 93.5 + 94) / 3, 10)
    expect(rows[0]!.cells.nb201Final!.p).toBeLessThan(0.01)
    expect(rows[1]!.cells.nb201Final!.p).toBeNull()
    const t = finalTableCells(rows, 'darts', 'nb201Final', (c, col) => formatMeanStd(c, col.digits, col.scale), formatP, columns)
    expect(t.header[2]).toBe('NB201 C10 test, final cell (%)')
    expect(t.header.at(-1)).toBe('p (NB201 C10 test, final cell (%)) vs darts')
  })

  it('labels honestly where the cells were searched; DARTS-space comparisons show no benchmark at all', () => {
    expect(benchmarkTitle(runs)).toBe(
      'cell searched on Fashion-MNIST, NB201 CIFAR-10 test accuracy (200 epochs), mean ± std over seeds',
    )
    const darts = runs.map((r) => ({ ...r, latest: { valAcc: 0.6 }, series: { valAcc: r.series.valAcc! } }))
    expect(hasBenchmark(darts)).toBe(false)
    expect(finalColumns(darts)).toBe(FINAL_COLUMNS)
  })
})

describe('paper tables with NB201 benchmark lookups', () => {
  const tableRun = (r: CompareRun): TableRun => ({
    id: r.run.id,
    method: r.run.method,
    dataset: r.run.dataset,
    seed: r.run.seed,
    status: 'finished',
    params: r.params,
    latest: r.latest,
    finalGenotype: '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|',
    searchSeconds: 60,
    device: 'AMD EPYC, 2 cores',
  })
  const t = resultsTable(runs.map(tableRun), { groupBy: 'method' })

  it('ranks by the benchmark and carries the protocol in the caption (LaTeX, Markdown) and the header (CSV)', () => {
    expect(t.rows.map((r) => r.label)).toEqual(['beta-darts', 'darts'])
    const tex = toLatex(t)
    expect(tex).toContain('NB201 C10 test (\\%)')
    expect(tex).toMatch(
      /final cell searched on fashion-mnist, looked up in NAS-Bench-201 \(CIFAR-10 test accuracy after 200 epochs/,
    )
    expect(tex).toContain('$\\mathbf{93.95 \\pm 0.43}$')
    const md = toMarkdown(t)
    expect(md).toContain('| NB201 C10 test (%) | NB201 percentile |')
    expect(md).toContain("mean over the benchmark's seeds")
    const csv = toCsv(t).split('\n')
    expect(csv[0]).toContain('nb201_c10_test_200ep_mean,nb201_c10_test_200ep_std,nb201_percentile_mean,searched_on')
    expect(csv[1]).toMatch(/^beta-darts,3,/)
    expect(csv[1]).toMatch(/,fashion-mnist$/)
  })

  it('DARTS-space tables have no benchmark column or caption', () => {
    const plain = resultsTable(
      runs.map((r) => ({ ...tableRun(r), latest: { valAcc: 0.6 } })),
      { groupBy: 'method' },
    )
    expect(toLatex(plain)).not.toContain('NB201')
    expect(toCsv(plain)).not.toContain('nb201')
  })
})
