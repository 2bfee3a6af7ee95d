import { describe, expect, it } from 'vitest'
import { DatasetError, evalSplit, type LoadedDataset, makeSet, searchSplit, type TrainSet } from '../../../src/engine/data/index'

const shape = { height: 2, width: 2, channels: 1 }
function set<R extends 'train' | 'test'>(role: R, n: number) {
  const images = Uint8Array.from({ length: n * 4 }, (_, i) => i >> 2) // image k is all k
  return makeSet(
    role,
    images,
    Int32Array.from({ length: n }, (_, i) => i % 3),
    shape,
  )
}
const info = {
  id: 'mnist' as const,
  label: 'MNIST',
  shape,
  numClasses: 3,
  classNames: ['a', 'b', 'c'],
  normalization: { mean: [0], std: [1] },
  augment: { cropPadding: 0, flip: false, cutout: 0 },
}

describe('searchSplit (DARTS: train set only, first half / second half in file order)', () => {
  it('splits at floor(portion · N) into views that share the buffer', () => {
    const train = set('train', 11)
    const s = searchSplit(train)
    expect([s.train.count, s.val.count]).toEqual([5, 6])
    expect([s.train.role, s.val.role]).toEqual(['search-train', 'search-val'])
    expect(s.train.images[0]).toBe(0)
    expect(s.val.images[0]).toBe(5)
    expect(Array.from(s.val.labels)).toEqual([2, 0, 1, 2, 0, 1])
    expect(s.val.images.buffer).toBe(train.images.buffer) // a view, not a copy
    expect(searchSplit(train, { portion: 0.3 }).train.count).toBe(3)
  })

  it('limit takes the first N of each half', () => {
    const s = searchSplit(set('train', 20), { limit: 3 })
    expect(Array.from(s.train.images.filter((_, i) => i % 4 === 0))).toEqual([0, 1, 2])
    expect(Array.from(s.val.images.filter((_, i) => i % 4 === 0))).toEqual([10, 11, 12])
    expect(searchSplit(set('train', 20), { limit: 50 }).val.count).toBe(10)
  })

  it('never takes the test set: a type error, and a run-time error if forced', () => {
    const test = set('test', 10)
    // @ts-expect-error the search split accepts only a TrainSet
    expect(() => searchSplit(test)).toThrow(DatasetError)
    expect(() => searchSplit(test as unknown as TrainSet)).toThrow(
      /train set only \(got the test set\); the test set is never used for search/,
    )
  })

  it('rejects portions that leave a half empty', () => {
    expect(() => searchSplit(set('train', 10), { portion: 1 })).toThrow(/portion must be in \(0, 1\)/)
    expect(() => searchSplit(set('train', 1))).toThrow(/leaves one half empty/)
  })
})

describe('evalSplit', () => {
  it('is the full train set and the test set', () => {
    const ds: LoadedDataset = { info, train: set('train', 8), test: set('test', 4), location: { kind: 'system', dir: '/x' } }
    const e = evalSplit(ds)
    expect([e.train.count, e.test.count]).toEqual([8, 4])
    expect(() => evalSplit({ ...ds, test: null })).toThrow(/has no test set/)
  })
})
