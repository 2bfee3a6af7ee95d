/**
 * Splits (METHODS.md §6.7). Search uses only the train set, split by index order as DARTS does:
 * the first `portion` trains the weights, the rest is the validation set the architecture step
 * sees. The test set is never used for search — `searchSplit` accepts only a `TrainSet`, and checks
 * the role at run time too, so the test set cannot get there by a cast.
 *
 * Splits are views into the loaded buffer: no image is copied.
 */
import {
  DatasetError,
  type ImageSet,
  type LoadedDataset,
  pixelsPerImage,
  type SplitRole,
  type TestSet,
  type TrainSet,
} from './types'

export interface SearchSplitOptions {
  /** Share of the train set for weight training (DARTS `train_portion` = 0.5). */
  readonly portion?: number
  /**
   * Use only the first `limit` images of each half (quick presets). First-N rather than a stratified
   * sample: CIFAR and (Fashion-)MNIST files are already in random class order, folder datasets are
   * stored shuffled (folder.ts), and a prefix keeps the split a plain view with nothing to seed.
   */
  readonly limit?: number | null
}

export interface SearchSplit {
  readonly train: ImageSet<'search-train'>
  readonly val: ImageSet<'search-val'>
}

/** Images [start, end) of `set` as a new set with `role`, sharing the buffer. */
export function sliceSet<R extends SplitRole>(set: ImageSet, role: R, start: number, end: number): ImageSet<R> {
  const px = pixelsPerImage(set.shape)
  return {
    role,
    images: set.images.subarray(start * px, end * px),
    labels: set.labels.subarray(start, end),
    count: end - start,
    shape: set.shape,
  }
}

export function searchSplit(train: TrainSet, options: SearchSplitOptions = {}): SearchSplit {
  if (train.role !== 'train')
    throw new DatasetError(
      `searchSplit takes the train set only (got the ${train.role} set); the test set is never used for search`,
    )
  const portion = options.portion ?? 0.5
  if (!(portion > 0 && portion < 1)) throw new DatasetError(`search split portion must be in (0, 1), got ${portion}`)
  const split = Math.floor(portion * train.count) // DARTS: int(np.floor(portion * num_train))
  if (split === 0 || split === train.count)
    throw new DatasetError(`search split of ${train.count} images at portion ${portion} leaves one half empty`)
  const limit = options.limit ?? Infinity
  if (!(limit >= 1)) throw new DatasetError(`search split limit must be at least 1, got ${limit}`)
  return {
    train: sliceSet(train, 'search-train', 0, Math.min(split, limit)),
    val: sliceSet(train, 'search-val', split, Math.min(train.count, split + limit)),
  }
}

/** Final training and evaluation: the full train set and the test set. */
export function evalSplit(ds: LoadedDataset): { train: TrainSet; test: TestSet } {
  if (!ds.test)
    throw new DatasetError(`${ds.info.label} has no test set (a folder dataset needs a test/ sub-folder for evaluation)`)
  return { train: ds.train, test: ds.test }
}
