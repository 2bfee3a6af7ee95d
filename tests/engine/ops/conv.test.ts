// Convolutions with PyTorch semantics: explicit padding, the dilated depthwise conv (forward against a
// plain loop, exact custom gradient), stride 2 + dilation 2 via subsampling, and the stridedSlice-free
// subsample. Each TF.js trap of REPORT §6 has a canary showing the stock path is still broken.
import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import {
  conv2d,
  depthwise,
  dilatedDepthwise,
  dilatedDepthwiseValid,
  exactDilatedDepthwiseGrad,
  pointwise,
  setDilatedDepthwiseGrad,
  subsample2,
} from '../../../src/engine/ops/index'
import { arr4, gradCheck, maxAbsDiff, randn4, refConv, refSubsample, useCpu, values } from './helpers'

const GRAD_TOL = 1e-2
const FWD_TOL = 1e-4

beforeAll(useCpu)
afterEach(() => setDilatedDepthwiseGrad('cpu', undefined))

describe('conv2d / pointwise / depthwise', () => {
  it('stride-2 conv pads like PyTorch (1 on every side), unlike TF same', () => {
    const rng = new Rng(1)
    const x = randn4([1, 6, 6, 2], rng)
    const W = randn4([3, 3, 2, 3], rng)
    const y = conv2d(x, W, 2, 1)
    expect(maxAbsDiff(values(y), refConv(arr4(x), arr4(W), { stride: [2, 2], pad: [1, 1] }).data)).toBeLessThan(FWD_TOL)
    expect(maxAbsDiff(values(y), values(tf.conv2d(x, W, 2, 'same')))).toBeGreaterThan(0.1)
  })

  it('pointwise equals a 1×1 conv; depthwise matches the loop at stride 1 and 2', () => {
    const rng = new Rng(2)
    const x = randn4([2, 5, 5, 4], rng)
    const W1 = randn4([1, 1, 4, 6], rng)
    expect(maxAbsDiff(values(pointwise(x, W1)), refConv(arr4(x), arr4(W1)).data)).toBeLessThan(FWD_TOL)
    const Wd = randn4([3, 3, 4, 1], rng)
    for (const s of [1, 2]) {
      const ref = refConv(arr4(x), arr4(Wd), { stride: [s, s], pad: [1, 1], depthwise: true })
      expect(maxAbsDiff(values(depthwise(x, Wd, s, 1)), ref.data)).toBeLessThan(FWD_TOL)
    }
  })
})

