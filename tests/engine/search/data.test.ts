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
  it('zero-pads to a multiple of the target first when the size does not divide (28 → 32 → 16)', () => {
    const set = makeSet('search-train', new Uint8Array(28 * 28).fill(200), Int32Array.of(0), {
      height: 28,
      width: 28,
      channels: 1,
    })
    const small = downsample(set, 16)
    expect(small.shape).toEqual({ height: 16, width: 16, channels: 1 })
    // 2 pixels of padding a side and 2×2 blocks: the outer ring of blocks is padding, the rest real.
    expect(small.images[0]).toBe(0)
    expect(small.images[16]).toBe(0)
    expect(small.images[17]).toBe(200)
    expect(small.images[14 * 16 + 14]).toBe(200)
    expect(small.images[15 * 16 + 15]).toBe(0)
  })
  it('refuses upsampling and non-square images', () => {
    const set = makeSet('search-train', new Uint8Array(28 * 28), Int32Array.of(0), { height: 28, width: 28, channels: 1 })
    expect(() => downsample(set, 32)).toThrow(DatasetError)
    const rect = makeSet('search-train', new Uint8Array(4 * 8), Int32Array.of(0), { height: 4, width: 8, channels: 1 })
    expect(() => downsample(rect, 2)).toThrow(DatasetError)
  })
})
