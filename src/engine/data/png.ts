/**
 * A minimal PNG decoder for dataset folders: 8-bit grayscale, gray+alpha, RGB and RGBA, non-interlaced.
 * Chunks are CRC-checked so a damaged file fails here, named, instead of training on garbage.
 * Spec: https://www.w3.org/TR/png-3/ (§7.3 filters, §9 filter reconstruction).
 */
import { crc32, inflateSync } from 'node:zlib'
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

/** Samples per pixel by PNG colour type; palette (3) is left out on purpose (convert to RGB). */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 }

export const isPng = (b: Uint8Array): boolean => b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)

export function decodePng(buf: Uint8Array, path: string): DecodedImage {
  if (!isPng(buf)) throw new DatasetError(`${path}: not a PNG file (bad signature)`)
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let pos = 8
  let ihdr: { width: number; height: number; depth: number; colorType: number; interlace: number } | null = null
  const idat: Uint8Array[] = []
  let ended = false
  while (pos < buf.length && !ended) {
    if (pos + 12 > buf.length) throw new DatasetError(`${path}: truncated PNG (chunk header at byte ${pos})`)
    const len = view.getUint32(pos)
    const type = String.fromCharCode(buf[pos + 4]!, buf[pos + 5]!, buf[pos + 6]!, buf[pos + 7]!)
    if (pos + 12 + len > buf.length) throw new DatasetError(`${path}: truncated PNG (${type} chunk runs past the end)`)
    const data = buf.subarray(pos + 8, pos + 8 + len)
    if (crc32(buf.subarray(pos + 4, pos + 8 + len)) >>> 0 !== view.getUint32(pos + 8 + len))
      throw new DatasetError(`${path}: corrupt PNG (CRC mismatch in ${type} chunk)`)
    if (type === 'IHDR') {
      if (len !== 13) throw new DatasetError(`${path}: corrupt PNG (IHDR length ${len})`)
      const d = new DataView(data.buffer, data.byteOffset, 13)
      ihdr = { width: d.getUint32(0), height: d.getUint32(4), depth: data[8]!, colorType: data[9]!, interlace: data[12]! }
    } else if (type === 'IDAT') idat.push(data)
    else if (type === 'IEND') ended = true
    pos += 12 + len
  }
  if (!ihdr) throw new DatasetError(`${path}: corrupt PNG (no IHDR chunk)`)
  if (!ended) throw new DatasetError(`${path}: truncated PNG (no IEND chunk)`)
  const { width, height, depth, colorType, interlace } = ihdr
  const spp = SAMPLES[colorType]
  if (spp === undefined || depth !== 8)
    throw new DatasetError(
      `${path}: unsupported PNG (colour type ${colorType}, bit depth ${depth}; only 8-bit gray, gray+alpha, RGB, RGBA are read)`,
    )
  if (interlace !== 0) throw new DatasetError(`${path}: unsupported PNG (interlaced); save it non-interlaced`)
  if (width === 0 || height === 0) throw new DatasetError(`${path}: corrupt PNG (size ${width}×${height})`)

  let raw: Buffer
  try {
    raw = inflateSync(Buffer.concat(idat))
  } catch (e) {
    throw new DatasetError(`${path}: corrupt PNG (image data does not inflate: ${(e as Error).message})`)
  }
  const stride = width * spp
  if (raw.length < height * (stride + 1))
    throw new DatasetError(`${path}: truncated PNG (image data has ${raw.length} bytes, need ${height * (stride + 1)})`)
  const samples = unfilter(raw, width, height, spp, path)
  return toGrayOrRgb(samples, width, height, spp)
}

/** Undoes the per-row filters in place of a fresh buffer; `bpp` = bytes per pixel (8-bit samples). */
function unfilter(raw: Uint8Array, width: number, height: number, bpp: number, path: string): Uint8Array {
  const stride = width * bpp
  const out = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    const src = y * (stride + 1) + 1
    const row = y * stride
    const prev = row - stride // only read when y > 0
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i]!
      const a = i >= bpp ? out[row + i - bpp]! : 0
      const b = y > 0 ? out[prev + i]! : 0
      const c = i >= bpp && y > 0 ? out[prev + i - bpp]! : 0
      let v: number
      if (filter === 0) v = x
      else if (filter === 1) v = x + a
      else if (filter === 2) v = x + b
      else if (filter === 3) v = x + ((a + b) >>> 1)
      else if (filter === 4) v = x + paeth(a, b, c)
      else throw new DatasetError(`${path}: corrupt PNG (unknown filter type ${filter} on row ${y})`)
      out[row + i] = v & 0xff
    }
  }
  return out
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

function toGrayOrRgb(samples: Uint8Array, width: number, height: number, spp: number): DecodedImage {
  if (spp === 1 || spp === 3) return { width, height, channels: spp, pixels: samples }
  const channels = spp === 2 ? 1 : 3
  const n = width * height
  const pixels = new Uint8Array(n * channels)
  for (let p = 0; p < n; p++) for (let c = 0; c < channels; c++) pixels[p * channels + c] = samples[p * spp + c]!
  return { width, height, channels, pixels }
}
