/**
 * Binary Netpbm images: P5 (PGM, gray) and P6 (PPM, RGB), maxval up to 65535. Samples are rescaled to
 * 0..255 when maxval is not 255. Header: magic, width, height, maxval as ASCII tokens with `#` comments,
 * then exactly one whitespace byte before the raster (netpbm.sourceforge.net/doc/pgm.html).
 */
import type { DecodedImage } from './png'
import { DatasetError } from './types'

export const isPnm = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x50 && b[1]! >= 0x31 && b[1]! <= 0x37 // P1..P7

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c

export function decodePnm(buf: Uint8Array, path: string): DecodedImage {
  const kind = String.fromCharCode(buf[0] ?? 0, buf[1] ?? 0)
  if (kind !== 'P5' && kind !== 'P6') {
    const what = kind === 'P1' || kind === 'P4' ? 'PBM bitmap' : kind === 'P7' ? 'PAM' : 'ASCII Netpbm'
    throw new DatasetError(`${path}: unsupported image format (${what} ${kind}); use binary PGM (P5) or PPM (P6)`)
  }
  let pos = 2
  const token = (name: string): number => {
    for (;;) {
      while (pos < buf.length && isSpace(buf[pos]!)) pos++
      if (buf[pos] !== 0x23) break // '#': comment to end of line
      while (pos < buf.length && buf[pos] !== 0x0a && buf[pos] !== 0x0d) pos++
    }
    const start = pos
    while (pos < buf.length && buf[pos]! >= 0x30 && buf[pos]! <= 0x39) pos++
    if (pos === start || pos >= buf.length)
      throw new DatasetError(`${path}: truncated or corrupt ${kind} header (reading ${name})`)
    return Number(String.fromCharCode(...buf.subarray(start, pos)))
  }
  const width = token('width')
  const height = token('height')
  const maxval = token('maxval')
  if (!isSpace(buf[pos]!)) throw new DatasetError(`${path}: corrupt ${kind} header (no whitespace after maxval)`)
  pos++
  if (width === 0 || height === 0 || maxval === 0 || maxval > 65535)
    throw new DatasetError(`${path}: corrupt ${kind} header (${width}×${height}, maxval ${maxval})`)
  const channels = kind === 'P5' ? 1 : 3
  const bytesPerSample = maxval > 255 ? 2 : 1
  const n = width * height * channels
  if (buf.length - pos < n * bytesPerSample)
    throw new DatasetError(`${path}: truncated ${kind} (${buf.length - pos} raster bytes, need ${n * bytesPerSample})`)
  const pixels = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const v = bytesPerSample === 1 ? buf[pos + i]! : (buf[pos + 2 * i]! << 8) | buf[pos + 2 * i + 1]!
    if (v > maxval) throw new DatasetError(`${path}: corrupt ${kind} (sample ${v} above maxval ${maxval})`)
    pixels[i] = maxval === 255 ? v : Math.round((v * 255) / maxval)
  }
  return { width, height, channels, pixels }
}
