import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DatasetError, loadDataset, type LoadOptions } from '../../../src/engine/data/index'
import { cifarRecords, idxImages, idxLabels, tempDir } from './helpers'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await tempDir()))
afterEach(() => cleanup())

/** Only the explicit folder: an empty app data root and no system roots, so the machine's own files never leak in. */
const only = (dataDir: string): LoadOptions => ({ dataDir, appDataDir: join(dataDir, 'no-app-data'), systemRoots: [] })

async function expectError(p: Promise<unknown>, ...parts: (string | RegExp)[]): Promise<DatasetError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(DatasetError)
  const msg = (e as DatasetError).message
  expect(msg).not.toContain('\n')
  for (const part of parts) expect(msg).toMatch(part)
  return e as DatasetError
}

const trainLabels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8]
const testLabels = [3, 1, 4]

async function writeIdx(at: string, gz: boolean, over: Partial<Record<string, Buffer>> = {}) {
  await mkdir(at, { recursive: true })
  const files: Record<string, Buffer> = {
    'train-images-idx3-ubyte': idxImages(trainLabels.length, 28, 28),
    'train-labels-idx1-ubyte': idxLabels(trainLabels),
    't10k-images-idx3-ubyte': idxImages(testLabels.length, 28, 28, (i) => 255 - (i % 256)),
    't10k-labels-idx1-ubyte': idxLabels(testLabels),
    ...over,
  }
  for (const [name, data] of Object.entries(files))
    await writeFile(join(at, gz ? `${name}.gz` : name), gz && data[0] !== 0x1f ? gzipSync(data) : data)
}

