/**
 * Data-layer types. Images stay uint8 in HWC order (NHWC for a whole set) from file to batch: the
 * trainer turns one float batch at a time into a tensor, so this layer needs no TensorFlow and a
 * CIFAR-10 train set costs 150 MB, not 600 MB as float32.
 */

import { DATASET_IDS } from '../../core/config/search'

export interface ImageShape {
  readonly height: number
  readonly width: number
  readonly channels: number
}

/** Per-channel statistics of pixel/255: x = (pixel/255 − mean[c]) / std[c]. */
export interface Normalization {
  readonly mean: readonly number[]
  readonly std: readonly number[]
}

/**
 * Per-image augmentation, torchvision order as in DARTS: RandomCrop(size, padding) → horizontal flip
 * → ToTensor/Normalize → Cutout. Zero disables a step.
 */
export interface AugmentOptions {
  /** Random crop of the original size after zero-padding this many pixels on each side (CIFAR: 4). */
  readonly cropPadding: number
  /** Horizontal flip with p = 0.5. */
  readonly flip: boolean
  /** Cutout side length L (DARTS eval: 16); 0 = off. */
  readonly cutout: number
}

export const NO_AUGMENT: AugmentOptions = Object.freeze({ cropPadding: 0, flip: false, cutout: 0 })

/** Where a set came from. The search split is typed by role so the test set cannot reach it. */
export type SplitRole = 'train' | 'test' | 'search-train' | 'search-val'

export interface ImageSet<R extends SplitRole = SplitRole> {
  readonly role: R
  /** [count, height, width, channels] uint8, HWC per image. May be a view into a larger set. */
  readonly images: Uint8Array
  /** [count] class indices in [0, numClasses). */
  readonly labels: Int32Array
  readonly count: number
  readonly shape: ImageShape
}

export type TrainSet = ImageSet<'train'>
export type TestSet = ImageSet<'test'>

// One list for the config schema and the data layer.

export { DATASET_IDS }
export type DatasetId = (typeof DATASET_IDS)[number]

/** What a model and a trainer need to know about a dataset; for `folder` it is filled in from the files. */
export interface DatasetInfo {
  readonly id: DatasetId
  readonly label: string
  readonly shape: ImageShape
  readonly numClasses: number
  readonly classNames: readonly string[]
  readonly normalization: Normalization
  /** Default training augmentation (search and eval); cutout is off by default, DARTS turns it on for eval. */
  readonly augment: AugmentOptions
}

export type LocationKind = 'explicit' | 'app-data' | 'system' | 'downloaded'

export interface LoadedDataset {
  readonly info: DatasetInfo
  readonly train: TrainSet
  /** Null for a `folder` dataset without a `test/` sub-folder. */
  readonly test: TestSet | null
  /** The folder the files were read from, and how it was found (recorded with each run). */
  readonly location: { readonly kind: LocationKind; readonly dir: string }
}

/** An expected problem with dataset files or options: one line naming the file and what is wrong. */
export class DatasetError extends Error {
  override name = 'DatasetError'
}

export const pixelsPerImage = (s: ImageShape): number => s.height * s.width * s.channels

export function makeSet<R extends SplitRole>(role: R, images: Uint8Array, labels: Int32Array, shape: ImageShape): ImageSet<R> {
  const count = labels.length
  if (images.length !== count * pixelsPerImage(shape))
    throw new Error(
      `image buffer holds ${images.length} bytes, expected ${count} × ${shape.height}×${shape.width}×${shape.channels}`,
    )
  return { role, images, labels, count, shape }
}
