import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  computeNormalization,
  DatasetError,
  decodeImage,
  decodePng,
  decodePnm,
  loadDataset,
} from '../../../src/engine/data/index'
import { png, pnm, tempDir } from './helpers'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await tempDir()))
afterEach(() => cleanup())

const ramp = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed * 11 + ((i * i) >> 3)) & 0xff)

function fails(f: () => unknown, ...parts: string[]): void {
  let err: unknown
  try {
    f()
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(DatasetError)
  for (const p of parts) expect((err as Error).message).toContain(p)
}

describe('PNG decoder', () => {
  it.each([
    [0, 1],
    [2, 3],
  ] as const)('decodes colour type %i through every filter type exactly', (colorType, channels) => {
    const samples = ramp(7 * 9 * channels)
    const img = decodePng(png(7, 9, colorType, samples), 'x.png')
    expect(img).toMatchObject({ width: 7, height: 9, channels })
    expect(Array.from(img.pixels)).toEqual(Array.from(samples))
  })

  it('drops alpha from RGBA and gray+alpha', () => {
    const rgba = ramp(5 * 4 * 4)
    const img = decodePng(png(5, 4, 6, rgba), 'a.png')
    expect(img.channels).toBe(3)
    expect(Array.from(img.pixels)).toEqual(Array.from(rgba).filter((_, i) => i % 4 !== 3))
    const ga = ramp(3 * 3 * 2)
    const g = decodePng(png(3, 3, 4, ga), 'g.png')
    expect(g.channels).toBe(1)
    expect(Array.from(g.pixels)).toEqual(Array.from(ga).filter((_, i) => i % 2 === 0))
  })

  it('rejects damaged PNGs in one line with the file name (pngjs checks the CRCs)', () => {
    const good = png(4, 4, 2, ramp(48))
    const badCrc = Buffer.from(good)
    badCrc[45] = badCrc[45]! ^ 1 // inside the first IDAT chunk's data (it starts at byte 41)
    fails(() => decodePng(badCrc, 'cat/1.png'), 'cat/1.png: corrupt or truncated PNG')
    fails(() => decodePng(good.subarray(0, 50), 'cut.png'), 'cut.png: corrupt or truncated PNG')
    fails(() => decodePng(Buffer.from('not a png at all'), 'n.png'), 'n.png: not a PNG file')
    fails(() => decodePng(png(4, 4, 0, ramp(16), [5]), 'f.png'), 'f.png: corrupt or truncated PNG')
    for (const bad of [badCrc, good.subarray(0, 50)]) {
      try {
        decodePng(bad, 'x.png')
      } catch (e) {
        expect((e as Error).message.split('\n')).toHaveLength(1)
      }
    }
  })
})

describe('PGM/PPM decoder', () => {
  it('reads P5 and P6 with comments, and rescales 16-bit samples', () => {
    const g = ramp(6 * 5)
    expect(Array.from(decodePnm(pnm('P5', 6, 5, g), 'g.pgm').pixels)).toEqual(Array.from(g))
    const c = ramp(4 * 3 * 3, 1)
    const img = decodePnm(pnm('P6', 4, 3, c), 'c.ppm')
    expect(img).toMatchObject({ width: 4, height: 3, channels: 3 })
    expect(Array.from(img.pixels)).toEqual(Array.from(c))
    expect(Array.from(decodePnm(pnm('P5', 6, 5, g, 1023), 'w.pgm').pixels)).toEqual(Array.from(g))
  })

  it('rejects ASCII Netpbm and truncated rasters', () => {
    fails(() => decodePnm(Buffer.from('P2\n2 2\n255\n1 2 3 4\n'), 'a.pgm'), 'a.pgm', 'ASCII Netpbm P2')
    fails(() => decodePnm(pnm('P6', 4, 4, ramp(48)).subarray(0, 40), 't.ppm'), 't.ppm', 'truncated P6')
  })

  it('names other formats', () => {
    fails(
      () => decodeImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 'dog/3.jpg'),
      'dog/3.jpg',
      'unsupported image format (JPEG)',
    )
    fails(() => decodeImage(Buffer.from('GIF89a....'), 'x.gif'), 'unsupported image format (GIF)')
    fails(() => decodeImage(Buffer.from('hello'), 'notes.txt'), 'notes.txt', 'unsupported image format (unknown)')
  })
})

