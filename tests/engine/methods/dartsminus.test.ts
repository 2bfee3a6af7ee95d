// DARTS- (METHODS.md §3.7): the β_t schedule against DecayScheduler's formulas, the auxiliary skip
// against mixed + β·skip (identity, FactorizedReduce, with partial channels), finite-difference
// gradients, the wrapper's delegation, and the preset (also composed with PC-DARTS and NB201).
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { getPreset, type SearchConfig } from '../../../src/core/config/search'
import { Rng } from '../../../src/core/rng'
import { DARTS_PRIMITIVES } from '../../../src/core/searchSpaces'
import { initBackend } from '../../../src/engine/backends'
import { auxSkipBeta, withAuxSkip } from '../../../src/engine/methods/regularizers/auxSkip'
import { DartsMethod } from '../../../src/engine/methods/parametrizations/darts'
import { buildMethod } from '../../../src/engine/methods/registry'
import type { MethodContext, SearchMethod } from '../../../src/engine/methods/types'
import { contextFromWeights, factorizedReduce, initWeights, ParamScope } from '../../../src/engine/ops/index'
import { MixedOp } from '../../../src/engine/supernet/mixedOp'
import { createSupernet } from '../../../src/engine/supernet/network'
import type { DartsMixing, SupernetConfig } from '../../../src/engine/types'
import { gradCheck, maxAbsDiff, randn, randn4, values } from '../ops/helpers'
import { BACKENDS, type MethodEvent, methodEvent, runTinyEpoch, tinyOf } from './presetRun'

const GRAD_TOL = 2e-2
const ctxAt = (epoch: number, epochs: number, phase: MethodContext['phase'] = 'arch'): MethodContext => ({
  epoch,
  epochs,
  phase,
  rng: new Rng(1),
})

beforeAll(async () => {
  await initBackend('cpu')
})

describe('β_t schedule', () => {
  it("linear: base·(T_max − epoch)/T_max with T_max = epochs (DARTS-'s script: 1.0 … 0.02 over 50 epochs)", () => {
    const s = { beta: 1, decay: 'linear' as const }
    expect(auxSkipBeta(s, 0, 50)).toBe(1)
    expect(auxSkipBeta(s, 49, 50)).toBeCloseTo(0.02, 12)
    expect(auxSkipBeta({ beta: 0.5, decay: 'linear' }, 10, 40)).toBeCloseTo(0.375, 12)
  })

  it('cosine: base·(1 + cos(π·epoch/T_max))/2; none: base', () => {
    expect(auxSkipBeta({ beta: 1, decay: 'cosine' }, 0, 50)).toBe(1)
    expect(auxSkipBeta({ beta: 1, decay: 'cosine' }, 25, 50)).toBeCloseTo(0.5, 12)
    expect(auxSkipBeta({ beta: 2, decay: 'cosine' }, 10, 40)).toBeCloseTo(1 + Math.cos(Math.PI / 4), 12)
    expect(auxSkipBeta({ beta: 0.7, decay: 'none' }, 33, 50)).toBe(0.7)
  })
})

const scopeOf = (m: MixedOp, w: readonly tf.Tensor[]) => new ParamScope(contextFromWeights(m.params, w, { training: true }))

describe('auxiliary skip in the mixed op', () => {
  for (const [s, K] of [
    [1, 1],
    [2, 1],
    [1, 2],
    [2, 2],
  ] as const)
    it(`stride ${s}, K = ${K}: output = mixed op + β·skip (identity / FactorizedReduce(C, C))`, () => {
      const rng = new Rng(10 * s + K)
      const m = new MixedOp(DARTS_PRIMITIVES, 8, s, { auxSkip: true, partialChannels: K })
      const w = initWeights(m.params, rng)
      if (s === 2)
        expect(m.params.filter((p) => p.name.startsWith('aux_skip.')).map((p) => p.name)).toEqual([
          'aux_skip.conv_1',
          'aux_skip.conv_2',
        ])
      else expect(m.params.some((p) => p.name.startsWith('aux_skip.'))).toBe(false)
      const x = randn4([2, 8, 8, 8], rng)
      const mix = tf.unstack(tf.softmax(randn([8], rng))) as tf.Scalar[]
      const scope = scopeOf(m, w)
      const beta = 0.37
      const withSkip = values(m.forward(x, scope, mix, tf.scalar(beta)))
      const mixed = values(m.forward(x, scope, mix))
      const skip = s === 1 ? values(x) : values(factorizedReduce(8, 8, false).apply(x, scope.child('aux_skip'))) // its own weights, unweighted
      expect(
        maxAbsDiff(
          withSkip,
          mixed.map((v, i) => v + beta * skip[i]!),
        ),
      ).toBeLessThan(1e-5)
    })

  it('a mixed op without the skip refuses β', () => {
    const m = new MixedOp(DARTS_PRIMITIVES, 4, 1)
    const scope = scopeOf(m, initWeights(m.params, new Rng(1)))
    expect(() => m.auxSkip(tf.zeros([1, 4, 4, 4]) as tf.Tensor4D, scope, tf.scalar(1))).toThrow(/without an auxiliary skip/)
  })
})

