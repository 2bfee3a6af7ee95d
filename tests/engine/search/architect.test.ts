import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import { initBackend } from '../../../src/engine/backends'
import { alphaGrads, type Batch, weightGrads } from '../../../src/engine/search/architect'
import { crossEntropy } from '../../../src/engine/search/loss'
import type { MethodContext, SearchMethod } from '../../../src/engine/methods/types'
import { Adam } from '../../../src/engine/optim/adam'
import { Sgd } from '../../../src/engine/optim/sgd'
import { Architect } from '../../../src/engine/search/architect'
import type { DartsMixing, Supernet } from '../../../src/engine/types'
import { disposeSearch, tinySearch } from './helpers'

type Alphas = { normal: tf.Tensor2D; reduce: tf.Tensor2D }
const CTX: MethodContext = { epoch: 0, epochs: 1, phase: 'arch', rng: new Rng(0) }

/** A method over raw α (mixing = identity) for a supernet that applies the softmax itself. */
function rawMethod(net: Supernet<Alphas>): SearchMethod<Alphas> {
  return {
    net,
    archSpecs: [
      { name: 'alphasNormal', shape: [1, 3], init: 'zeros', group: 0 },
      { name: 'alphasReduce', shape: [1, 3], init: 'zeros', group: 0 },
    ],
    archLrs: [0],
    mixing: (a) => ({ normal: a[0]!, reduce: a[1]! }),
    archRegularizer: () => null,
    derive: () => ({ text: '', format: 'darts', skipsNormal: 0, skipsReduce: 0 }),
    alphaSnapshot: () => ({ ops: [], normal: [], reduce: [] }),
  }
}

/** logits = Σ_k softmax(αN)_k·tanh(x·W_k) + ½ Σ_k softmax(αR)_k·tanh(x·W_k), x flattened to 4 features, 2 classes. */
function toyNet(): Supernet<Alphas> {
  const specs = [0, 1, 2].map((k) => ({ name: `W${k}`, shape: [4, 2], init: 'linear-weight' as const, fanIn: 4 }))
  return {
    config: {
      C: 1,
      numClasses: 2,
      layers: 1,
      steps: 1,
      multiplier: 1,
      stemMultiplier: 1,
      inputChannels: 1,
      inputSize: 2,
      ops: ['a', 'b', 'c'],
    },
    specs,
    bnSpecs: [],
    edges: 1,
    forward: (ws, alphas, x) =>
      tf.tidy(() => {
        const flat = tf.reshape(x, [x.shape[0], 4]) as tf.Tensor2D
        const experts = ws.map((w) => tf.tanh(tf.matMul(flat, w as tf.Tensor2D)))
        const mix = (a: tf.Tensor2D, scale: number) => {
          const p = tf.softmax(a).reshape([3]).unstack()
          return tf.addN(experts.map((e, k) => tf.mul(e, tf.mul(p[k]!, scale))))
        }
        return tf.add(mix(alphas.normal, 1), mix(alphas.reduce, 0.5)) as tf.Tensor2D
      }),
  }
}

beforeAll(async () => {
  await initBackend('wasm')
})

/** A batch from the tiny synthetic data. */
function batch(s: ReturnType<typeof tinySearch>, which: 'train' | 'val'): Batch {
  const b = s.data[which].next()!
  return { x: tf.tensor4d(b.x, [b.size, 8, 8, 1]), y: tf.tensor1d(b.y, 'int32') }
}

/** A random unit direction over both α tensors. */
function direction(shape: number[], seed: number): [tf.Tensor2D, tf.Tensor2D] {
  const rng = new Rng(seed)
  const n = shape[0]! * shape[1]!
  const v = Array.from({ length: 2 * n }, () => rng.normal())
  const norm = Math.hypot(...v)
  return [
    tf.tensor2d(
      v.slice(0, n).map((x) => x / norm),
      shape as [number, number],
    ),
    tf.tensor2d(
      v.slice(n).map((x) => x / norm),
      shape as [number, number],
    ),
  ]
}

const dot = (a: tf.Tensor[], b: tf.Tensor[]): number =>
  tf.tidy(() => tf.addN(a.map((t, i) => tf.sum(tf.mul(t, b[i]!)))).dataSync()[0]!)

