import { describe, expect, it } from 'vitest'
import { welchTTest } from '../../src/core/metrics/stats'
import type { CompareResponse, RunSummary } from '../../src/shared/api'
import {
  bandChartRows,
  bandSeries,
  compareKeys,
  finalTable,
  finalValue,
  groupByOptions,
  makeGroups,
  runSeries,
  type CompareRun,
} from '../../src/renderer/src/shape/compare'

const V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])"

function summary(id: string, method: string, seed: number, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    kind: 'search',
    experimentId: 1,
    preset: method,
    method,
    dataset: 'cifar10',
    seed,
    status: 'finished',
    statusReason: null,
    error: null,
    backend: 'cpu',
    device: 'cpu',
    attempts: 1,
    createdAt: 0,
    startedAt: 0,
    endedAt: 1000,
    epochsDone: 3,
    epochsTotal: 3,
    progress: 1,
    etaSec: 0,
    bestValAcc: null,
    lastValAcc: null,
    skipsNormal: null,
    skipsReduce: null,
    finalGenotype: V2,
    lastTestAcc: null,
    benchmarkAcc: null,
    benchmarkPct: null,
    tags: {},
    note: null,
    ...extra,
  }
}

const series = (values: number[]) => values.map((value, step) => ({ step, value }))

/** Group darts: valAcc offsets 0, 0.1, 0.2 around a base; group prdarts: 0.5 higher. */
function run(id: string, method: string, seed: number, offset: number, lambda?: number): CompareRun {
  const valAcc = series([0.1 + offset, 0.2 + offset, 0.3 + offset])
  const s: Record<string, { step: number; value: number }[]> = {
    valAcc,
    trainLoss: series([2 - offset, 1.5 - offset, 1 - offset]),
    skipsNormal: series([0, 1, 2 + seed]),
  }
  if (lambda !== undefined) s.lambdaMax = series([lambda, lambda * 2])
  return {
    run: summary(id, method, seed),
    params: { method, seed: String(seed), 'regularization.betaDecay.lambdaMax': method === 'darts' ? '0' : '5' },
    latest: {},
    series: s,
    seconds: 100 + seed * 10,
  }
}

const response: CompareResponse = {
  runs: [
    run('a1', 'darts', 0, 0.0, 1),
    run('a2', 'darts', 1, 0.1, 2),
    run('a3', 'darts', 2, 0.2, 3),
    run('b1', 'pr-darts', 0, 0.5),
    run('b2', 'pr-darts', 1, 0.55),
    run('b3', 'pr-darts', 2, 0.62),
  ],
}

