/**
 * Mini-batches from a uint8 image set: seeded shuffling per epoch, per-image augmentation and
 * normalization into one fresh float32 NHWC batch at a time (the trainer makes the tensor). The raw
 * set is only referenced, never copied or converted as a whole.
 *
 * Resuming: `getState()` is plain JSON (epoch, position in the epoch's permutation, Rng states). The
 * permutation itself is not stored — it is redrawn from the Rng state saved at the start of the
 * epoch — so a checkpoint stays small and a restored loader yields exactly the remaining batches.
 */
import { Rng, type RngState } from '../../core/rng'
import { augmentInto, drawAugment, IDENTITY_DRAWS, normalizationTable } from './augment'
import { type AugmentOptions, DatasetError, type ImageSet, type ImageShape, type Normalization, pixelsPerImage } from './types'

export interface LoaderOptions {
  readonly shape: ImageShape
  readonly batchSize: number
  /** Reshuffle at the start of every epoch (training); false keeps file order (evaluation). */
  readonly shuffle?: boolean
  /** Source of every random choice. The loader advances it; give each loader its own (`rng.fork()`). */
  readonly rng: Rng
  readonly augment?: AugmentOptions | null
  /** Per-channel mean/std of pixel/255; null or absent gives pixel/255. */
  readonly normalize?: Normalization | null
  /** Drop the last incomplete batch (DARTS search drops nothing; BN dislikes a batch of 1). */
  readonly dropLast?: boolean
}

export interface Batch {
  /** [size, H, W, C] float32, normalized (and augmented). */
  readonly x: Float32Array
  /** [size] class indices. */
  readonly y: Int32Array
  readonly size: number
  /** Indices into the loader's set, in batch order. */
  readonly indices: Int32Array
}

export interface LoaderState {
  readonly epoch: number
  /** Next position in the epoch's permutation. */
  readonly position: number
  readonly rng: RngState
  /** Rng state before this epoch's shuffle, or null when the epoch has not drawn its permutation yet. */
  readonly epochRng: RngState | null
  /** Guards against restoring into a loader over other data or batch size. */
  readonly count: number
  readonly batchSize: number
}

export class Loader {
  readonly count: number
  readonly shape: ImageShape
  readonly batchSize: number
  private readonly images: Uint8Array
  private readonly labels: ArrayLike<number>
  private readonly shuffle: boolean
  private readonly rng: Rng
  private readonly augment: AugmentOptions | null
  private readonly lut: Float32Array
  /** Samples per epoch after dropLast. */
  private readonly end: number
  private epochNo = 0
  private position = 0
  private perm: Int32Array | null = null
  private epochRng: RngState | null = null

  constructor(images: Uint8Array, labels: ArrayLike<number>, options: LoaderOptions) {
    const { shape, batchSize } = options
    this.count = labels.length
    if (images.length !== this.count * pixelsPerImage(shape))
      throw new DatasetError(
        `loader: ${images.length} image bytes do not match ${this.count} labels of ${shape.height}×${shape.width}×${shape.channels}`,
      )
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new DatasetError(`loader: batch size must be a positive integer, got ${batchSize}`)
    this.end = options.dropLast ? this.count - (this.count % batchSize) : this.count
    if (this.end === 0)
      throw new DatasetError(
        `loader: ${this.count} images give no batch of ${batchSize}${options.dropLast ? ' with dropLast' : ''}`,
      )
    this.images = images
    this.labels = labels
    this.shape = shape
    this.batchSize = batchSize
    this.shuffle = options.shuffle ?? false
    this.rng = options.rng
    const aug = options.augment
    this.augment = aug && (aug.cropPadding > 0 || aug.flip || aug.cutout > 0) ? aug : null
    this.lut = normalizationTable(shape.channels, options.normalize ?? null)
  }

  static of(set: ImageSet, options: Omit<LoaderOptions, 'shape'>): Loader {
    return new Loader(set.images, set.labels, { ...options, shape: set.shape })
  }

  get epoch(): number {
    return this.epochNo
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.end / this.batchSize)
  }

  /** The next batch, starting a new epoch (with a new permutation) when the current one is done. */
  next(): Batch {
    if (this.position >= this.end) this.rollOver()
    const perm = this.perm ?? this.startEpoch()
    const size = Math.min(this.batchSize, this.end - this.position)
    const indices = perm.slice(this.position, this.position + size)
    this.position += size
    return this.build(indices)
  }

  /** The remaining batches of the current epoch (all of it when fresh); afterwards the next call starts a new epoch. */
  *epochBatches(): Generator<Batch, void, undefined> {
    if (this.position >= this.end) this.rollOver()
    while (this.position < this.end) yield this.next()
  }

  [Symbol.iterator](): Generator<Batch, void, undefined> {
    return this.epochBatches()
  }

  getState(): LoaderState {
    return {
      epoch: this.epochNo,
      position: this.position,
      rng: this.rng.getState(),
      epochRng: this.perm ? this.epochRng : null,
      count: this.count,
      batchSize: this.batchSize,
    }
  }

  setState(state: LoaderState): void {
    if (state.count !== this.count || state.batchSize !== this.batchSize)
      throw new DatasetError(
        `loader state is for ${state.count} images in batches of ${state.batchSize}, this loader has ${this.count} in batches of ${this.batchSize}`,
      )
    if (state.position > 0 && !state.epochRng) throw new DatasetError('loader state has a position but no epoch Rng state')
    this.epochNo = state.epoch
    this.position = state.position
    this.perm = null
    if (state.epochRng) {
      this.rng.setState(state.epochRng)
      this.startEpoch()
    }
    this.rng.setState(state.rng)
  }

  private rollOver(): void {
    this.epochNo++
    this.position = 0
    this.perm = null
  }

  private startEpoch(): Int32Array {
    this.epochRng = this.rng.getState()
    const perm = new Int32Array(this.count)
    for (let i = 0; i < perm.length; i++) perm[i] = i
    if (this.shuffle) this.rng.shuffle(perm)
    this.perm = perm
    return perm
  }

  private build(indices: Int32Array): Batch {
    const size = indices.length
    const px = pixelsPerImage(this.shape)
    const x = new Float32Array(size * px)
    const y = new Int32Array(size)
    const cutout = this.augment?.cutout ?? 0
    for (let b = 0; b < size; b++) {
      const i = indices[b]!
      y[b] = this.labels[i]!
      const draws = this.augment ? drawAugment(this.rng, this.augment, this.shape) : IDENTITY_DRAWS
      augmentInto(this.images, i * px, this.shape, this.lut, draws, cutout, x, b * px)
    }
    return { x, y, size, indices }
  }
}
