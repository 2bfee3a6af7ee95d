/** The renderer's pure parts for evaluations and PNG export: live results, table sorting, PNG sizes. */
import { describe, expect, it } from 'vitest'
import { pngSize, svgLengthInches } from '../../src/renderer/src/components/common/png'
import { applyRunEvent, extraMetricKeys } from '../../src/renderer/src/shape/runView'
import { sortRuns } from '../../src/renderer/src/shape/runsTable'
import { detail, summary } from './fixtures'

describe('an evaluation in the run view', () => {
  const ev = detail({
    run: summary({ kind: 'eval', method: 'eval' }),
    evaluation: { genotype: { name: 'V2', text: 'G' }, result: null },
  })

  it('takes its result from the finished event, and its test metrics from evalEpoch', () => {
    const base = { seq: 9, time: 1, type: 'finished', kind: 'eval', genotype: 'G', seconds: 12 } as const
    const d = applyRunEvent(ev, { ...base, testAcc: 0.8, params: 1000, paramsWithAux: 1200, flops: 5e6, auxiliary: true })
    expect(d.evaluation?.result).toEqual({
      testAcc: 0.8,
      seconds: 12,
      params: 1000,
      paramsWithAux: 1200,
      flops: 5e6,
      auxiliary: true,
    })
    const e = { seq: 3, time: 1, type: 'evalEpoch', epoch: 0, lr: 0.1, dropPath: 0, trainLoss: 2, trainAcc: 0.3 } as const
    const m = applyRunEvent(ev, { ...e, testLoss: 1.5, testAcc: 0.4, epochSec: 3, imagesPerSec: 100 }).metrics
    expect(m.testAcc).toEqual([{ step: 0, value: 0.4 }])
    // Test loss/accuracy and drop path have fixed charts; only timing goes to the picker.
    expect(extraMetricKeys(m)).toEqual(['epochSec', 'imagesPerSec'])
  })

  it('leaves a search alone on finished', () => {
    const d = detail()
    expect(applyRunEvent(d, { seq: 5, time: 1, type: 'finished', genotype: 'G', valAcc: 0.5, seconds: 3 })).toBe(d)
  })

  it('sorts the accuracy column by test accuracy for evaluations', () => {
    const runs = [
      summary({ id: 's', bestValAcc: 0.5 }),
      summary({ id: 'e', kind: 'eval', bestValAcc: null, lastTestAcc: 0.9 }),
      summary({ id: 'q', kind: 'eval', bestValAcc: null, lastTestAcc: null }),
    ]
    expect(sortRuns(runs, { key: 'bestValAcc', dir: 'desc' }).map((r) => r.id)).toEqual(['e', 's', 'q'])
  })
})

describe('PNG export size', () => {
  it('reads SVG lengths in inches', () => {
    expect(svgLengthInches('72pt')).toBe(1)
    expect(svgLengthInches('25.4mm')).toBeCloseTo(1, 9)
    expect(svgLengthInches('96')).toBe(1)
    expect(svgLengthInches('50%')).toBeNull()
    expect(svgLengthInches(null)).toBeNull()
  })

  it('renders the app SVG (sized in pt) at 300 dpi, or its viewBox as CSS pixels', () => {
    expect(
      pngSize('<svg xmlns="http://www.w3.org/2000/svg" width="239.76pt" height="236.43pt" viewBox="0 0 239.76 236.43">'),
    ).toEqual({
      width: 999,
      height: 985,
    })
    expect(pngSize('<svg viewBox="0 0 192 96">', 300)).toEqual({ width: 600, height: 300 })
  })
})

describe('run actions of an evaluation', () => {
  it('offers no duplicate (evaluate the genotype again instead)', async () => {
    const { actionsFor } = await import('../../src/renderer/src/shape/runsTable')
    expect(actionsFor('finished', 'eval')).toEqual(['delete'])
    expect(actionsFor('running', 'eval')).toEqual(['pause', 'cancel'])
    expect(actionsFor('finished')).toEqual(['duplicate', 'delete'])
  })
})

describe('an evaluation in the cell viewer', () => {
  it('shows the genotype it trains before it has finished', async () => {
    const { genotypeAt } = await import('../../src/renderer/src/shape/cells')
    const d = detail({ run: summary({ kind: 'eval' }), evaluation: { genotype: { name: null, text: 'G' }, result: null } })
    expect(genotypeAt(d, null)).toEqual({ epoch: null, text: 'G' })
    expect(genotypeAt(detail(), null)).toBeNull()
  })
})
