import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeMatrix, decodeNumber, encodeMatrix, encodeNumber, flattenParams } from '../../src/main/store/codec'

describe('codec', () => {
  it('numbers: NaN and ±Infinity flagged, everything else as is (MLflow style)', () => {
    expect(encodeNumber(NaN)).toEqual({ value: 0, isNan: 1, isInf: 0 })
    expect(encodeNumber(Infinity)).toEqual({ value: Number.MAX_VALUE, isNan: 0, isInf: 1 })
    expect(encodeNumber(-Infinity)).toEqual({ value: -Number.MAX_VALUE, isNan: 0, isInf: -1 })
    expect(encodeNumber(null).isNan).toBe(1) // JSON's NaN
    expect(encodeNumber('-Infinity').isInf).toBe(-1)
    fc.assert(
      fc.property(fc.double(), (x) => {
        const n = encodeNumber(x)
        expect(Number.isFinite(n.value)).toBe(true)
        expect(Object.is(decodeNumber(n.value, n.isNan, n.isInf), x) || (x === 0 && n.value === 0)).toBe(true)
      }),
    )
  })

  it('matrices: float32 blobs when lossless, float64 otherwise, ragged rows kept', () => {
    const f32 = [[Math.fround(0.1), NaN, Infinity, -Infinity]]
    expect(encodeMatrix(f32).blob.length).toBe(16)
    expect(decodeMatrix(encodeMatrix(f32).shape, encodeMatrix(f32).blob)).toEqual(f32)
    const f64 = [[0.1, 0.2], [0.3]]
    const e = encodeMatrix(f64)
    expect(e.blob.length).toBe(24)
    expect(decodeMatrix(e.shape, e.blob)).toEqual(f64)
    expect(decodeMatrix(encodeMatrix([]).shape, encodeMatrix([]).blob)).toEqual([])
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(fc.double(), fc.float().map(Math.fround)), { maxLength: 9 }), { maxLength: 6 }),
        (m) => {
          const { shape, blob } = encodeMatrix(m)
          expect(decodeMatrix(shape, blob)).toEqual(m)
        },
      ),
    )
  })

  it('params: nested objects flattened with dots, scalars as text, arrays as JSON', () => {
    expect(flattenParams({ a: { b: 1, c: { d: 'x' } }, e: [1, 2], f: null, g: true, h: undefined })).toEqual({
      'a.b': '1',
      'a.c.d': 'x',
      e: '[1,2]',
      f: 'null',
      g: 'true',
    })
  })
})
