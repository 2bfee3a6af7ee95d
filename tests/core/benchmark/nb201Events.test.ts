import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { nb201Key } from '../../../src/core/benchmark/nb201Columns'
import { benchmarkMetricPoints, nb201BenchmarkEvent } from '../../../src/core/benchmark/nb201Events'
import { loadNb201Table } from '../../../src/core/benchmark/nb201Load'
import type { Nb201Table } from '../../../src/core/benchmark/nb201Table'
import { nodeNb201Io } from '../../../src/node/nb201Io'
import { openStore } from '../../../src/main/store'
import { applyRunEvent } from '../../../src/renderer/src/shape/runView'
import { detail } from '../../renderer/fixtures'
import { EventWriter, newRun, tmpDir } from '../../store/helpers'

const ALL_SKIP = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'
const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
const DARTS_TEXT =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])"

let table: Nb201Table
beforeAll(async () => {
  table = await loadNb201Table(nodeNb201Io({}))
})

describe('NB201 benchmark events', () => {
  it('scores a derived cell with its table, dataset and references; a DARTS cell gets no event', () => {
    const e = nb201BenchmarkEvent(table, { epoch: 3, genotypeText: ALL_SKIP, final: false, searchDataset: 'fashion-mnist' })!
    expect(e).toMatchObject({ type: 'benchmark', epoch: 3, final: false, index: 1835, searchDataset: 'fashion-mnist' })
    expect(e.table).toMatchObject({ kind: 'shipped', file: 'nb201-200ep.json.gz', epochs: 200 })
    const c10 = e.scores['cifar10.test']!
    expect(c10.accuracy.toFixed(2)).toBe('54.30')
    expect(c10.allSkip).toBe(c10.accuracy)
    expect(c10.best.toFixed(2)).toBe('94.37')
    expect(nb201BenchmarkEvent(table, { epoch: 0, genotypeText: DARTS_TEXT, final: false, searchDataset: 'cifar10' })).toBeNull()
    expect(nb201BenchmarkEvent(table, { epoch: 0, genotypeText: 'garbage', final: false, searchDataset: 'cifar10' })).toBeNull()
  })

  it('the store and the live run view hold the same series under the core keys', () => {
    const store = openStore(join(tmpDir(), 'hdarts.db'))
    store.insertRun(newRun('nb'))
    const w = new EventWriter()
    w.started(2)
    let live = detail()
    for (const [epoch, arch] of [ALL_SKIP, BEST].entries()) {
      w.epoch(epoch)
      w.emit({ type: 'genotype', epoch, text: arch, format: 'nb201' })
      const body = nb201BenchmarkEvent(table, { epoch, genotypeText: arch, final: false, searchDataset: 'fashion-mnist' })!
      live = applyRunEvent(live, w.emit(body))
    }
    const fin = nb201BenchmarkEvent(table, { epoch: 1, genotypeText: BEST, final: true, searchDataset: 'fashion-mnist' })!
    live = applyRunEvent(live, w.emit(fin))
    w.emit({ type: 'finished', genotype: BEST, valAcc: 0.5, seconds: 10 })
    store.ingestEvents('nb', w.events)

    const acc = store.metricSeries(['nb'], nb201Key.acc('cifar10.test'))
    expect(acc.map((p) => [p.step, p.value.toFixed(2)])).toEqual([
      [0, '54.30'],
      [1, '94.36'],
    ])
    expect(store.metricSeries(['nb'], nb201Key.best('cifar10.test')).map((p) => p.value.toFixed(2))).toEqual(['94.37', '94.37'])
    const latest = store.latestMetrics(['nb'])
    expect(JSON.stringify(latest)).toContain(nb201Key.final('cifar10.test'))
    for (const key of [nb201Key.acc('cifar10.test'), nb201Key.pct('cifar100.test'), nb201Key.final('cifar10.test')]) {
      const stored = store.metricSeries(['nb'], key).map((p) => [p.step, p.value])
      expect(
        live.metrics[key]!.map((p) => [p.step, p.value]),
        key,
      ).toEqual(stored)
    }
    // The final cell is not an epoch point: nothing at a step past the last epoch.
    expect(benchmarkMetricPoints(fin).every((p) => p.key.startsWith('nb201.final.') && p.step === 0)).toBe(true)
  })
})
