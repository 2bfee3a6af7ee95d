/**
 * Data for a search run: the DARTS split of the train set (the test set is never touched) into a
 * shuffled, augmented weight half, the architecture half for α steps, and an in-order pass over the
 * architecture half for the epoch-end evaluation.
 *
 * As in DARTS's `train_search.py`, α-step batches come from the train transform (augmented). The
 * epoch-end evaluation uses un-augmented images (DARTS's `infer` reuses the train transform; clean
 * images make the reported accuracy steadier).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../core/config/search'
import { Rng } from '../../core/rng'
import { loadDataset } from '../data/datasets'
import { Loader, type LoaderState } from '../data/loader'
import { searchSplit } from '../data/split'
import { DatasetError, type DatasetInfo, type ImageSet, makeSet } from '../data/types'
import type { Batch } from './architect'

/** A stream of batches over one split; `next()` returns null at the end of an epoch and then starts the next. */
export interface BatchSource {
  readonly batchesPerEpoch: number
  next(): RawBatch | null
  getState(): unknown
  setState(state: unknown): void
}

export interface RawBatch {
  readonly x: Float32Array
  readonly y: Int32Array
  readonly size: number
}

/** A raw batch as tensors of the given image shape (the caller disposes them). */
export function toBatch(shape: readonly [number, number, number], b: RawBatch): Batch {
  const [H, W, C] = shape
  return { x: tf.tensor4d(b.x, [b.size, H, W, C]), y: tf.tensor1d(b.y, 'int32') }
}

export interface SearchData {
  /** [H, W, C] of one image. */
  readonly shape: readonly [number, number, number]
  /** Weight-training half, shuffled and augmented. */
  readonly train: BatchSource
  /** Architecture half, shuffled, for the α steps. */
  readonly val: BatchSource
  /** Architecture half in order, no augmentation, for the epoch-end evaluation. */
  readonly valEval: BatchSource
}

/** Adapts the rolling Loader to the searcher's epoch-by-epoch `next()` that returns null at an epoch's end. */
export class EpochSource implements BatchSource {
  private served = 0

  constructor(private readonly loader: Loader) {}

  get batchesPerEpoch(): number {
    return this.loader.batchesPerEpoch
  }

  next(): { x: Float32Array; y: Int32Array; size: number } | null {
    if (this.served >= this.loader.batchesPerEpoch) {
      this.served = 0
      return null
    }
    this.served += 1
    return this.loader.next()
  }

  getState(): unknown {
    return { loader: this.loader.getState(), served: this.served }
  }

  setState(state: unknown): void {
    const s = state as { loader: LoaderState; served: number }
    this.loader.setState(s.loader)
    this.served = s.served
  }
}

export interface LoadedSearchData {
  readonly data: SearchData
  readonly info: DatasetInfo
  readonly location: { kind: string; dir: string }
  readonly sizes: { train: number; val: number }
}

export async function loadSearchData(
  config: SearchConfig,
  opts: { dataDir: string | null; download?: boolean },
): Promise<LoadedSearchData> {
  const ds = await loadDataset(config.dataset, {
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    download: opts.download ?? false,
  })
  const split = searchSplit(ds.train, {
    portion: config.trainPortion,
    ...(config.limitPerHalf ? { limit: config.limitPerHalf } : {}),
  })
  let [info, train, val] = [ds.info, split.train as ImageSet, split.val as ImageSet]
  if (config.imageSize !== null && config.imageSize !== info.shape.height) {
    train = downsample(train, config.imageSize)
    val = downsample(val, config.imageSize)
    const cropPadding = Math.max(1, Math.round((info.augment.cropPadding * config.imageSize) / ds.info.shape.height))
    info = { ...info, shape: train.shape, augment: { ...info.augment, cropPadding } }
  }
  return { ...searchDataFromSplit(config, info, train, val), info, location: ds.location }
}

/**
 * Area-average downsampling to `size`×`size` (e.g. Fashion-MNIST for CPU-scale searches). When `size`
 * does not divide the image size, the image is first zero-padded symmetrically to the nearest
 * multiple (28 → 32 → 16): DARTS's reductions need even sizes, and (Fashion-)MNIST's border is 0.
 */
export function downsample(set: ImageSet, size: number): ImageSet {
  const { height: H0, width: W0, channels: C } = set.shape
  if (H0 !== W0) throw new DatasetError(`imageSize needs square images, got ${H0}×${W0}`)
  if (size >= H0) throw new DatasetError(`imageSize ${size} must be smaller than the images (${H0}×${W0})`)
  let f = Math.floor(H0 / size)
  while ((size * f - H0) % 2 !== 0 || size * f < H0) f += 1
  const S = size * f // padded side
  const pad = (S - H0) / 2
  const out = new Uint8Array(set.count * size * size * C)
  for (let n = 0; n < set.count; n++)
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++)
        for (let c = 0; c < C; c++) {
          let sum = 0
          for (let a = 0; a < f; a++) {
            const y = i * f + a - pad
            if (y < 0 || y >= H0) continue
            for (let b = 0; b < f; b++) {
              const x = j * f + b - pad
              if (x >= 0 && x < W0) sum += set.images[((n * H0 + y) * W0 + x) * C + c]!
            }
          }
          out[((n * size + i) * size + j) * C + c] = Math.round(sum / (f * f))
        }
  return makeSet(set.role, out, set.labels, { height: size, width: size, channels: C })
}

export function searchDataFromSplit(
  config: SearchConfig,
  info: DatasetInfo,
  train: ImageSet,
  val: ImageSet,
): { data: SearchData; sizes: { train: number; val: number } } {
  // Loader streams get their own generators derived from the seed, independent of weight init.
  const rng = new Rng(config.seed ^ 0x51ed2701)
  const augment = config.augment
    ? { ...info.augment, cutout: config.cutout }
    : { cropPadding: 0, flip: false, cutout: config.cutout }
  const common = { batchSize: config.batchSize, normalize: info.normalization }
  const data: SearchData = {
    shape: [info.shape.height, info.shape.width, info.shape.channels],
    train: new EpochSource(Loader.of(train, { ...common, shuffle: true, augment, rng: rng.fork() })),
    val: new EpochSource(Loader.of(val, { ...common, shuffle: true, augment, rng: rng.fork() })),
    valEval: new EpochSource(Loader.of(val, { ...common, shuffle: false, augment: null, rng: rng.fork() })),
  }
  return { data, sizes: { train: train.count, val: val.count } }
}
