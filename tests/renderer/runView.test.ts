import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import {
  alphaAt,
  applyLiveToDetail,
  applyRunEvent,
  chartRows,
  eventSummary,
  extraMetricKeys,
  lambdaMaxKey,
  mergeEvents,
  scrubEpochs,
  upsertPoint,
} from '../../src/renderer/src/shape/runView'
import { detail, summary } from './fixtures'

const epochEvent = (epoch: number, valAcc: number): RunEvent => ({
  seq: 10 + epoch,
  time: 5000,
  type: 'epoch',
  epoch,
  lr: 0.1,
  trainLoss: 1,
  trainAcc: 0.4,
  valLoss: 1.2,
  valAcc,
  archLoss: 1.1,
  epochSec: 30,
  imagesPerSec: 100,
  skipsNormal: 2,
  skipsReduce: 1,
})

describe('upsertPoint', () => {
  it('appends, replaces and inserts by step', () => {
    const s = [{ step: 0, value: 1 }]
    expect(upsertPoint(s, { step: 1, value: 2 })).toEqual([
      { step: 0, value: 1 },
      { step: 1, value: 2 },
    ])
    expect(upsertPoint(s, { step: 0, value: 1 })).toBe(s)
    expect(upsertPoint(s, { step: 0, value: 3 })).toEqual([{ step: 0, value: 3 }])
    expect(upsertPoint([{ step: 2, value: 1 }], { step: 1, value: 0 }).map((p) => p.step)).toEqual([1, 2])
  })
})

describe('applyRunEvent', () => {
  it('adds an epoch to every epoch series and is idempotent', () => {
    const d1 = applyRunEvent(detail(), epochEvent(1, 0.6))
    expect(d1.metrics['valAcc']).toEqual([
      { step: 0, value: 0.5 },
      { step: 1, value: 0.6 },
    ])
    expect(d1.metrics['skipsNormal']).toEqual([{ step: 1, value: 2 }])
    const d2 = applyRunEvent(d1, epochEvent(1, 0.6))
    expect(d2.metrics['valAcc']).toBe(d1.metrics['valAcc'])
  })
  it('stores method scalars under m.<name> unless the detail uses the bare name', () => {
    const ev: RunEvent = {
      seq: 3,
      time: 0,
      type: 'method',
      epoch: 2,
      scalars: { lambdaMax: 0.7 },
      matrices: { gatesNormal: [[1]] },
    }
    const d = applyRunEvent(detail(), ev)
    expect(d.metrics['m.lambdaMax']).toEqual([{ step: 2, value: 0.7 }])
    expect(d.methodMatrices).toEqual([{ epoch: 2, name: 'gatesNormal', matrix: [[1]] }])
    const bare = applyRunEvent(detail({ metrics: { lambdaMax: [{ step: 0, value: 1 }] } }), ev)
    expect(bare.metrics['lambdaMax']).toHaveLength(2)
    expect(bare.metrics['m.lambdaMax']).toBeUndefined()
  })
  it('adds α snapshots, genotypes and checkpoints', () => {
    let d = applyRunEvent(detail(), {
      seq: 4,
      time: 0,
      type: 'alphas',
      epoch: 0,
      ops: ['a', 'b'],
      normal: [[1, 2]],
      reduce: [[3, 4]],
    })
    d = applyRunEvent(d, { seq: 5, time: 0, type: 'genotype', epoch: 0, text: 'G0' })
    d = applyRunEvent(d, {
      seq: 6,
      time: 9,
      type: 'checkpoint',
      epoch: 0,
      step: 10,
      file: 'ck/0.bin',
      bytes: 100,
      reason: 'epoch',
    })
    expect(d.alphas.map((a) => a.cell)).toEqual(['normal', 'reduce'])
    expect(d.genotypes).toEqual([{ epoch: 0, text: 'G0', format: null }])
    expect(d.checkpoints).toEqual([{ epoch: 0, step: 10, file: 'ck/0.bin', bytes: 100, reason: 'epoch', time: 9 }])
    const again = applyRunEvent(d, {
      seq: 6,
      time: 9,
      type: 'checkpoint',
      epoch: 0,
      step: 10,
      file: 'ck/0.bin',
      bytes: 100,
      reason: 'epoch',
    })
    expect(again).toBe(d)
  })
  it('ignores progress events (no re-render)', () => {
    const d = detail()
    const ev: RunEvent = {
      seq: 2,
      time: 0,
      type: 'progress',
      epoch: 0,
      step: 1,
      stepsPerEpoch: 10,
      trainLoss: 1,
      trainAcc: 0.1,
      imagesPerSec: 5,
      etaSec: 3,
    }
    expect(applyRunEvent(d, ev)).toBe(d)
  })
})

