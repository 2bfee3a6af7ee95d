/**
 * PNG images of dataset folders, decoded by pngjs (pure JS; every colour type, bit depth and interlacing
 * the spec allows, chunk CRCs checked), reduced to the 1 or 3 channels the models take. A damaged file
 * fails here, named, instead of training on garbage.
 */
import { PNG } from 'pngjs'
import { DatasetError } from './types'

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)

export interface DecodedImage {
  readonly width: number
  readonly height: number
  /** 1 (gray) or 3 (RGB); alpha is dropped because the models take 1 or 3 channels. */
  readonly channels: 1 | 3
  /** [height, width, channels] uint8. */
  readonly pixels: Uint8Array
}

export const isPng = (b: Uint8Array): boolean => b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)

export function decodePng(buf: Uint8Array, path: string): DecodedImage {
  if (!isPng(buf)) throw new DatasetError(`${path}: not a PNG file (bad signature)`)
  let png: ReturnType<typeof PNG.sync.read>
  try {
    // 16-bit samples are scaled to 8 bits, palettes expanded; `data` is always RGBA.
    png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength))
  } catch (e) {
    throw new DatasetError(`${path}: corrupt or truncated PNG (${(e as Error).message.split('\n')[0]})`)
  }
  const { width, height, data } = png
  if (width === 0 || height === 0) throw new DatasetError(`${path}: corrupt PNG (size ${width}×${height})`)
  // Colour type bit 1 (colour) set: RGB(A) or palette; clear: gray(+alpha).
  const channels = png.colorType & 2 ? 3 : 1
  const n = width * height
  const pixels = new Uint8Array(n * channels)
  for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) pixels[p * channels + c] = data[p * 4 + c]!
  return { width, height, channels, pixels }
}
