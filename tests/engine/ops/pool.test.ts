// 3×3 pools with PyTorch semantics: border values (avg with count_include_pad=False, max on all-negative
// input), stride-2 window placement, exact gradients at the borders, and the cached count maps.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import { avgPool3x3, avgPoolCountMap, disposeOpConstants, maxPool3x3, opConstantCount } from '../../../src/engine/ops/index'
import { arr4, distinct4, gradCheck, maxAbsDiff, randn4, refPool, useCpu, values } from './helpers'

const GRAD_TOL = 1e-2

beforeAll(useCpu)

const grid4 = tf.tensor4d(
  Array.from({ length: 16 }, (_, i) => i + 1),
  [1, 4, 4, 1],
)

describe('avg_pool_3x3 (count_include_pad=False)', () => {
  it('averages only the real pixels at borders and corners', () => {
    const y = values(avgPool3x3(grid4, 1))
    // corner (0,0): mean of 1,2,5,6; edge (0,1): mean of 1,2,3,5,6,7; centre (1,1): mean of 1..3,5..7,9..11
    expect(y[0]).toBeCloseTo(3.5, 5)
    expect(y[1]).toBeCloseTo(4, 5)
    expect(y[5]).toBeCloseTo(6, 5)
    expect(maxAbsDiff(y, refPool(arr4(grid4), 'avg', 1).data)).toBeLessThan(1e-5)
  })

  it('stride 2 samples windows centred on even pixels (PyTorch grid, not TF same), odd and even sizes', () => {
    for (const H of [4, 5, 8]) {
      const x = randn4([2, H, H, 3], new Rng(H))
      const y = avgPool3x3(x, 2)
      expect(y.shape).toEqual([2, Math.floor((H - 1) / 2) + 1, Math.floor((H - 1) / 2) + 1, 3])
      expect(maxAbsDiff(values(y), refPool(arr4(x), 'avg', 2).data)).toBeLessThan(1e-5)
    }
  })

  it('folds a scalar weight into the count map', () => {
    const y = values(avgPool3x3(grid4, 2, tf.scalar(0.5)))
    expect(
      maxAbsDiff(
        y,
        refPool(arr4(grid4), 'avg', 2).data.map((v) => v / 2),
      ),
    ).toBeLessThan(1e-5)
  })

  it('TF.js trap (REPORT §6.4): border gradients are exact (stock AvgPoolGrad divides by 9 everywhere)', () => {
    // d Σ avg / d x_ij = Σ over windows containing ij of 1/count(window); corner pixel (0,0) of a 4×4 map:
    // windows at (0,0) [4 pixels], (0,1) and (1,0) [6 each], (1,1) [9] → 1/4 + 2/6 + 1/9.
    const g = values(tf.grad((x: tf.Tensor) => tf.sum(avgPool3x3(x as tf.Tensor4D, 1)))(grid4))
    expect(g[0]).toBeCloseTo(1 / 4 + 2 / 6 + 1 / 9, 5)
    const stock = values(tf.grad((x: tf.Tensor) => tf.sum(tf.avgPool(x as tf.Tensor4D, 3, 1, 1)))(grid4))
    expect(Math.abs(stock[0]! - g[0]!)).toBeGreaterThan(0.1) // canary: the stock gradient is still wrong
  })

  it('gradients match finite differences at stride 1 and 2', () => {
    for (const s of [1, 2]) {
      const x = randn4([2, 5, 5, 2], new Rng(10 + s))
      // Linear: ε = 1e-2 has no truncation error.
      const [c] = gradCheck((a) => avgPool3x3(a as tf.Tensor4D, s), [x], 30 + s, 1e-2)
      expect(c!.relError).toBeLessThan(GRAD_TOL)
    }
  })
})

describe('max_pool_3x3', () => {
  it('ignores the padding on all-negative input (the pad acts as −∞)', () => {
    const x = tf.neg(grid4) as tf.Tensor4D
    const y = values(maxPool3x3(x, 1))
    expect(y[0]).toBe(-1)
    expect(y[15]).toBe(-11)
    expect(maxAbsDiff(y, refPool(arr4(x), 'max', 1).data)).toBe(0)
    expect(maxAbsDiff(values(maxPool3x3(x, 2)), refPool(arr4(x), 'max', 2).data)).toBe(0)
  })

  it('routes the gradient to the window maximum on all-negative input, borders included', () => {
    const x = tf.neg(grid4) as tf.Tensor4D
    // Every window's max is its top-left real pixel; pixel (0,0) = −1 wins windows (0,0),(0,1),(1,0),(1,1).
    const g = values(tf.grad((a: tf.Tensor) => tf.sum(maxPool3x3(a as tf.Tensor4D, 1)))(x))
    expect(g).toEqual([4, 2, 2, 0, 2, 1, 1, 0, 2, 1, 1, 0, 0, 0, 0, 0])
  })

  it('matches the reference for odd/even sizes at stride 2 and finite differences at stride 1 and 2', () => {
    for (const s of [1, 2]) {
      for (const H of [5, 6]) {
        const x = distinct4([2, H, H, 2], new Rng(H * 10 + s), -3)
        expect(maxAbsDiff(values(maxPool3x3(x, s)), refPool(arr4(x), 'max', s).data)).toBeLessThan(1e-6)
        // Piecewise linear: a larger ε (0.05) only shrinks float32 round-off, and ε·v stays well below the
        // 0.1 spacing of distinct4, so no window changes its argmax.
        const [c] = gradCheck((a) => maxPool3x3(a as tf.Tensor4D, s), [x], 50 + s, 0.05)
        expect(c!.relError).toBeLessThan(GRAD_TOL)
      }
    }
  })
})

describe('cached count maps', () => {
  it('are created once per shape, survive tidy and are freed by disposeOpConstants', () => {
    disposeOpConstants()
    const before = tf.memory().numTensors
    tf.tidy(() => {
      avgPool3x3(tf.zeros([1, 6, 6, 1]), 2)
      avgPool3x3(tf.zeros([2, 6, 6, 3]), 2)
    })
    expect(opConstantCount()).toBe(1)
    expect(tf.memory().numTensors).toBe(before + 1)
    expect(values(avgPoolCountMap(6, 6, 2))).toEqual([9 / 4, 9 / 6, 9 / 6, 9 / 6, 9 / 9, 9 / 9, 9 / 6, 9 / 9, 9 / 9])
    disposeOpConstants()
    expect(tf.memory().numTensors).toBe(before)
  })
})