const NET: SupernetConfig = {
  C: 4,
  numClasses: 10,
  layers: 3,
  steps: 2,
  multiplier: 2,
  stemMultiplier: 3,
  inputChannels: 3,
  inputSize: 8,
  ops: DARTS_PRIMITIVES,
}

describe('DARTS- supernet', () => {
  it('gradients of α and of the auxiliary FactorizedReduce weights match finite differences', () => {
    const net = createSupernet({ ...NET, auxSkip: true })
    const rng = new Rng(3)
    const w = initWeights(net.specs, rng)
    const names = net.specs.map((s) => s.name)
    const picked = ['cells.1.edges.0.aux_skip.conv_1', 'cells.2.edges.1.aux_skip.conv_2', 'cells.0.edges.2.sep_conv_3x3.pw1']
    const idx = picked.map((n) => names.indexOf(n))
    expect(idx.every((i) => i >= 0)).toBe(true)
    const aN = randn([5, 8], rng, 0.5)
    const aR = randn([5, 8], rng, 0.5)
    const x = randn4([2, 8, 8, 3], rng)
    const logits = (n: tf.Tensor, r: tf.Tensor, ...sel: tf.Tensor[]) =>
      net.forward(
        w.map((t, i) => (idx.includes(i) ? sel[idx.indexOf(i)]! : t)),
        { normal: tf.softmax(n) as tf.Tensor2D, reduce: tf.softmax(r) as tf.Tensor2D, auxSkip: 0.6 },
        x,
        { training: true },
      )
    const checks = gradCheck(logits as (...xs: tf.Tensor[]) => tf.Tensor, [aN, aR, ...idx.map((i) => w[i]!)], 50, [
      1e-2,
      1e-2,
      ...idx.map(() => 1e-3),
    ])
    checks.forEach((c, i) => expect(c.relError, ['alphasNormal', 'alphasReduce', ...picked][i]).toBeLessThan(GRAD_TOL))
  })

  it('β = 0 (or absent) is the plain supernet; β on a supernet built without the skip is an error', () => {
    const plain = createSupernet(NET)
    const aux = createSupernet({ ...NET, auxSkip: true })
    const rng = new Rng(4)
    const w = initWeights(aux.specs, rng)
    const byName = new Map(aux.specs.map((s, i) => [s.name, w[i]!]))
    const wPlain = plain.specs.map((s) => byName.get(s.name)!)
    const mix: DartsMixing = {
      normal: tf.softmax(randn([5, 8], rng)) as tf.Tensor2D,
      reduce: tf.softmax(randn([5, 8], rng)) as tf.Tensor2D,
    }
    const x = randn4([2, 8, 8, 3], rng)
    const ref = values(plain.forward(wPlain, mix, x, { training: true }))
    expect(values(aux.forward(w, mix, x, { training: true }))).toEqual(ref)
    expect(values(aux.forward(w, { ...mix, auxSkip: 0 }, x, { training: true }))).toEqual(ref)
    expect(maxAbsDiff(values(aux.forward(w, { ...mix, auxSkip: 0.5 }, x, { training: true })), ref)).toBeGreaterThan(1e-3)
    expect(() => plain.forward(wPlain, { ...mix, auxSkip: 0.5 }, x, { training: true })).toThrow(/without auxSkip/)
  })
})

const MINUS: SearchConfig = { ...getPreset('darts-minus-quick').config, C: 4, layers: 3, steps: 2, multiplier: 2, epochs: 10 }

