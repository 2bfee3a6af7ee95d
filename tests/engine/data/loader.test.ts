import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import {
  augmentInto,
  type Batch,
  DatasetError,
  type ImageShape,
  Loader,
  type LoaderOptions,
  type LoaderState,
  makeSet,
  normalizationTable,
} from '../../../src/engine/data/index'

const shape: ImageShape = { height: 4, width: 3, channels: 2 }
const PX = 24
/** N images whose pixels are all distinct-ish and nonzero, labels i % 5. */
function data(n: number, s: ImageShape = shape) {
  const px = s.height * s.width * s.channels
  const images = Uint8Array.from({ length: n * px }, (_, i) => 1 + ((i * 7 + (i >> 4)) % 250))
  return makeSet(
    'train',
    images,
    Int32Array.from({ length: n }, (_, i) => i % 5),
    s,
  )
}
const loader = (n: number, o: Partial<LoaderOptions> = {}, s: ImageShape = shape) => {
  const d = data(n, s)
  return new Loader(d.images, d.labels, { shape: s, batchSize: 4, rng: new Rng(1), ...o })
}
const take = (l: Loader, k: number): Batch[] => Array.from({ length: k }, () => l.next())
const epochIndices = (l: Loader) => [...l].flatMap((b) => Array.from(b.indices))
const aug = { cropPadding: 1, flip: true, cutout: 2 }

describe('Loader batches', () => {
  it('yields NHWC float batches of batchSize, the last one short unless dropLast', () => {
    const l = loader(10)
    const sizes = [...l].map((b) => [b.size, b.x.length, b.y.length])
    expect(sizes).toEqual([
      [4, 4 * PX, 4],
      [4, 4 * PX, 4],
      [2, 2 * PX, 2],
    ])
    expect(l.batchesPerEpoch).toBe(3)
    const d = loader(10, { dropLast: true })
    expect([...d].map((b) => b.size)).toEqual([4, 4])
    expect(d.batchesPerEpoch).toBe(2)
    expect(() => loader(3, { dropLast: true })).toThrow(/3 images give no batch of 4 with dropLast/)
  })

  it('normalizes each channel as (v/255 − mean)/std and keeps labels', () => {
    const set = data(6)
    const norm = { mean: [0.4, 0.6], std: [0.2, 0.25] }
    const b = Loader.of(set, { batchSize: 6, rng: new Rng(0), normalize: norm }).next()
    for (let i = 0; i < 6 * PX; i++)
      expect(b.x[i]).toBe(Math.fround((set.images[i]! / 255 - norm.mean[i % 2]!) / norm.std[i % 2]!))
    expect(Array.from(b.y)).toEqual([0, 1, 2, 3, 4, 0])
    const raw = Loader.of(set, { batchSize: 2, rng: new Rng(0) }).next()
    expect(raw.x[3]).toBe(Math.fround(set.images[3]! / 255))
  })

  it('visits every index exactly once per epoch, in a new order each epoch', () => {
    const l = loader(23, { shuffle: true })
    const orders = [0, 1, 2].map(() => epochIndices(l))
    for (const o of orders) expect([...o].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i))
    expect(orders[0]).not.toEqual(orders[1])
    expect(l.epoch).toBe(2)
    expect(epochIndices(loader(7))).toEqual([0, 1, 2, 3, 4, 5, 6]) // no shuffle: file order
  })

  it('is reproducible from the seed', () => {
    const run = (seed: number) => take(loader(13, { shuffle: true, augment: aug, rng: new Rng(seed) }), 9)
    const a = run(42)
    const b = run(42)
    expect(a.map((x) => Array.from(x.x))).toEqual(b.map((x) => Array.from(x.x)))
    expect(a.map((x) => Array.from(x.y))).toEqual(b.map((x) => Array.from(x.y)))
    expect(run(43).map((x) => Array.from(x.indices))).not.toEqual(a.map((x) => Array.from(x.indices)))
  })

  it('resumes mid-epoch from a saved state with the identical remaining batches', () => {
    for (const consumed of [0, 2, 3, 4, 7]) {
      const a = loader(13, { shuffle: true, augment: aug, normalize: { mean: [0.5, 0.5], std: [0.3, 0.3] }, rng: new Rng(9) })
      take(a, consumed) // 4 batches per epoch: includes fresh, mid-epoch, end-of-epoch and second-epoch states
      const state = JSON.parse(JSON.stringify(a.getState())) as LoaderState
      const expected = take(a, 6)
      const b = loader(13, { shuffle: true, augment: aug, normalize: { mean: [0.5, 0.5], std: [0.3, 0.3] }, rng: new Rng(12345) })
      b.setState(state)
      const got = take(b, 6)
      expect(got.map((x) => Array.from(x.indices))).toEqual(expected.map((x) => Array.from(x.indices)))
      expect(got.map((x) => Array.from(x.x))).toEqual(expected.map((x) => Array.from(x.x)))
      expect(b.epoch).toBe(a.epoch)
    }
  })

  it('epochBatches after a restore yields just the rest of that epoch', () => {
    const a = loader(10, { shuffle: true })
    take(a, 1)
    const b = loader(10, { shuffle: true, rng: new Rng(77) })
    b.setState(a.getState())
    expect([...b].map((x) => x.size)).toEqual([4, 2])
    expect([...b].map((x) => x.size)).toEqual([4, 4, 2]) // then a whole new epoch
  })

  it('refuses a state saved for other data or another batch size', () => {
    const s = loader(10).getState()
    expect(() => loader(11).setState(s)).toThrow(DatasetError)
    expect(() => loader(10, { batchSize: 5 }).setState(s)).toThrow(/batches of 4, this loader has 10 in batches of 5/)
  })
})