describe('applyLiveToDetail', () => {
  it('replaces the summary and ignores other runs', () => {
    const d = detail()
    const run = summary({ status: 'finished' })
    expect(applyLiveToDetail(d, { type: 'run-updated', run }).run).toBe(run)
    expect(applyLiveToDetail(d, { type: 'run-updated', run: summary({ id: 'other' }) })).toBe(d)
    expect(applyLiveToDetail(d, { type: 'run-event', runId: 'other', event: epochEvent(3, 1) })).toBe(d)
    expect(applyLiveToDetail(d, { type: 'run-event', runId: 'r1', event: epochEvent(3, 1) }).metrics['valAcc']).toHaveLength(2)
  })
})

describe('chart shaping', () => {
  it('joins series by step with nulls for gaps and non-finite values', () => {
    const { rows, nonFinite } = chartRows(
      {
        a: [
          { step: 0, value: 1 },
          { step: 1, value: Number.NaN },
        ],
        b: [{ step: 1, value: 2 }],
      },
      ['a', 'b'],
    )
    expect(rows).toEqual([
      { step: 0, a: 1, b: null },
      { step: 1, a: null, b: 2 },
    ])
    expect(nonFinite).toBe(1)
  })
  it('lists method series apart from the fixed charts, method scalars first', () => {
    const p = [{ step: 0, value: 1 }]
    expect(extraMetricKeys({ valAcc: p, epochSec: p, 'm.tau': p, 'm.lambdaMax': p, prS: p })).toEqual([
      'm.tau',
      'prS',
      'epochSec',
    ])
    expect(lambdaMaxKey({ 'm.lambdaMax': p })).toBe('m.lambdaMax')
    expect(lambdaMaxKey({})).toBeNull()
  })
})

describe('scrubber', () => {
  it('stops at every epoch with α or a genotype and picks the latest at or before', () => {
    const alphas = [
      { epoch: 0, cell: 'normal' as const, ops: ['x'], matrix: [[0]] },
      { epoch: 2, cell: 'normal' as const, ops: ['x'], matrix: [[2]] },
      { epoch: 2, cell: 'reduce' as const, ops: ['x'], matrix: [[3]] },
    ]
    expect(scrubEpochs({ alphas, genotypes: [{ epoch: 3, text: 'g', format: null }] })).toEqual([0, 2, 3])
    expect(alphaAt(alphas, 'normal', 1)?.epoch).toBe(0)
    expect(alphaAt(alphas, 'reduce', 3)?.matrix).toEqual([[3]])
    expect(alphaAt(alphas, 'reduce', 1)).toBeUndefined()
  })
})

describe('event log', () => {
  it('merges pages and live events newest first without duplicates', () => {
    const a = [epochEvent(0, 0.1), epochEvent(1, 0.2)]
    const b = [epochEvent(1, 0.2), epochEvent(2, 0.3)]
    expect(mergeEvents(a, b).map((e) => e.seq)).toEqual([12, 11, 10])
  })
  it('summarises events in one line', () => {
    expect(eventSummary(epochEvent(1, 0.61234))).toContain('val acc 0.6123')
    expect(eventSummary({ seq: 1, time: 0, type: 'failed', reason: 'out-of-memory', message: 'boom' })).toBe(
      'out-of-memory: boom',
    )
  })
})

describe('an E2NAS run in the run view', () => {
  it('charts η, the novelty terms and the complementation losses; keeps the decoded cell and z as matrices', () => {
    const method: RunEvent = {
      seq: 40,
      time: 6000,
      type: 'method',
      epoch: 1,
      scalars: {
        eta: 0.88,
        novelty: 11,
        logPz: 26.4,
        logD: 6.8,
        logPe: -0.2,
        lossPrevious: 1.3,
        lossComplement: 2.9,
        archiveDistinct: 3,
      },
      matrices: { decoded: [[0, 0, 0, 1, 0]], z: [Array.from({ length: 30 }, () => 0.1)] },
    }
    const d = applyRunEvent(detail(), method)
    const keys = extraMetricKeys(d.metrics)
    for (const k of ['eta', 'novelty', 'logPz', 'logD', 'logPe', 'lossPrevious', 'lossComplement', 'archiveDistinct'])
      expect(keys).toContain(`m.${k}`)
    expect(d.metrics['m.eta']).toEqual([{ step: 1, value: 0.88 }])
    expect(d.methodMatrices.map((m) => [m.epoch, m.name])).toEqual([
      [1, 'decoded'],
      [1, 'z'],
    ])
  })
})
