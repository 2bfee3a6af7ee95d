/** The run view's NB201 panel and the runs table's benchmark column (pure shaping). */
import { describe, expect, it } from 'vitest'
import { nb201Key } from '../../src/core/benchmark/nb201Columns'
import { benchmarkPanel, benchmarkSeriesLabel } from '../../src/renderer/src/shape/benchmark'
import { extraMetricKeys } from '../../src/renderer/src/shape/runView'
import { sortRuns } from '../../src/renderer/src/shape/runsTable'
import { summary } from './fixtures'

const pts = (values: number[]) => values.map((value, step) => ({ step, value }))
const metrics = {
  valAcc: pts([0.3, 0.4, 0.5]),
  [nb201Key.acc('cifar10.test')]: pts([90, 85, 54.3]),
  [nb201Key.pct('cifar10.test')]: pts([45, 20, 2.5]),
  [nb201Key.best('cifar10.test')]: pts([94.37, 94.37, 94.37]),
  [nb201Key.allSkip('cifar10.test')]: pts([54.3, 54.3, 54.3]),
  [nb201Key.acc('cifar100.test')]: pts([60, 50, 15.61]),
  'm.betaLambda': pts([1, 2, 3]),
}

describe('run view NB201 panel', () => {
  it('charts the derived cell with the two reference lines under an honest title, latest percentile beside it', () => {
    const p = benchmarkPanel(metrics, 'fashion-mnist')!
    expect(p.column).toBe('cifar10.test')
    expect(p.columns).toEqual(['cifar10.test', 'cifar100.test'])
    expect(p.keys).toEqual(['nb201.cifar10.test', 'nb201.cifar10.test.best', 'nb201.cifar10.test.allSkip'])
    expect(p.title).toBe('cell searched on Fashion-MNIST, NB201 CIFAR-10 test accuracy (200 epochs)')
    expect(p.latest).toEqual({ epoch: 2, accuracy: 54.3, percentile: 2.5 })
    expect(p.final).toBeNull()
    expect(benchmarkPanel(metrics, 'cifar10', 'cifar100.test')!.title).toBe(
      'cell searched on CIFAR-10, NB201 CIFAR-100 test accuracy (200 epochs)',
    )
    expect(benchmarkSeriesLabel('nb201.cifar10.test.allSkip')).toBe('all-skip cell')
    expect(benchmarkSeriesLabel('valAcc')).toBeNull()
  })

  it('a run without lookups (DARTS space) has no panel, and lookups never land in the method-series picker', () => {
    expect(benchmarkPanel({ valAcc: pts([0.3]) }, 'cifar10')).toBeNull()
    expect(extraMetricKeys(metrics)).toEqual(['m.betaLambda'])
  })

  it('the runs table sorts by the final cell benchmark, runs without one last', () => {
    const runs = [
      summary({ id: 'a', benchmarkAcc: 54.3 }),
      summary({ id: 'b', benchmarkAcc: null }),
      summary({ id: 'c', benchmarkAcc: 94.36 }),
    ]
    expect(sortRuns(runs, { key: 'benchmarkAcc', dir: 'desc' }).map((r) => r.id)).toEqual(['c', 'a', 'b'])
    expect(sortRuns(runs, { key: 'benchmarkAcc', dir: 'asc' }).map((r) => r.id)).toEqual(['a', 'c', 'b'])
  })
})