describe('augmentation', () => {
  const one: ImageShape = { height: 5, width: 6, channels: 1 }
  const img = Uint8Array.from({ length: 30 }, (_, i) => 10 + i)
  const at = (y: number, x: number) => (y >= 0 && y < 5 && x >= 0 && x < 6 ? img[y * 6 + x]! : 0)
  const lut = normalizationTable(1, null)
  const run = (dy: number, dx: number, flip: boolean, cutY = -1, cutX = -1, cutout = 0) => {
    const out = new Float32Array(30)
    augmentInto(img, 0, one, lut, { dy, dx, flip, cutY, cutX }, cutout, out, 0)
    return Array.from(out, (v) => Math.round(v * 255))
  }

  it('crop keeps the shape and shifts with zero padding; flip is the exact mirror of the crop', () => {
    const cropped = run(-1, 2, false)
    expect(cropped).toHaveLength(30)
    for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) expect(cropped[y * 6 + x]).toBe(at(y - 1, x + 2))
    const flipped = run(-1, 2, true)
    for (let y = 0; y < 5; y++) for (let x = 0; x < 6; x++) expect(flipped[y * 6 + x]).toBe(cropped[y * 6 + (5 - x)])
    expect(run(0, 0, true)).toEqual(Array.from({ length: 30 }, (_, i) => img[Math.floor(i / 6) * 6 + 5 - (i % 6)]))
  })

  it('pads with raw 0 before normalization (like torchvision), cutout writes 0 after it', () => {
    const norm = normalizationTable(1, { mean: [0.5], std: [0.25] })
    const out = new Float32Array(30)
    augmentInto(img, 0, one, norm, { dy: -1, dx: 0, flip: false, cutY: 4, cutX: 5 }, 2, out, 0)
    expect(out[0]).toBe(Math.fround(-2)) // padded row: (0 − 0.5)/0.25
    expect(out[6]).toBe(Math.fround((img[0]! / 255 - 0.5) / 0.25))
    // Cutout L=2 at (4, 5): rows [3, 5) × cols [4, 6), clipped at the border.
    expect([out[3 * 6 + 4], out[3 * 6 + 5], out[4 * 6 + 4], out[4 * 6 + 5]]).toEqual([0, 0, 0, 0])
    expect(out.filter((v) => v === 0)).toHaveLength(4)
  })

  it('through the loader: flips are exact mirrors, crops stay in range, cutout zeroes one square', () => {
    const s: ImageShape = { height: 8, width: 8, channels: 1 }
    const images = new Uint8Array(64).fill(200)
    const flipSet = Uint8Array.from({ length: 64 }, (_, i) => i + 1)
    let flips = 0
    for (const b of take(
      new Loader(flipSet, [0], { shape: s, batchSize: 1, rng: new Rng(3), augment: { cropPadding: 0, flip: true, cutout: 0 } }),
      40,
    )) {
      const v = Array.from(b.x, (x) => Math.round(x * 255))
      const mirrored = v.every((p, i) => p === flipSet[Math.floor(i / 8) * 8 + 7 - (i % 8)])
      expect(mirrored || v.every((p, i) => p === flipSet[i])).toBe(true)
      flips += mirrored ? 1 : 0
    }
    expect(flips).toBeGreaterThan(5)
    expect(flips).toBeLessThan(35)

    const cut = new Loader(images, [0], {
      shape: s,
      batchSize: 1,
      rng: new Rng(4),
      augment: { cropPadding: 0, flip: false, cutout: 4 },
    })
    for (const b of take(cut, 30)) {
      const zeros = [...b.x.keys()].filter((i) => b.x[i] === 0)
      const ys = zeros.map((i) => Math.floor(i / 8))
      const xs = zeros.map((i) => i % 8)
      const h = Math.max(...ys) - Math.min(...ys) + 1
      const w = Math.max(...xs) - Math.min(...xs) + 1
      expect(zeros.length).toBe(h * w) // one filled rectangle…
      expect(h <= 4 && w <= 4).toBe(true) // …of side L, clipped at the borders
      expect(b.x.filter((v) => v !== 0).every((v) => v === Math.fround(200 / 255))).toBe(true)
    }

    const crop = new Loader(images, [0], {
      shape: s,
      batchSize: 1,
      rng: new Rng(5),
      augment: { cropPadding: 2, flip: false, cutout: 0 },
    })
    const shifts = new Set<string>()
    for (const b of take(crop, 60)) {
      expect(b.x).toHaveLength(64)
      // Zero rows/columns are padding: at most 2, all on one side (the shift direction).
      const rows = Array.from({ length: 8 }, (_, y) => b.x[y * 8 + 4] !== 0)
      const cols = Array.from({ length: 8 }, (_, x) => b.x[4 * 8 + x] !== 0)
      for (const line of [rows, cols]) {
        const lead = line.indexOf(true)
        const trail = 7 - line.lastIndexOf(true)
        expect(Math.min(lead, trail)).toBe(0)
        expect(Math.max(lead, trail)).toBeLessThanOrEqual(2)
        expect(line.filter(Boolean)).toHaveLength(8 - lead - trail)
      }
      shifts.add(`${rows.indexOf(true)}/${rows.lastIndexOf(true)},${cols.indexOf(true)}/${cols.lastIndexOf(true)}`)
    }
    expect(shifts.size).toBeGreaterThan(10) // 25 possible offsets
  })
})