async function put(path: string, data: Uint8Array) {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, data)
}

describe('folder dataset', () => {
  it('reads a 2-class PNG/PGM folder with train/test sub-folders', async () => {
    // 6 cats (RGB PNG), 5 dogs (RGB PNG + one gray PGM, promoted to RGB), 8×8.
    for (let i = 0; i < 6; i++) await put(join(dir, 'train', 'cats', `${i}.png`), png(8, 8, 2, ramp(192, i)))
    for (let i = 0; i < 4; i++) await put(join(dir, 'train', 'dogs', `${i}.png`), png(8, 8, 6, ramp(256, 10 + i)))
    await put(join(dir, 'train', 'dogs', 'gray.pgm'), pnm('P5', 8, 8, ramp(64, 3)))
    await put(join(dir, 'train', 'dogs', '.DS_Store'), Buffer.from('junk'))
    await put(join(dir, 'test', 'dogs', 't.png'), png(8, 8, 2, ramp(192, 99)))
    const ds = await loadDataset('folder', { dataDir: dir })
    expect(ds.info.classNames).toEqual(['cats', 'dogs'])
    expect(ds.info.shape).toEqual({ height: 8, width: 8, channels: 3 })
    expect(ds.train.count).toBe(11)
    expect(ds.test?.count).toBe(1)
    expect(Array.from(ds.test!.labels)).toEqual([1])
    // Stored in a fixed mixed order (so the DARTS halves both see both classes), same on every load.
    const labels = Array.from(ds.train.labels)
    expect(labels.filter((l) => l === 0)).toHaveLength(6)
    expect(labels).not.toEqual([...labels].sort())
    expect(Array.from((await loadDataset('folder', { dataDir: dir })).train.images)).toEqual(Array.from(ds.train.images))
    // The gray PGM became R = G = B.
    const grayAt = Array.from({ length: 11 }, (_, k) => k).find((k) => {
      const im = ds.train.images.subarray(k * 192, (k + 1) * 192)
      return im.every((v, i) => v === im[i - (i % 3)])
    })
    expect(grayAt).toBeDefined()
    expect(ds.train.images[grayAt! * 192 + 3 * 5 + 1]).toBe(ramp(64, 3)[5])
    expect(ds.info.normalization).toEqual(computeNormalization(ds.train.images, 3))
  })

  it('computes the normalization from the train pixels', () => {
    const n = computeNormalization(Uint8Array.from([0, 255, 255, 255, 0, 255]), 3)
    expect(n.mean).toEqual([0.5, 0.5, 1])
    expect(n.std[0]).toBeCloseTo(0.5)
    expect(n.std[2]).toBe(1) // constant channel: std 1 rather than a division by zero
  })

  it('uses the folder itself as the train set when it has class folders only', async () => {
    await put(join(dir, 'a', '1.pgm'), pnm('P5', 4, 4, ramp(16)))
    await put(join(dir, 'b', '1.pgm'), pnm('P5', 4, 4, ramp(16, 2)))
    const ds = await loadDataset('folder', { dataDir: dir })
    expect(ds.info.shape.channels).toBe(1)
    expect(ds.test).toBeNull()
  })

  it('says which images differ in size, which file is not an image, and what is missing', async () => {
    await put(join(dir, 'a', '1.pgm'), pnm('P5', 4, 4, ramp(16)))
    await put(join(dir, 'b', '1.pgm'), pnm('P5', 5, 4, ramp(20)))
    await expect(loadDataset('folder', { dataDir: dir })).rejects.toThrow(
      /b\/1\.pgm: is 5×4 but .*a\/1\.pgm is 4×4; all images .* one size/,
    )
    await put(join(dir, 'b', '1.pgm'), Buffer.from([0xff, 0xd8, 0xff, 0xdb]))
    await expect(loadDataset('folder', { dataDir: dir })).rejects.toThrow(/b\/1\.pgm: unsupported image format \(JPEG\)/)
    await expect(loadDataset('folder', {})).rejects.toThrow(/needs a data folder \(--data-dir DIR\)/)
    await expect(loadDataset('folder', { dataDir: join(dir, 'a') })).rejects.toThrow(/found 0 class sub-folder/)
  })
})
