/** The worker's NB201 scorer: benchmark events after NB201 genotypes, nothing for the DARTS space or without a table. */
import { afterEach, describe, expect, it } from 'vitest'
import { applyOverrides, getPreset } from '../../src/core/config/search'
import type { RunEventBody } from '../../src/core/events'
import { benchmarkScorer } from '../../src/worker/benchmark'

const ALL_SKIP = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'
const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
const nb201 = applyOverrides(getPreset('darts-1st-quick').config, ['space=nb201'])
const darts = getPreset('darts-1st-quick').config

afterEach(() => {
  delete process.env.HDARTS_NB201_TABLE
})

describe('worker benchmark scorer', () => {
  it('follows each NB201 genotype event with its lookup and scores the final cell before finished', async () => {
    const out: RunEventBody[] = []
    const logs: string[] = []
    const s = await benchmarkScorer(
      nb201,
      (b) => out.push(b),
      (l) => logs.push(l),
    )
    s.emit({ type: 'genotype', epoch: 0, text: ALL_SKIP, format: 'nb201' })
    s.emit({ type: 'progress', epoch: 1, step: 1, stepsPerEpoch: 2, trainLoss: 1, trainAcc: 0.5, imagesPerSec: 1, etaSec: 1 })
    s.final(1, BEST)
    expect(out.map((e) => e.type)).toEqual(['genotype', 'benchmark', 'progress', 'benchmark'])
    const [first, last] = out.filter((e) => e.type === 'benchmark') as Extract<RunEventBody, { type: 'benchmark' }>[]
    expect(first).toMatchObject({ epoch: 0, final: false, index: 1835, searchDataset: 'fashion-mnist' })
    expect(first!.scores['cifar10.test']!.accuracy.toFixed(2)).toBe('54.30')
    expect(last).toMatchObject({ final: true, index: 9930 })
    expect(logs[0]).toMatch(/NAS-Bench-201 lookups from the shipped table nb201-200ep\.json\.gz/)
  })

  it('passes DARTS-space events through untouched and loads no table', async () => {
    process.env.HDARTS_NB201_TABLE = '/nonexistent/would-fail.csv'
    const out: RunEventBody[] = []
    const logs: string[] = []
    const s = await benchmarkScorer(
      darts,
      (b) => out.push(b),
      (l) => logs.push(l),
    )
    s.emit({ type: 'genotype', epoch: 0, text: ALL_SKIP })
    s.final(0, ALL_SKIP)
    expect(out.map((e) => e.type)).toEqual(['genotype'])
    expect(logs).toEqual([])
  })

  it('a missing or bad table never stops the search: no benchmark events, one log line why', async () => {
    process.env.HDARTS_NB201_TABLE = '/nonexistent/table.csv'
    const out: RunEventBody[] = []
    const logs: string[] = []
    const s = await benchmarkScorer(
      nb201,
      (b) => out.push(b),
      (l) => logs.push(l),
    )
    s.emit({ type: 'genotype', epoch: 0, text: ALL_SKIP, format: 'nb201' })
    s.final(0, ALL_SKIP)
    expect(out.map((e) => e.type)).toEqual(['genotype'])
    expect(logs).toEqual([
      'no NAS-Bench-201 benchmark numbers for this run: /nonexistent/table.csv: no such NAS-Bench-201 table file',
    ])
  })
})
