import { describe, expect, it } from 'vitest'
import { argmax, sigmoid, softmax, softmaxRows } from '../../../src/core/metrics/math'

describe('softmax', () => {
  it('normalizes and is shift-invariant', () => {
    const p = softmax([1, 2, 3])
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    softmax([1001, 1002, 1003]).forEach((x, i) => expect(x).toBeCloseTo(p[i]!, 12))
  })

  it('does not overflow on large logits', () => {
    expect(softmax([1000, 0])).toEqual([1, 0])
    expect(softmax([-1000, -1000])).toEqual([0.5, 0.5])
    expect(softmax([])).toEqual([])
  })

  it('works row-wise', () => {
    expect(
      softmaxRows([
        [0, 0],
        [0, 0, 0, 0],
      ]),
    ).toEqual([
      [0.5, 0.5],
      [0.25, 0.25, 0.25, 0.25],
    ])
  })
})

describe('sigmoid', () => {
  it('is stable at both ends', () => {
    expect(sigmoid(0)).toBe(0.5)
    expect(sigmoid(1000)).toBe(1)
    expect(sigmoid(-1000)).toBe(0)
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15)
  })
})

describe('argmax', () => {
  it('keeps the first index on ties and honours the filter', () => {
    expect(argmax([1, 3, 3])).toBe(1)
    expect(argmax([9, 3, 3], (k) => k !== 0)).toBe(1)
    expect(argmax([], () => true)).toBe(-1)
  })
})
