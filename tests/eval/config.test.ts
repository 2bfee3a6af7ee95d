// Eval presets (METHODS.md §2.4 defaults) and `--set` overrides through the shared parser.
import { describe, expect, it } from 'vitest'
import { applyEvalOverrides, EVAL_PRESETS, getEvalPreset } from '../../src/core/config/eval'
import { ConfigError } from '../../src/core/config/search'

describe('eval presets', () => {
  it('darts-eval has DARTS train.py --auxiliary --cutout defaults', () => {
    expect(getEvalPreset('darts-eval').config).toMatchObject({
      dataset: 'cifar10',
      C: 36,
      layers: 20,
      epochs: 600,
      batchSize: 96,
      lr: 0.025,
      lrMin: 0,
      momentum: 0.9,
      weightDecay: 3e-4,
      gradClip: 5,
      cutout: 16,
      dropPathProb: 0.2,
      auxiliary: true,
      auxiliaryWeight: 0.4,
      scheduleConvention: 'darts',
    })
  })

  it('darts-eval-quick is CPU scale on Fashion-MNIST with the auxiliary head on', () => {
    const c = getEvalPreset('darts-eval-quick').config
    expect(c).toMatchObject({ dataset: 'fashion-mnist', C: 8, layers: 6, imageSize: 32, auxiliary: true })
    expect(EVAL_PRESETS.map((p) => p.name)).toEqual(['darts-eval', 'darts-eval-quick'])
  })

  it('applies --set items by type and rejects bad ones with one line', () => {
    const base = getEvalPreset('darts-eval').config
    expect(applyEvalOverrides(base, ['C=16', 'auxiliary=false', 'limitTrain=100', 'imageSize=null'])).toMatchObject({
      C: 16,
      auxiliary: false,
      limitTrain: 100,
      imageSize: null,
    })
    expect(() => applyEvalOverrides(base, ['dropPath=0.1'])).toThrow(/unknown setting 'dropPath'/)
    expect(() => applyEvalOverrides(base, ['dropPathProb=1'])).toThrow(ConfigError)
    expect(() => applyEvalOverrides(base, ['layers=2'])).toThrow(/layers/)
    expect(() => applyEvalOverrides(base, ['lrMin=1'])).toThrow(/lrMin/)
    expect(() => getEvalPreset('darts')).toThrow(/unknown preset 'darts'/)
  })
})