describe('withAuxSkip', () => {
  it('adds β_t of the epoch to the mixing, and auxBeta to the epoch state; everything else is the inner method', () => {
    const method = buildMethod(MINUS, [8, 8, 3], 10) as SearchMethod<DartsMixing>
    expect(method.net.config.auxSkip).toBe(true)
    expect(method.archSpecs.map((s) => s.name)).toEqual(['alphasNormal', 'alphasReduce'])
    const rng = new Rng(5)
    const arch = method.archSpecs.map((s) => randn([...s.shape], rng) as tf.Tensor2D)
    for (const epoch of [0, 3, 9]) {
      const m = method.mixing(arch, ctxAt(epoch, 10))
      expect(m.auxSkip).toBeCloseTo((10 - epoch) / 10, 12)
      expect(values(m.normal)).toEqual(values(tf.softmax(arch[0]!)))
      expect(method.epochState!([], ctxAt(epoch, 10, 'eval')).scalars.auxBeta).toBeCloseTo((10 - epoch) / 10, 12)
    }
    expect(method.weightMixing).toBeUndefined()
    const values3 = arch.map((a) => a.arraySync())
    expect(method.derive(values3)).toEqual(new DartsMethod(method.net, MINUS).derive(values3))
  })

  it('passes β_t through an inner weightMixing (SDARTS) both into its loss and onto its result', () => {
    const net = createSupernet({ ...NET, auxSkip: true })
    const seen: (number | undefined)[] = []
    const inner: SearchMethod<DartsMixing> = Object.assign(new DartsMethod(net, MINUS), {
      weightMixing(arch: readonly tf.Tensor2D[], ctx: MethodContext, loss: (m: DartsMixing) => tf.Scalar): DartsMixing {
        const m = { normal: tf.softmax(arch[0]!), reduce: tf.softmax(arch[1]!) }
        loss(m)
        return m
      },
    })
    const wrapped = withAuxSkip(inner, MINUS)
    const arch = [tf.zeros([5, 8]), tf.zeros([5, 8])] as tf.Tensor2D[]
    const out = wrapped.weightMixing!(arch, ctxAt(5, 10, 'weight'), (m) => {
      seen.push(m.auxSkip)
      return tf.scalar(0)
    })
    expect(seen).toEqual([0.5])
    expect(out.auxSkip).toBe(0.5)
  })

  it('β = 0 leaves the method unwrapped; a supernet without the skip is refused', () => {
    const off = { ...MINUS, regularization: { ...MINUS.regularization, auxSkip: { beta: 0, decay: 'linear' as const } } }
    const darts = new DartsMethod(createSupernet(NET), off)
    expect(withAuxSkip(darts, off)).toBe(darts)
    expect(() => withAuxSkip(darts, MINUS)).toThrow(/auxSkip: true/)
  })
})

describe('preset darts-minus-quick', () => {
  for (const backend of BACKENDS)
    it(`runs an epoch of the tiny search on ${backend} without leaking tensors (auxBeta reported)`, async () => {
      const events = await runTinyEpoch(tinyOf('darts-minus-quick'), backend)
      // One epoch: β_0 = base·(1 − 0)/1.
      expect(methodEvent(events).scalars.auxBeta).toBe(1)
    }, 120_000)

  it('composes with partial channels (PC-DARTS), sigmoid mixing (FairDARTS) and NAS-Bench-201', async () => {
    const pc = getPreset('pc-darts-quick').config
    const minus = tinyOf('darts-minus-quick')
    const fair = tinyOf('fair-darts-quick')
    const cases: [SearchConfig, (e: MethodEvent) => void][] = [
      [
        { ...minus, C: 4, parametrization: 'partial-channel', partialChannel: pc.partialChannel },
        (e) => expect(e.matrices.edgeNormal).toHaveLength(5),
      ],
      [
        { ...fair, regularization: { ...fair.regularization, auxSkip: minus.regularization.auxSkip } },
        (e) => expect(e.scalars).toHaveProperty('zeroOne'),
      ],
      [{ ...minus, space: 'nb201' }, () => {}],
    ]
    for (const [config, check] of cases) {
      const state = methodEvent(await runTinyEpoch(config, 'wasm'))
      expect(state.scalars.auxBeta).toBe(1)
      check(state)
    }
  }, 240_000)
})
