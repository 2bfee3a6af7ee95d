// BatchNorm as one customGrad op: values against a float64 loop, running-stat plumbing, and gradient
// checks (x, γ, β, folded scalar weight) against central finite differences.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import { applyBnUpdate, batchNormEval, batchNormTrain, BN_EPS } from '../../../src/engine/ops/index'
import { arr4, gradCheck, maxAbsDiff, randn, randn4, refBnTrain, useCpu, values } from './helpers'

// Finite differences (helpers.gradCheck, ε = 1e-3): smooth ops agree to ~1e-4; 1e-2 leaves margin.
const GRAD_TOL = 1e-2

beforeAll(useCpu)

describe('batchNormTrain', () => {
  it('normalises with batch statistics and returns the batch mean and biased variance', () => {
    const rng = new Rng(1)
    const x = randn4([2, 3, 3, 4], rng, 2)
    const { y, mean, variance } = batchNormTrain(x, undefined, undefined, true)
    expect(maxAbsDiff(values(y), refBnTrain(arr4(x)).data)).toBeLessThan(1e-5)
    const xs = values(x)
    for (let c = 0; c < 4; c++) {
      const col = xs.filter((_, i) => i % 4 === c)
      const m = col.reduce((a, b) => a + b, 0) / col.length
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length
      expect(values(mean!)[c]).toBeCloseTo(m, 5)
      expect(values(variance!)[c]).toBeCloseTo(v, 5)
    }
    tf.dispose([x, y, mean!, variance!])
  })

  it('applies γ and β per channel, and a scalar γ to all channels', () => {
    const rng = new Rng(2)
    const x = randn4([2, 2, 2, 3], rng)
    const gamma = tf.tensor1d([1, 2, -1])
    const beta = tf.tensor1d([0, 1, 3])
    const plain = values(batchNormTrain(x).y)
    const affine = values(batchNormTrain(x, gamma, beta).y)
    const scaled = values(batchNormTrain(x, tf.scalar(0.25)).y)
    affine.forEach((v, i) => expect(v).toBeCloseTo(plain[i]! * [1, 2, -1][i % 3]! + [0, 1, 3][i % 3]!, 5))
    scaled.forEach((v, i) => expect(v).toBeCloseTo(plain[i]! * 0.25, 6))
  })

  it('keeps no statistics unless asked (no tensors left behind)', () => {
    const x = randn4([2, 2, 2, 3], new Rng(3))
    const before = tf.memory().numTensors
    const r = batchNormTrain(x)
    expect(r.mean).toBeUndefined()
    r.y.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('gradients of x, γ and β match finite differences in train mode', () => {
    const rng = new Rng(4)
    const x = randn4([2, 3, 3, 4], rng)
    const gamma = tf.add(randn([4], rng, 0.5), 1)
    const beta = randn([4], rng)
    const checks = gradCheck((a, g, b) => batchNormTrain(a as tf.Tensor4D, g, b).y, [x, gamma, beta], 41)
    for (const c of checks) expect(c.relError).toBeLessThan(GRAD_TOL)
  })

  it('gradients of x and a folded scalar γ (non-affine BN × mixing weight) match finite differences', () => {
    const rng = new Rng(5)
    const x = randn4([2, 4, 4, 3], rng)
    const w = tf.scalar(0.3)
    const checks = gradCheck((a, s) => batchNormTrain(a as tf.Tensor4D, s).y, [x, w], 51)
    for (const c of checks) expect(c.relError).toBeLessThan(GRAD_TOL)
  })

  it('TF.js trap (REPORT §6.3): tf.batchNorm without scale/offset crashes under the tape; ours does not', () => {
    const x = randn4([2, 2, 2, 3], new Rng(6))
    const stock = () => tf.grad((a: tf.Tensor) => tf.sum(tf.batchNorm(a as tf.Tensor4D, tf.mean(a, [0, 1, 2]), tf.ones([3]))))(x)
    expect(stock).toThrow()
    const R = randn([2, 2, 2, 3], new Rng(60))
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(a as tf.Tensor4D).y, R)))(x)
    expect(values(g).every(Number.isFinite)).toBe(true)
    tf.dispose([g, R])
  })
})

describe('batchNormEval and running statistics', () => {
  it('uses the running statistics and γ/β', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1])
    const y = batchNormEval(x, tf.tensor1d([2]), tf.tensor1d([4 - BN_EPS]), tf.tensor1d([3]), tf.tensor1d([1]))
    // (x − 2)/2·3 + 1
    expect(values(y).map((v) => Number(v.toFixed(5)))).toEqual([-0.5, 1, 2.5, 4])
  })

  it('applyBnUpdate follows PyTorch: momentum 0.1 and the unbiased variance', () => {
    const running = { mean: tf.variable(tf.tensor1d([0, 0])), variance: tf.variable(tf.tensor1d([1, 1])) }
    const update = { name: 'bn', mean: tf.tensor1d([1, 2]), variance: tf.tensor1d([3, 6]), count: 4 }
    applyBnUpdate(running, update)
    expect(values(running.mean)).toEqual([expect.closeTo(0.1, 6), expect.closeTo(0.2, 6)])
    // 0.9·1 + 0.1·(3·4/3) = 1.3 and 0.9 + 0.1·8 = 1.7
    expect(values(running.variance)).toEqual([expect.closeTo(1.3, 6), expect.closeTo(1.7, 6)])
  })
})
