/**
 * One image at a time: uint8 HWC → normalized float32 HWC with optional random crop (zero padding),
 * horizontal flip and cutout, in DARTS's torchvision order. Random choices are drawn from the caller's
 * Rng in a fixed order per image (crop dy, crop dx, flip, cutout y, cutout x), so a restored Rng state
 * reproduces the same augmentations.
 */
import type { Rng } from '../../core/rng'
import type { AugmentOptions, ImageShape, Normalization } from './types'

export interface ImageDraws {
  /** Crop offset in [−padding, padding]: output (y, x) reads input (y + dy, x + dx), 0 outside. */
  readonly dy: number
  readonly dx: number
  readonly flip: boolean
  /** Cutout centre, or −1 for none. */
  readonly cutY: number
  readonly cutX: number
}

export const IDENTITY_DRAWS: ImageDraws = { dy: 0, dx: 0, flip: false, cutY: -1, cutX: -1 }

export function drawAugment(rng: Rng, aug: AugmentOptions, shape: ImageShape): ImageDraws {
  const p = aug.cropPadding
  // torchvision RandomCrop picks the top-left corner uniformly in [0, 2p] of the padded image.
  const dy = p > 0 ? rng.int(2 * p + 1) - p : 0
  const dx = p > 0 ? rng.int(2 * p + 1) - p : 0
  const flip = aug.flip ? rng.next() < 0.5 : false
  const cutY = aug.cutout > 0 ? rng.int(shape.height) : -1
  const cutX = aug.cutout > 0 ? rng.int(shape.width) : -1
  return { dy, dx, flip, cutY, cutX }
}

/** lut[c·256 + v] = (v/255 − mean[c]) / std[c]; without normalization just v/255. */
export function normalizationTable(channels: number, norm: Normalization | null): Float32Array {
  if (norm && (norm.mean.length !== channels || norm.std.length !== channels))
    throw new Error(`normalization has ${norm.mean.length} means and ${norm.std.length} stds for ${channels} channels`)
  const lut = new Float32Array(256 * channels)
  for (let c = 0; c < channels; c++)
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = norm ? (v / 255 - norm.mean[c]!) / norm.std[c]! : v / 255
  return lut
}

/**
 * Writes image `src[srcAt …]` into `out[outAt …]`. Padding pixels are raw 0 and so go through the table
 * like torchvision's padded PIL image; cutout runs after normalization and writes 0 (DARTS `Cutout`:
 * a square of side `cutout` centred at (cutY, cutX), clipped at the borders).
 */
export function augmentInto(
  src: Uint8Array,
  srcAt: number,
  shape: ImageShape,
  lut: Float32Array,
  d: ImageDraws,
  cutout: number,
  out: Float32Array,
  outAt: number,
): void {
  const { height: H, width: W, channels: C } = shape
  if (d.dy === 0 && d.dx === 0 && !d.flip) {
    const n = H * W * C
    for (let i = 0; i < n; i++) out[outAt + i] = lut[(i % C) * 256 + src[srcAt + i]!]!
  } else {
    for (let y = 0; y < H; y++) {
      const sy = y + d.dy
      for (let x = 0; x < W; x++) {
        const sx = (d.flip ? W - 1 - x : x) + d.dx
        const o = outAt + (y * W + x) * C
        const inside = sy >= 0 && sy < H && sx >= 0 && sx < W
        const s = srcAt + (sy * W + sx) * C
        for (let c = 0; c < C; c++) out[o + c] = lut[c * 256 + (inside ? src[s + c]! : 0)]!
      }
    }
  }
  if (d.cutY >= 0 && cutout > 0) {
    const half = Math.floor(cutout / 2)
    const y1 = Math.max(0, d.cutY - half)
    const y2 = Math.min(H, d.cutY + half)
    const x1 = Math.max(0, d.cutX - half)
    const x2 = Math.min(W, d.cutX + half)
    for (let y = y1; y < y2; y++) out.fill(0, outAt + (y * W + x1) * C, outAt + (y * W + x2) * C)
  }
}