/** Central difference of f along v at α (float32: h = 1e-2 on α of order 1e-3; stated tolerance below). */
function directional(f: (a: Alphas) => number, alphas: Alphas, v: [tf.Tensor2D, tf.Tensor2D], h = 1e-2): number {
  const at = (sign: number) =>
    tf.tidy(() =>
      f({ normal: tf.add(alphas.normal, tf.mul(v[0], sign * h)), reduce: tf.add(alphas.reduce, tf.mul(v[1], sign * h)) }),
    )
  return (at(1) - at(-1)) / (2 * h)
}

describe('architect gradients against finite differences', () => {
  it('first order: ∇_α L_val(w, α)', () => {
    const s = tinySearch()
    const val = batch(s, 'val')
    const alphas = { normal: s.state.arch[0]!, reduce: s.state.arch[1]! }
    const v = direction(s.state.arch[0]!.shape, 1)
    const analytic = tf.tidy(() => dot(alphaGrads(s.method, s.state.weights, s.state.arch, val, CTX).grads, v))
    const net = s.net as Supernet<DartsMixing>
    const loss = (a: Alphas) =>
      crossEntropy(
        net.forward(s.state.weights, { normal: tf.softmax(a.normal), reduce: tf.softmax(a.reduce) }, val.x, { training: true }),
        val.y,
      ).dataSync()[0]!
    const numeric = directional(loss, alphas, v)
    // Tolerance: 2 % of the larger magnitude (float32 central differences through BN).
    expect(Math.abs(analytic - numeric)).toBeLessThan(0.02 * Math.max(Math.abs(analytic), Math.abs(numeric)) + 1e-5)
    disposeSearch(s)
  })

  it('second order: the unrolled gradient is d/dα L_val(w − ξ(∇_w L_train + λw + μ·buf), α)', () => {
    // A smooth toy supernet (tanh experts mixed by softmax(α)), so finite differences of the
    // unrolled objective are reliable; the real supernet's ReLU/max-pool kinks make them noisy.
    const net = toyNet()
    const method = rawMethod(net)
    const rng = new Rng(3)
    const weights = net.specs.map((spec) =>
      tf.variable(
        tf.tensor(
          Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * 0.5),
          [...spec.shape],
        ),
      ),
    )
    const alphas = { normal: tf.variable(tf.tensor2d([[0.3, -0.2, 0.1]])), reduce: tf.variable(tf.tensor2d([[-0.1, 0.2, 0.4]])) }
    const data = (seed: number): Batch => {
      const r = new Rng(seed)
      return {
        x: tf.tensor4d(
          Array.from({ length: 6 * 4 }, () => r.normal()),
          [6, 2, 2, 1],
        ),
        y: tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32'),
      }
    }
    const [train, val] = [data(4), data(5)]
    const sgd = new Sgd({ momentum: 0.9, weightDecay: 0.01 })
    sgd.step(
      weights,
      weights.map((w) => tf.onesLike(w)),
      0.1,
    ) // a non-zero momentum buffer
    const arch = [alphas.normal, alphas.reduce] as tf.Variable<tf.Rank.R2>[]
    const state = { weights, arch, bnStats: new Map() }
    const architect = new Architect(method, state, [new Adam({ lr: 0, beta1: 0.5, beta2: 0.999, weightDecay: 0 })], sgd, true)
    const xi = 2
    const v = direction([1, 3], 2)
    const unrolled = architect.unrolledGrads(train, val, xi, CTX)
    const analytic = dot(unrolled.grads, v)
    const objective = (a: Alphas) =>
      tf.tidy(() => {
        const g = weightGrads(method, weights, a, train).grads
        const wPrime = sgd.unrolled(weights, g, xi)
        return crossEntropy(net.forward(wPrime, a, val.x, { training: true }), val.y).dataSync()[0]!
      })
    const numeric = directional(objective, alphas, v, 1e-2)
    const firstOrderAtWPrime = tf.tidy(() => {
      const wPrime = sgd.unrolled(weights, weightGrads(method, weights, alphas, train).grads, xi)
      return dot(alphaGrads(method, wPrime, arch, val, CTX).grads, v)
    })
    // The Hessian term is a visible part of the gradient, so the check is meaningful…
    expect(Math.abs(analytic - firstOrderAtWPrime)).toBeGreaterThan(0.05 * Math.abs(numeric))
    // …and the finite-difference HVP (ε = 0.01/‖∇‖) matches the true derivative to 1 %.
    expect(Math.abs(analytic - numeric)).toBeLessThan(0.01 * Math.abs(numeric) + 1e-6)
    tf.dispose([...unrolled.grads, unrolled.loss, train.x, train.y, val.x, val.y])
  })
})