describe('dilated depthwise conv (dilation 2, pad k−1)', () => {
  const cases = [
    { k: 3, H: 8 },
    { k: 3, H: 7 },
    { k: 5, H: 8 },
    { k: 5, H: 9 },
  ]

  it('matches a direct loop at stride 1 and stride 2, odd and even sizes', () => {
    for (const { k, H } of cases) {
      const rng = new Rng(k * 100 + H)
      const x = randn4([2, H, H, 3], rng)
      const W = randn4([k, k, 3, 1], rng)
      for (const s of [1, 2]) {
        const y = dilatedDepthwise(x, W, s, k - 1, 2)
        const ref = refConv(arr4(x), arr4(W), { stride: [s, s], pad: [k - 1, k - 1], dilation: [2, 2], depthwise: true })
        expect(y.shape).toEqual(ref.shape)
        expect(maxAbsDiff(values(y), ref.data)).toBeLessThan(FWD_TOL)
      }
    }
  })

  it('stride 2 equals the stride-1 dilated conv subsampled at even pixels', () => {
    const rng = new Rng(3)
    const x = randn4([2, 7, 7, 3], rng)
    const W = randn4([5, 5, 3, 1], rng)
    const full = arr4(dilatedDepthwise(x, W, 1, 4, 2))
    expect(maxAbsDiff(values(dilatedDepthwise(x, W, 2, 4, 2)), refSubsample(full, 2).data)).toBeLessThan(FWD_TOL)
  })

  it('TF.js trap (REPORT §6.1): stock stride 2 + dilation 2 is rejected; ours runs', () => {
    const x = randn4([1, 8, 8, 2], new Rng(4))
    const W = randn4([3, 3, 2, 1], new Rng(5))
    expect(() => tf.depthwiseConv2d(x, W, 2, 'valid', 'NHWC', 2)).toThrow()
    expect(dilatedDepthwise(x, W, 2, 2, 2).shape).toEqual([1, 4, 4, 2])
  })

  it('TF.js trap (REPORT §6.1): stock dilated gradient throws; ours matches finite differences (x and W, stride 1 and 2)', () => {
    const x0 = randn4([1, 6, 6, 2], new Rng(6))
    const W0 = randn4([3, 3, 2, 1], new Rng(7))
    expect(() => tf.grad((a: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, W0, 1, 'valid', 'NHWC', 2)))(x0)).toThrow(
      /dilation/,
    )
    for (const { k, H } of cases) {
      for (const s of [1, 2]) {
        const rng = new Rng(k * 10 + H + s)
        const x = randn4([2, H, H, 3], rng)
        const W = randn4([k, k, 3, 1], rng)
        // Bilinear in (x, W): ε = 1e-2 has no truncation error and less round-off.
        const checks = gradCheck((a, w) => dilatedDepthwise(a as tf.Tensor4D, w as tf.Tensor4D, s, k - 1, 2), [x, W], 11, 1e-2)
        for (const c of checks) expect(c.relError).toBeLessThan(GRAD_TOL)
      }
    }
  })

  it('the exact backward is exact, where the cpu backprop kernels silently ignore dilations', () => {
    const rng = new Rng(12)
    const xp = randn4([2, 9, 9, 3], rng)
    const W = randn4([3, 3, 3, 1], rng)
    const dy = randn4([2, 5, 5, 3], rng)
    const [dx, dW] = exactDilatedDepthwiseGrad(dy, xp, W, 2)
    // Reference dW[a,b,c] = Σ dy[n,i,j,c]·xp[n,i+2a,j+2b,c], dx by scattering dy through the taps.
    const [X, D, K] = [arr4(xp), arr4(dy), arr4(W)]
    const refDW = new Float64Array(27)
    const refDx = new Float64Array(X.data.length)
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 5; j++)
          for (let c = 0; c < 3; c++)
            for (let a = 0; a < 3; a++)
              for (let b = 0; b < 3; b++) {
                const xi = ((n * 9 + i + 2 * a) * 9 + j + 2 * b) * 3 + c
                const g = D.data[((n * 5 + i) * 5 + j) * 3 + c]!
                refDW[(a * 3 + b) * 3 + c]! += g * X.data[xi]!
                refDx[xi]! += g * K.data[(a * 3 + b) * 3 + c]!
              }
    expect(maxAbsDiff(values(dW), refDW)).toBeLessThan(FWD_TOL)
    expect(maxAbsDiff(values(dx), refDx)).toBeLessThan(FWD_TOL)
    const attrs = { strides: 1, pad: 'valid', dilations: 2 } as unknown as tf.NamedAttrMap
    const stockDW = tf
      .engine()
      .runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xp, dy }, { ...attrs, filterShape: [3, 3, 3, 1] })
    expect(maxAbsDiff(values(stockDW as tf.Tensor), refDW)).toBeGreaterThan(0.1) // canary
  })

  it('uses a registered backward override for the active backend', () => {
    let calls = 0
    setDilatedDepthwiseGrad('cpu', (dy, xp, W, d) => {
      calls++
      return exactDilatedDepthwiseGrad(dy, xp, W, d)
    })
    const W = randn4([3, 3, 2, 1], new Rng(13))
    tf.grad((a: tf.Tensor) => tf.sum(dilatedDepthwiseValid(a as tf.Tensor4D, W, 2)))(randn4([1, 7, 7, 2], new Rng(14)))
    expect(calls).toBe(1)
  })
})

describe('subsample2 (x[:, p::2, q::2] without stridedSlice)', () => {
  it('picks the right phases for even and odd sizes, and its gradient is the phase mask', () => {
    const x = tf.tensor4d(
      Array.from({ length: 2 * 5 * 5 * 2 }, (_, i) => i),
      [2, 5, 5, 2],
    )
    expect(maxAbsDiff(values(subsample2(x)), refSubsample(arr4(x), 2).data)).toBe(0)
    expect(subsample2(x).shape).toEqual([2, 3, 3, 2])
    const x6 = tf.slice(x, [0, 0, 0, 0], [2, 4, 4, 2]) as tf.Tensor4D
    expect(maxAbsDiff(values(subsample2(x6, 1, 1)), refSubsample(arr4(x6), 2, 1, 1).data)).toBe(0)
    const g = values(tf.grad((a: tf.Tensor) => tf.sum(subsample2(a as tf.Tensor4D, 1, 0)))(x6))
    g.forEach((v, i) => {
      const [h, w] = [Math.floor(i / 8) % 4, Math.floor(i / 2) % 4]
      expect(v).toBe(h % 2 === 1 && w % 2 === 0 ? 1 : 0)
    })
  })

  it('TF.js trap (REPORT §6.2): tf.stridedSlice has no gradient', () => {
    const x = tf.zeros([1, 4, 4, 1])
    expect(() => tf.grad((a: tf.Tensor) => tf.sum(tf.stridedSlice(a, [0, 0, 0, 0], [1, 4, 4, 1], [1, 2, 2, 1])))(x)).toThrow()
  })
})