describe('compare shaping', () => {
  const groups = makeGroups(response.runs, 'method')

  it('groups runs by method with distinct colours', () => {
    expect(groups.map((g) => g.value)).toEqual(['darts', 'pr-darts'])
    expect(groups.map((g) => g.runs.length)).toEqual([3, 3])
    expect(new Set(groups.map((g) => g.color)).size).toBe(2)
  })

  it('offers method, preset and regularizer params as group-by keys', () => {
    const keys = groupByOptions(response.runs).map((o) => o.key)
    expect(keys.slice(0, 2)).toEqual(['method', 'preset'])
    expect(keys).toContain('regularization.betaDecay.lambdaMax')
    expect(keys).not.toContain('seed')
  })

  it('requests the dashboard keys plus extras, once each', () => {
    expect(compareKeys(['valAcc', 'tau'])).toEqual([
      'valAcc',
      'trainLoss',
      'valLoss',
      'skipsNormal',
      'skipsReduce',
      'lambdaMax',
      'm.lambdaMax',
      'nb201.cifar10.test',
      'nb201.final.cifar10.test',
      'nb201.final.cifar10.test.pct',
      'tau',
    ])
  })

  it("reads λ_max from the store's method-scalar key m.lambdaMax", () => {
    const r = run('m', 'darts', 0, 0)
    const withM: CompareRun = { ...r, series: { ...r.series, 'm.lambdaMax': series([0.1, 0.25]) } }
    expect(finalValue(withM, 'lambdaMax')).toBe(0.25)
  })

  it('clips bands of non-negative metrics at 0', () => {
    const g = makeGroups(
      [run('x', 'darts', 0, 0), { ...run('y', 'darts', 5, 0), series: { skipsNormal: series([0, 0, 6]) } }],
      'method',
    )
    const rows = bandChartRows(bandSeries(g, 'skipsNormal'), { nonNegative: true })
    for (const r of rows) expect((r['darts:band'] as number[])[0]).toBeGreaterThanOrEqual(0)
  })

  it('computes exact mean ± std bands per step over seeds', () => {
    const [darts] = bandSeries(groups, 'valAcc')
    expect(darts!.points.map((p) => p.step)).toEqual([0, 1, 2])
    const p0 = darts!.points[0]!
    expect(p0.n).toBe(3)
    expect(p0.mean).toBeCloseTo(0.2, 12) // (0.1 + 0.2 + 0.3) / 3
    expect(p0.std).toBeCloseTo(0.1, 12) // sample std of {0.1, 0.2, 0.3}
    expect(p0.lo).toBeCloseTo(0.1, 12)
    expect(p0.hi).toBeCloseTo(0.3, 12)
    expect(darts!.points[2]!.mean).toBeCloseTo(0.4, 12)
  })

  it('smooths each run before banding', () => {
    const raw = runSeries(series([1, 0, 1]), 0.5)
    // TensorBoard's debiased EMA with weight 0.5: 0.5/0.5, 0.25/0.75, 0.625/0.875
    expect(raw.map((p) => p.value)).toEqual([1, 0.25 / 0.75, 0.625 / 0.875].map((v) => expect.closeTo(v, 12)))
    const smoothed = bandSeries(groups, 'valAcc', 0.5)[0]!.points
    const unsmoothed = bandSeries(groups, 'valAcc', 0)[0]!.points
    expect(smoothed[0]!.mean).toBeCloseTo(unsmoothed[0]!.mean, 12)
    expect(smoothed[2]!.mean).toBeLessThan(unsmoothed[2]!.mean)
  })

  it('shapes recharts rows with a [lo, hi] band per group', () => {
    const rows = bandChartRows(bandSeries(groups, 'valAcc'), { scale: 100 })
    expect(rows).toHaveLength(3)
    expect(rows[0]!.darts).toBeCloseTo(20, 10)
    const band = rows[0]!['darts:band'] as number[]
    expect(band[0]).toBeCloseTo(10, 10)
    expect(band[1]).toBeCloseTo(30, 10)
    const log = bandChartRows(bandSeries(groups, 'trainLoss'), { log: true })
    for (const r of log) for (const g of ['darts', 'pr-darts']) expect((r[`${g}:band`] as number[])[0]).toBeGreaterThan(0)
  })

  it('builds the final table with mean ± std, n and Welch p vs the baseline', () => {
    const rows = finalTable(groups, 'darts')
    expect(rows.map((r) => r.group)).toEqual(['darts', 'pr-darts'])
    const [base, other] = rows
    expect(base!.cells.valAcc!.mean).toBeCloseTo(0.4, 12)
    expect(base!.cells.valAcc!.n).toBe(3)
    expect(base!.cells.valAcc!.p).toBeNull()
    const test = welchTTest([0.3, 0.4, 0.5], [0.8, 0.85, 0.92])
    const expected = test.ok ? test.p : NaN
    expect(other!.cells.valAcc!.p).toBeCloseTo(expected, 12)
    expect(other!.cells.valAcc!.p).toBeLessThan(0.05)
    expect(base!.cells.skipsNormal!.mean).toBeCloseTo(3, 12)
    expect(base!.cells.lambdaMax!.n).toBe(3)
    expect(base!.cells.lambdaMax!.mean).toBeCloseTo(4, 12)
    expect(other!.cells.lambdaMax!.n).toBe(0)
    expect(base!.cells.seconds!.mean).toBeCloseTo(110, 12)
    // DARTS V2 at C=36, 20 layers: 3,349,342 parameters (DARTS's count_parameters_in_MB).
    expect(base!.cells.params!.mean).toBeCloseTo(3.349342, 6)
  })

  it('falls back to the run summary when a series is missing', () => {
    const r = run('c', 'darts', 0, 0)
    const bare: CompareRun = { ...r, series: {}, run: { ...r.run, lastValAcc: 0.7, bestValAcc: 0.75, skipsNormal: 2 } }
    expect(finalValue(bare, 'valAcc')).toBe(0.7)
    expect(finalValue(bare, 'valAccBest')).toBe(0.75)
    expect(finalValue(bare, 'skipsNormal')).toBe(2)
    expect(finalValue(bare, 'lambdaMax')).toBeNull()
  })
})

describe('table export', () => {
  it('writes Markdown and CSV with the baseline marked', async () => {
    const { finalTableCells, toMarkdown, toCsv } = await import('../../src/renderer/src/shape/compare')
    const { formatMeanStd, formatP } = await import('../../src/core/metrics/grouping')
    const groups = makeGroups(response.runs, 'method')
    const t = finalTableCells(
      finalTable(groups, 'darts'),
      'darts',
      'valAcc',
      (c, col) => formatMeanStd(c, col.digits, col.scale),
      formatP,
    )
    expect(t.rows[0]![0]).toBe('darts (baseline)')
    expect(t.rows[0]![2]).toBe('40.00 ± 10.00')
    const md = toMarkdown(t).split('\n')
    expect(md[0]).toMatch(/^\| group \| n \| Val acc final/)
    expect(md[1]).toMatch(/^\| --- \| ---: \|/)
    expect(toCsv(t).split('\n')).toHaveLength(3)
    // pr-darts logs no λ_max: its p cell says why, never a number.
    const lam = finalTableCells(
      finalTable(groups, 'darts'),
      'darts',
      'lambdaMax',
      (c, col) => formatMeanStd(c, col.digits, col.scale),
      formatP,
    )
    expect(lam.rows[1]!.at(-1)).toBe('n too small')
  })
})
