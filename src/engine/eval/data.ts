/**
 * Data of an evaluation run: the dataset's real train set (augmented: crop, flip, cutout) for training
 * and its TEST set, in order and un-augmented, for the reported accuracy (DARTS `train.py`).
 */
import type { EvalConfig } from '../../core/config/eval'
import { Rng } from '../../core/rng'
import { loadDataset } from '../data/datasets'
import { Loader } from '../data/loader'
import { evalSplit, sliceSet } from '../data/split'
import { type DatasetInfo, type ImageSet, makeSet } from '../data/types'
import { downsample } from '../search/data'

export interface EvalData {
  readonly info: DatasetInfo
  readonly train: Loader
  readonly test: Loader
  readonly location: { kind: string; dir: string }
  readonly sizes: { train: number; test: number }
}

/** Zero-pads square images symmetrically to `size` (Fashion-MNIST 28 → 32: its border is 0 already). */
export function padSet(set: ImageSet, size: number): ImageSet {
  const { height: H, width: W, channels: C } = set.shape
  const [top, left] = [Math.floor((size - H) / 2), Math.floor((size - W) / 2)]
  const out = new Uint8Array(set.count * size * size * C)
  for (let n = 0; n < set.count; n++)
    for (let i = 0; i < H; i++) {
      const src = (n * H + i) * W * C
      out.set(set.images.subarray(src, src + W * C), ((n * size + i + top) * size + left) * C)
    }
  return makeSet(set.role, out, set.labels, { height: size, width: size, channels: C })
}

const resize = (set: ImageSet, size: number | null): ImageSet =>
  size === null || size === set.shape.height ? set : size > set.shape.height ? padSet(set, size) : downsample(set, size)

export async function loadEvalData(
  config: EvalConfig,
  opts: { dataDir?: string | null; download?: boolean } = {},
): Promise<EvalData> {
  const ds = await loadDataset(config.dataset, {
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    download: opts.download ?? false,
  })
  const split = evalSplit(ds)
  const limit = (set: ImageSet, n: number | null) => (n && n < set.count ? sliceSet(set, set.role, 0, n) : set)
  const train = resize(limit(split.train, config.limitTrain), config.imageSize)
  const test = resize(limit(split.test, config.limitTest), config.imageSize)
  const scale = train.shape.height / ds.info.shape.height
  const cropPadding = Math.max(1, Math.round(ds.info.augment.cropPadding * Math.min(1, scale)))
  const info = { ...ds.info, shape: train.shape, augment: { ...ds.info.augment, cropPadding } }
  // Loader streams get generators derived from the seed, independent of weight init and drop path.
  const rng = new Rng(config.seed ^ 0x3e7a1c05)
  const augment = config.augment
    ? { ...info.augment, cutout: config.cutout }
    : { cropPadding: 0, flip: false, cutout: config.cutout }
  const common = { batchSize: config.batchSize, normalize: info.normalization }
  return {
    info,
    // dropLast: a last batch of one image would break train-mode BN.
    train: Loader.of(train, { ...common, shuffle: true, augment, rng: rng.fork(), dropLast: train.count > config.batchSize }),
    test: Loader.of(test, { ...common, shuffle: false, augment: null, rng: rng.fork() }),
    location: ds.location,
    sizes: { train: train.count, test: test.count },
  }
}
