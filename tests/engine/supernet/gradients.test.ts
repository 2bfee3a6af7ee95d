// The mixed op (forward against an unfused Σ softmax(α)·op(x), gradients of x, α and weights), the
// α and weight gradients of the supernet loss against finite differences, and a tensor-leak check.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import { DARTS_PRIMITIVES } from '../../../src/core/searchSpaces'
import { contextFromWeights, createOp, initWeights, ParamScope } from '../../../src/engine/ops/index'
import { createSupernet, initAlphas, MixedOp, softmaxMixing } from '../../../src/engine/supernet/index'
import type { BnUpdate, Supernet, SupernetConfig } from '../../../src/engine/types'
import { gradCheck, maxAbsDiff, randn, randn4, useCpu, values } from '../ops/helpers'

// Relative error of a directional derivative, ε = 1e-3 (tests/engine/ops/helpers.ts gradCheck).
const GRAD_TOL = 2e-2

const TINY: SupernetConfig = {
  C: 4,
  numClasses: 10,
  layers: 3,
  steps: 4,
  multiplier: 4,
  stemMultiplier: 3,
  inputChannels: 3,
  inputSize: 8,
  ops: DARTS_PRIMITIVES,
}

beforeAll(useCpu)

const mixedScope = (m: MixedOp, w: readonly tf.Tensor[]) => new ParamScope(contextFromWeights(m.params, w, { training: true }))
const mixedOut = (m: MixedOp, x: tf.Tensor4D, w: readonly tf.Tensor[], alphaRow: tf.Tensor) =>
  tf.addN(m.apply(x, mixedScope(m, w), tf.unstack(tf.softmax(alphaRow)) as tf.Scalar[]))

describe('MixedOp', () => {
  for (const s of [1, 2])
    it(`stride ${s}: equals Σ_o softmax(α)_o·o(x) computed op by op, none skipped`, () => {
      const rng = new Rng(s)
      const m = new MixedOp(DARTS_PRIMITIVES, 4, s)
      const w = initWeights(m.params, rng)
      const x = randn4([2, 8, 8, 4], rng)
      const alpha = randn([8], rng)
      const sm = values(tf.softmax(alpha))
      const scope = mixedScope(m, w)
      const terms = m.apply(x, scope, tf.unstack(tf.softmax(alpha)) as tf.Scalar[])
      expect(terms).toHaveLength(7) // none is not evaluated
      const fused = values(tf.addN(terms))
      const unfused = DARTS_PRIMITIVES.map((name, k) => {
        const op = createOp(name, 4, s, false)
        return tf.mul(op.apply(x, scope.child(name)), sm[k]!)
      })
      expect(maxAbsDiff(fused, values(tf.addN(unfused)))).toBeLessThan(1e-5)
      expect(new MixedOp(['none'], 4, s).apply(x, scope, [tf.scalar(1)])).toEqual([])
    })

  for (const s of [1, 2])
    it(`stride ${s}: gradients of x, the α row and every weight match finite differences`, () => {
      const rng = new Rng(10 + s)
      const m = new MixedOp(DARTS_PRIMITIVES, 4, s)
      const w = initWeights(m.params, rng)
      const x = randn4([2, 8, 8, 4], rng)
      const alpha = randn([8], rng)
      const checks = gradCheck((xi, a, ...ws) => mixedOut(m, xi as tf.Tensor4D, ws, a!), [x, alpha, ...w], 20 + s)
      checks.forEach((c, i) => expect(c.relError, `input ${i}`).toBeLessThan(GRAD_TOL))
    })
})

function setup(net: Supernet, seed: number) {
  const rng = new Rng(seed)
  const w = initWeights(net.specs, rng)
  // α of N(0, 0.5²) rather than DARTS's 1e-3·randn, so that the softmax is far from uniform.
  const aN = randn([net.edges, 8], rng, 0.5) as tf.Tensor2D
  const aR = randn([net.edges, 8], rng, 0.5) as tf.Tensor2D
  const x = randn4([2, 8, 8, 3], rng)
  const labels = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10)
  const loss = (normal: tf.Tensor, reduce: tf.Tensor, weights: readonly tf.Tensor[], updates?: BnUpdate[]) =>
    tf.losses.softmaxCrossEntropy(
      labels,
      net.forward(weights, softmaxMixing({ normal: normal as tf.Tensor2D, reduce: reduce as tf.Tensor2D }), x, {
        training: true,
        ...(updates ? { bnUpdates: updates } : {}),
      }),
    ) as tf.Scalar
  return { w, aN, aR, x, labels, loss }
}