describe('IDX (MNIST, Fashion-MNIST)', () => {
  it.each([false, true])('reads plain and gzipped files alike (gzip: %s)', async (gz) => {
    await writeIdx(dir, gz)
    const ds = await loadDataset('mnist', only(dir))
    expect(ds.info.shape).toEqual({ height: 28, width: 28, channels: 1 })
    expect(ds.train.count).toBe(12)
    expect(ds.test?.count).toBe(3)
    expect(Array.from(ds.train.labels)).toEqual(trainLabels)
    expect(Array.from(ds.test!.labels)).toEqual(testLabels)
    expect(ds.train.images.length).toBe(12 * 784)
    expect(ds.train.images[1000]).toBe(1000 % 256)
    expect(ds.test!.images[5]).toBe(250)
    expect(ds.location).toEqual({ kind: 'explicit', dir })
  })

  it('detects gzip by content, not by name', async () => {
    await writeIdx(dir, false, { 'train-images-idx3-ubyte': gzipSync(idxImages(12, 28, 28)) })
    expect((await loadDataset('fashion-mnist', only(dir))).train.count).toBe(12)
  })

  it('rejects a bad magic number, naming the file', async () => {
    await writeIdx(dir, false, { 'train-images-idx3-ubyte': idxLabels(trainLabels) })
    await expectError(loadDataset('mnist', only(dir)), 'train-images-idx3-ubyte', /bad magic number 2049 \(expected 2051/)
  })

  it('rejects a truncated file and one with extra bytes', async () => {
    const full = idxImages(12, 28, 28)
    await writeIdx(dir, false, { 'train-images-idx3-ubyte': full.subarray(0, full.length - 10) })
    await expectError(loadDataset('mnist', only(dir)), 'train-images-idx3-ubyte', 'truncated file')
    await writeIdx(dir, false, { 't10k-labels-idx1-ubyte': Buffer.concat([idxLabels(testLabels), Buffer.from([1])]) })
    await expectError(
      loadDataset('mnist', only(dir)),
      't10k-labels-idx1-ubyte',
      'wrong size (12 bytes, header says 3 labels: 11 bytes)',
    )
  })

  it('rejects a truncated header', async () => {
    await writeIdx(dir, false, { 't10k-images-idx3-ubyte': Buffer.from([0, 0, 8, 3, 0]) })
    await expectError(loadDataset('mnist', only(dir)), 't10k-images-idx3-ubyte', 'truncated IDX header')
  })

  it('rejects corrupt gzip data (damaged and cut short)', async () => {
    const gz = gzipSync(idxImages(12, 28, 28))
    const damaged = Buffer.from(gz)
    for (let i = 20; i < 60; i++) damaged[i] = damaged[i]! ^ 0x5a
    await writeIdx(dir, true, { 'train-images-idx3-ubyte': damaged })
    await expectError(loadDataset('mnist', only(dir)), 'train-images-idx3-ubyte.gz', 'corrupt gzip data')
    await writeIdx(dir, true, { 'train-images-idx3-ubyte': gz.subarray(0, gz.length >> 1) })
    await expectError(
      loadDataset('mnist', only(dir)),
      'train-images-idx3-ubyte.gz',
      /corrupt gzip data \(unexpected end of file\)/,
    )
  })

  it('rejects image and label counts that differ', async () => {
    await writeIdx(dir, false, { 'train-labels-idx1-ubyte': idxLabels(trainLabels.slice(1)) })
    await expectError(
      loadDataset('mnist', only(dir)),
      /train-images-idx3-ubyte has 12 images but .*train-labels-idx1-ubyte has 11 labels/,
    )
  })

  it('rejects a label out of range and images of the wrong size', async () => {
    await writeIdx(dir, false, { 't10k-labels-idx1-ubyte': idxLabels([1, 10, 2]) })
    await expectError(loadDataset('mnist', only(dir)), 't10k-labels-idx1-ubyte', 'label 10 out of range 0..9 at index 1')
    await writeIdx(dir, false, { 'train-images-idx3-ubyte': idxImages(12, 32, 32) })
    await expectError(loadDataset('mnist', only(dir)), 'images are 32×32, expected 28×28')
  })
})

/** Pixel value for record r, channel c, position p (CHW in the file). */
const px = (r: number, c: number, p: number) => (r * 7 + c * 50 + p) % 256

async function writeCifar10(at: string, over: Partial<Record<string, Buffer>> = {}) {
  await mkdir(at, { recursive: true })
  for (let b = 1; b <= 5; b++)
    await writeFile(join(at, `data_batch_${b}.bin`), over[`data_batch_${b}.bin`] ?? cifarRecords([[b], [b + 4]], px))
  await writeFile(join(at, 'test_batch.bin'), over['test_batch.bin'] ?? cifarRecords([[9], [0], [5]], px))
}

describe('CIFAR binary', () => {
  it('reads CIFAR-10 batches in order and transposes CHW records to HWC', async () => {
    await writeCifar10(join(dir, 'cifar-10-batches-bin'))
    const ds = await loadDataset('cifar10', only(dir))
    expect(ds.location.dir).toBe(join(dir, 'cifar-10-batches-bin'))
    expect(ds.train.count).toBe(10)
    expect(Array.from(ds.train.labels)).toEqual([1, 5, 2, 6, 3, 7, 4, 8, 5, 9])
    expect(Array.from(ds.test!.labels)).toEqual([9, 0, 5])
    // Record 1 of batch 2 is image 3 of the train set; HWC: (pixel p, channel c) at p*3 + c.
    const img = ds.train.images.subarray(3 * 3072, 4 * 3072)
    for (const p of [0, 1, 31, 32, 555, 1023]) for (let c = 0; c < 3; c++) expect(img[p * 3 + c]).toBe(px(1, c, p))
    expect(ds.info.classNames[ds.test!.labels[0]!]).toBe('truck')
  })

  it('reads CIFAR-100 with the fine label (second byte)', async () => {
    await writeFile(
      join(dir, 'train.bin'),
      cifarRecords(
        [
          [19, 99],
          [0, 0],
          [4, 30],
        ],
        px,
      ),
    )
    await writeFile(join(dir, 'test.bin'), cifarRecords([[3, 42]], px))
    const ds = await loadDataset('cifar100', only(dir))
    expect(Array.from(ds.train.labels)).toEqual([99, 0, 30])
    expect(ds.info.numClasses).toBe(100)
    expect(ds.info.classNames).toHaveLength(100)
    expect(ds.info.classNames[99]).toBe('worm')
    expect(ds.test!.images[3 * 5 + 2]).toBe(px(0, 2, 5))
  })

  it('rejects a file that is not a whole number of records', async () => {
    const good = cifarRecords([[1], [2]], px)
    await writeCifar10(dir, { 'data_batch_3.bin': good.subarray(0, good.length - 1) })
    await expectError(
      loadDataset('cifar10', only(dir)),
      'data_batch_3.bin',
      'wrong record size: 6145 bytes is not a whole number of 3073-byte records',
    )
    // A CIFAR-100 file read as CIFAR-10 has the wrong record size too.
    await writeCifar10(dir, { 'test_batch.bin': cifarRecords([[1, 2]], px) })
    await expectError(loadDataset('cifar10', only(dir)), 'test_batch.bin', 'wrong record size')
  })

  it('rejects labels out of range', async () => {
    await writeCifar10(dir, { 'data_batch_5.bin': cifarRecords([[1], [10]], px) })
    await expectError(loadDataset('cifar10', only(dir)), 'data_batch_5.bin', 'label 10 out of range 0..9 in record 1')
    await writeFile(join(dir, 'train.bin'), cifarRecords([[0, 100]], px))
    await writeFile(join(dir, 'test.bin'), cifarRecords([[0, 1]], px))
    await expectError(loadDataset('cifar100', only(dir)), 'train.bin', 'label 100 out of range 0..99 in record 0')
    await writeFile(join(dir, 'train.bin'), cifarRecords([[20, 1]], px))
    await expectError(loadDataset('cifar100', only(dir)), 'train.bin', 'coarse label 20 out of range 0..19')
  })

  it('rejects an empty file', async () => {
    await writeCifar10(dir, { 'data_batch_1.bin': Buffer.alloc(0) })
    await expectError(loadDataset('cifar10', only(dir)), 'data_batch_1.bin', 'empty file')
  })
})
