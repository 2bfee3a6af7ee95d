import { describe, expect, it } from 'vitest'
import { DatasetError, makeSet } from '../../../src/engine/data/types'
import { downsample } from '../../../src/engine/search/data'

describe('downsample', () => {
  it('averages f×f blocks per channel', () => {
    // one 4×4×1 image: rows 0..3 of values r*4+c
    const img = Uint8Array.from({ length: 16 }, (_, k) => k * 10)
    const small = downsample(makeSet('search-train', img, Int32Array.of(3), { height: 4, width: 4, channels: 1 }), 2)
    expect(small.shape).toEqual({ height: 2, width: 2, channels: 1 })
    expect(Array.from(small.images)).toEqual([25, 45, 105, 125])
    expect(Array.from(small.labels)).toEqual([3])
  })
  it('refuses a size that is not an integer divisor', () => {
    const set = makeSet('search-train', new Uint8Array(28 * 28), Int32Array.of(0), { height: 28, width: 28, channels: 1 })
    expect(() => downsample(set, 10)).toThrow(DatasetError)
  })
})
