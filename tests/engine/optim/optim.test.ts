import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { Adam } from '../../../src/engine/optim/adam'
import { clipByGlobalNorm } from '../../../src/engine/optim/clip'
import { cosineLr } from '../../../src/engine/optim/schedule'
import { Sgd } from '../../../src/engine/optim/sgd'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const values = (t: tf.Tensor) => Array.from(t.dataSync())

describe('Sgd (PyTorch semantics)', () => {
  it('adds coupled weight decay before momentum; the first step initialises the buffer with d', () => {
    const w = tf.variable(tf.tensor1d([1, -2]))
    const g = tf.tensor1d([0.5, 0.25])
    const opt = new Sgd({ momentum: 0.9, weightDecay: 0.1 })
    // step 1: d = g + 0.1w = [0.6, 0.05]; buf = d; w = w − 0.1·buf
    opt.step([w], [g], 0.1)
    let [a, b] = [1 - 0.1 * 0.6, -2 - 0.1 * 0.05]
    expect(values(w)[0]).toBeCloseTo(a, 6)
    expect(values(w)[1]).toBeCloseTo(b, 6)
    // step 2: d = g + 0.1w; buf = 0.9·buf + d
    const bufA = 0.9 * 0.6 + (0.5 + 0.1 * a)
    const bufB = 0.9 * 0.05 + (0.25 + 0.1 * b)
    opt.step([w], [g], 0.1)
    ;[a, b] = [a - 0.1 * bufA, b - 0.1 * bufB]
    expect(values(w)[0]).toBeCloseTo(a, 6)
    expect(values(w)[1]).toBeCloseTo(b, 6)
    opt.dispose()
  })

  it('computes the unrolled weights w − ξ(μ·buf + ∇ + λw) without changing state', () => {
    const w = tf.variable(tf.tensor1d([1]))
    const opt = new Sgd({ momentum: 0.9, weightDecay: 3e-4 })
    opt.step([w], [tf.tensor1d([2])], 0.025) // buf = 2 + 3e-4
    const before = values(w)[0]!
    const [unrolled] = opt.unrolled([w], [tf.tensor1d([1])], 0.025)
    const expected = before - 0.025 * (0.9 * (2 + 3e-4) + 1 + 3e-4 * before)
    expect(values(unrolled!)[0]).toBeCloseTo(expected, 6)
    expect(values(w)[0]).toBe(before)
    expect(values(opt.momentumBuffers![0]!)[0]).toBeCloseTo(2 + 3e-4, 6)
  })

  it('does not leak tensors across steps', () => {
    const w = tf.variable(tf.randomNormal([3, 3]))
    const opt = new Sgd({ momentum: 0.9, weightDecay: 3e-4 })
    const g = tf.ones([3, 3])
    opt.step([w], [g], 0.1)
    const n = tf.memory().numTensors
    for (let i = 0; i < 3; i++) opt.step([w], [g], 0.1)
    expect(tf.memory().numTensors).toBe(n)
  })
})

describe('Adam (coupled weight decay, PyTorch semantics)', () => {
  it('matches a float64 reference over three steps', () => {
    const opts = { lr: 3e-4, beta1: 0.5, beta2: 0.999, weightDecay: 1e-3 }
    const w = tf.variable(tf.tensor1d([0.3]))
    const adam = new Adam(opts)
    let [p, m, v] = [0.3, 0, 0]
    const gs = [0.2, -0.1, 0.4]
    gs.forEach((g0, k) => {
      adam.step([w], [tf.tensor1d([g0])])
      const g = g0 + opts.weightDecay * p
      m = opts.beta1 * m + (1 - opts.beta1) * g
      v = opts.beta2 * v + (1 - opts.beta2) * g * g
      const t = k + 1
      p -= ((opts.lr / (1 - opts.beta1 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - opts.beta2 ** t) + 1e-8)
      expect(values(w)[0]).toBeCloseTo(p, 7)
    })
    adam.dispose()
  })
})

describe('cosine schedule', () => {
  const s = { lr: 0.025, lrMin: 0.001, epochs: 50 }
  it("follows DARTS's step-at-epoch-start convention (epoch 0 runs at t = 1)", () => {
    expect(cosineLr({ ...s, convention: 'darts' }, 0)).toBeCloseTo(0.001 + (0.024 * (1 + Math.cos(Math.PI / 50))) / 2, 12)
    expect(cosineLr({ ...s, convention: 'darts' }, 49)).toBeCloseTo(0.001, 12)
  })
  it('starts at η0 with the PyTorch convention and never goes below the floor', () => {
    expect(cosineLr({ ...s, convention: 'pytorch' }, 0)).toBe(0.025)
    for (let e = 0; e < 50; e++) expect(cosineLr({ ...s, convention: 'pytorch' }, e)).toBeGreaterThanOrEqual(0.001)
  })
})

describe('global gradient-norm clipping', () => {
  it('scales all gradients by max/(norm + 1e-6) only when the norm exceeds max', () => {
    const gs = [tf.tensor1d([3]), tf.tensor1d([4])] // norm 5
    const clipped = clipByGlobalNorm(gs, 1)
    expect(clipped.norm).toBeCloseTo(5, 5)
    expect(values(clipped.grads[0]!)[0]).toBeCloseTo(3 / (5 + 1e-6), 5)
    expect(values(clipped.grads[1]!)[0]).toBeCloseTo(4 / (5 + 1e-6), 5)
    const untouched = clipByGlobalNorm(gs, 10)
    expect(values(untouched.grads[1]!)[0]).toBe(4)
  })
})