describe('supernet gradients', () => {
  it('α (normal and reduce) and weight gradients of the train-mode loss match finite differences', () => {
    const net = createSupernet(TINY)
    const { w, aN, aR, loss } = setup(net, 1)
    const names = net.specs.map((s) => s.name)
    // The stem, a stride-2 dilated conv in a reduction cell and the FactorizedReduce after it.
    const picked = ['stem.conv', 'cells.1.edges.0.dil_conv_5x5.dw', 'cells.2.preprocess0.conv_2']
    const idx = picked.map((n) => names.indexOf(n))
    expect(idx.every((i) => i >= 0)).toBe(true)
    const fy = (n: tf.Tensor, r: tf.Tensor, ...sel: tf.Tensor[]) =>
      loss(
        n,
        r,
        w.map((t, i) => (idx.includes(i) ? sel[idx.indexOf(i)]! : t)),
      )
    // α moves the loss by ~1e-3 per unit step, so ε = 1e-3 would leave float32 round-off of the loss (~2.3)
    // at a few % of the quotient; α enters smoothly through the softmax and tolerates ε = 1e-2. The
    // weights keep 1e-3 (ReLU kinks behind the BNs).
    const eps = [1e-2, 1e-2, ...idx.map(() => 1e-3)]
    const checks = gradCheck(fy as (...xs: tf.Tensor[]) => tf.Tensor, [aN, aR, ...idx.map((i) => w[i]!)], 30, eps)
    checks.forEach((c, i) => expect(c.relError, ['alphasNormal', 'alphasReduce', ...picked][i]).toBeLessThan(GRAD_TOL))
    tf.dispose([...w, aN, aR])
  })

  it('α gradient coordinate by coordinate: the two largest entries of each α matrix', () => {
    const net = createSupernet(TINY)
    const { w, aN, aR, loss } = setup(net, 3)
    const [gN, gR] = tf.grads((n: tf.Tensor, r: tf.Tensor) => loss(n, r, w))([aN, aR])
    const eps = 1e-2
    for (const [which, g] of [
      ['normal', gN!],
      ['reduce', gR!],
    ] as const) {
      const gv = values(g)
      const top = gv.map((v, k) => [Math.abs(v), k] as const).sort((p, q) => q[0] - p[0])
      for (const [, k] of top.slice(0, 2)) {
        const at = (sign: number) =>
          tf
            .tidy(() => {
              const e = tf.reshape(tf.oneHot(tf.tensor1d([k], 'int32'), gv.length), [net.edges, 8])
              const shifted = tf.add(which === 'normal' ? aN : aR, tf.mul(e, sign * eps))
              return which === 'normal' ? loss(shifted, aR, w) : loss(aN, shifted, w)
            })
            .dataSync()[0]!
        const numeric = (at(1) - at(-1)) / (2 * eps)
        expect(Math.abs(numeric - gv[k]!) / Math.abs(gv[k]!), `${which}[${k}]`).toBeLessThan(GRAD_TOL)
      }
    }
    tf.dispose([...w, aN, aR, gN!, gR!])
  })

  it('no tensor leak: numTensors is unchanged after three tidy-wrapped forward+grads steps', () => {
    const net = createSupernet({ ...TINY, steps: 2, multiplier: 2 })
    const { w, aN, aR, x, labels, loss } = setup(net, 2)
    const step = () => {
      const updates: BnUpdate[] = []
      tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) => loss(ts[0]!, ts[1]!, ts.slice(2), updates))([
          aN,
          aR,
          ...w,
        ])
        expect(grads).toHaveLength(w.length + 2)
        expect(Number.isFinite(value.dataSync()[0]!)).toBe(true)
        // 'none' is never evaluated, yet its α column gets a gradient through the softmax normalisation.
        expect(values(tf.slice(grads[0]!, [0, 0], [net.edges, 1])).some((v) => v !== 0)).toBe(true)
      })
      expect(updates).toHaveLength(net.bnSpecs.length)
      tf.dispose(updates.flatMap((u) => [u.mean, u.variance]))
    }
    step() // warm-up: creates the cached avg-pool count maps
    const before = tf.memory().numTensors
    for (let i = 0; i < 3; i++) step()
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([...w, aN, aR, x, labels])
  })

  it('initAlphas feeds forward directly (zeros give a uniform mix)', () => {
    const net = createSupernet({ ...TINY, steps: 2, multiplier: 2 })
    const rng = new Rng(4)
    const w = initWeights(net.specs, rng)
    const zeros = initAlphas(net.edges, 8, rng, 'zeros')
    const y = net.forward(w, { normal: zeros, reduce: zeros }, randn4([2, 8, 8, 3], rng), { training: true })
    expect(values(y).every(Number.isFinite)).toBe(true)
    tf.dispose([...w, zeros, y])
  })
})
