// The method model's config: presets for every family, dotted --set overrides, and the composition
// rules that refuse undefined combinations with a reason.
import { describe, expect, it } from 'vitest'
import {
  applyOverrides,
  ConfigError,
  getPreset,
  incompatibility,
  PRESETS,
  settingKeys,
  validateConfig,
} from '../../../src/core/config/search'

const quick = getPreset('darts-1st-quick').config

describe('presets', () => {
  it('every method family has a paper preset and a -quick preset, and all validate', () => {
    const families = [
      'darts-1st',
      'darts-2nd',
      'hdarts',
      'pr-darts',
      'pc-darts',
      'fair-darts',
      'sdarts-rs',
      'sdarts-adv',
      'darts-minus',
      'beta-darts',
    ]
    for (const f of families) {
      expect(() => getPreset(f)).not.toThrow()
      expect(() => getPreset(`${f}-quick`)).not.toThrow()
    }
    for (const p of PRESETS) expect(validateConfig(p.config)).toEqual(p.config)
  })

  it('quick presets share the optimizer settings, so methods compare on identical settings', () => {
    for (const p of PRESETS.filter((x) => x.name.endsWith('-quick'))) {
      for (const key of ['dataset', 'imageSize', 'limitPerHalf', 'batchSize', 'epochs', 'lr', 'momentum'] as const)
        expect(p.config[key], `${p.name}.${key}`).toEqual(quick[key])
    }
  })

  it("carries each paper's defining settings", () => {
    const pr = getPreset('pr-darts').config
    expect([pr.parametrization, pr.layers, pr.nesterov, pr.weightDecay]).toEqual(['hard-concrete', 6, true, 5e-4])
    expect(pr.regularization.pathGroup).toEqual({ lambdaSkip: 0.01, lambdaOther: 0.005, lambdaPath: 0.005, threshold: 0.2 })
    const pc = getPreset('pc-darts').config
    expect([pc.batchSize, pc.lr, pc.lrMin, pc.archLr, pc.archStartEpoch, pc.partialChannel.K]).toEqual([256, 0.1, 0, 6e-4, 15, 4])
    const fair = getPreset('fair-darts').config
    expect([fair.parametrization, fair.regularization.zeroOne.weight, fair.archBeta1, fair.sigmoid.threshold]).toEqual([
      'sigmoid',
      10,
      0.9,
      0.85,
    ])
    expect(getPreset('sdarts-adv').config.perturbation).toEqual({
      kind: 'adversarial',
      epsilonMin: 0.03,
      epsilonMax: 0.3,
      steps: 7,
    })
    expect(getPreset('darts-minus').config.regularization.auxSkip).toEqual({ beta: 1, decay: 'linear' })
    expect(getPreset('beta-darts').config.regularization.betaDecay.lambdaMax).toBe(25)
    const h = getPreset('hdarts').config
    expect([h.parametrization, h.alternation, h.alphaInit, h.batchSize]).toEqual(['hierarchical', 'epoch', 'randn1e-3', 32])
  })
})

describe('--set overrides', () => {
  it('reaches nested groups with dotted keys and coerces by the current type', () => {
    const c = applyOverrides(quick, [
      'hessian.every=2',
      'selection=pt',
      'space=nb201',
      'regularization.zeroOne.kind=l1',
      'pt.evalBatches=null',
    ])
    expect([c.hessian.every, c.selection, c.space, c.regularization.zeroOne.kind, c.pt.evalBatches]).toEqual([
      2,
      'pt',
      'nb201',
      'l1',
      null,
    ])
    expect(quick.hessian.every).toBe(0) // the preset itself is untouched
  })

  it('refuses unknown keys with a hint, groups, and bad values', () => {
    expect(() => applyOverrides(quick, ['every=2'])).toThrow(/unknown setting 'every' \(did you mean hessian.every\?\)/)
    expect(() => applyOverrides(quick, ['hessian=2'])).toThrow(/'hessian' is a group; set one of its keys \(hessian.every/)
    expect(() => applyOverrides(quick, ['hessian.every=often'])).toThrow(/setting 'hessian.every'/)
    expect(() => applyOverrides(quick, ['nope.x=1'])).toThrow(ConfigError)
  })

  it('lists every leaf key for the help text', () => {
    const keys = settingKeys()
    expect(keys).toContain('regularization.pathGroup.lambdaSkip')
    expect(keys).toContain('hessian.every')
    expect(keys).not.toContain('hessian')
  })
})

describe('composition rules', () => {
  const refuse: [string, string[], RegExp][] = [
    ['path regularizer without gates', ['regularization.pathGroup.lambdaSkip=0.01'], /needs parametrization=hard-concrete/],
    ['zero-one without sigmoid', ['regularization.zeroOne.weight=10'], /needs parametrization=sigmoid/],
    [
      'β-decay on gates',
      ['parametrization=hard-concrete', 'regularization.betaDecay.lambdaMax=25'],
      /undefined for 'hard-concrete'/,
    ],
    ['SDARTS on sigmoid', ['parametrization=sigmoid', 'perturbation.kind=random'], /perturbs softmax\(α\)/],
    ['unrolled with epoch alternation', ['unrolled=true', 'alternation=epoch'], /unrolled/],
    ['hierarchical on NB201', ['space=nb201', 'parametrization=hierarchical'], /not on NAS-Bench-201/],
    ['PT on hierarchical', ['parametrization=hierarchical', 'selection=pt'], /DARTS-PT/],
    ['ES without λ_max', ['hessian.earlyStop=true'], /set hessian.every/],
    ['K not dividing C', ['parametrization=partial-channel', 'partialChannel.K=3'], /must divide C/],
  ]
  it.each(refuse)('refuses %s with the reason', (_name, sets, why) => {
    expect(() => applyOverrides(quick, sets)).toThrow(why)
  })

  it('accepts the combinations the issue names', () => {
    for (const [preset, sets] of [
      ['darts-1st-quick', ['space=nb201']],
      ['darts-1st-quick', ['selection=pt']],
      ['darts-1st-quick', ['hessian.every=1']],
      ['pc-darts-quick', ['regularization.betaDecay.lambdaMax=5', 'perturbation.kind=random']],
      ['fair-darts-quick', ['regularization.auxSkip.beta=1']],
    ] as const)
      expect(incompatibility(applyOverrides(getPreset(preset).config, [...sets]))).toBeNull()
  })
})
