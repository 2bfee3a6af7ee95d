/**
 * Data for a search run: the DARTS split of the train set (the test set is never touched) into a
 * shuffled, augmented weight half, the architecture half for α steps, and an in-order pass over the
 * architecture half for the epoch-end evaluation.
 *
 * As in DARTS's `train_search.py`, α-step batches come from the train transform (augmented). The
 * epoch-end evaluation uses un-augmented images (DARTS's `infer` reuses the train transform; clean
 * images make the reported accuracy steadier).
 */
import type { SearchConfig } from '../../core/config/search'
import { Rng } from '../../core/rng'
import { loadDataset } from '../data/datasets'
import { Loader, type LoaderState } from '../data/loader'
import { searchSplit } from '../data/split'
import { DatasetError, type DatasetInfo, type ImageSet, makeSet } from '../data/types'
import type { BatchSource, SearchData } from './searcher'

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

export async function loadSearchData(config: SearchConfig, opts: { dataDir: string | null }): Promise<LoadedSearchData> {
  const ds = await loadDataset(config.dataset, opts.dataDir ? { dataDir: opts.dataDir } : {})
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

/** Area-average downsampling by an integer factor (e.g. Fashion-MNIST 28 → 14 for CPU-scale searches). */
export function downsample(set: ImageSet, size: number): ImageSet {
  const { height: H, width: W, channels: C } = set.shape
  const f = H / size
  if (!Number.isInteger(f) || f < 1 || W % f !== 0)
    throw new DatasetError(`imageSize ${size} must divide the image size ${H}×${W} by an integer factor`)
  const [h, w] = [H / f, W / f]
  const out = new Uint8Array(set.count * h * w * C)
  for (let n = 0; n < set.count; n++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let c = 0; c < C; c++) {
          let sum = 0
          for (let a = 0; a < f; a++)
            for (let b = 0; b < f; b++) sum += set.images[((n * H + i * f + a) * W + j * f + b) * C + c]!
          out[((n * h + i) * w + j) * C + c] = Math.round(sum / (f * f))
        }
  return makeSet(set.role, out, set.labels, { height: h, width: w, channels: C })
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
