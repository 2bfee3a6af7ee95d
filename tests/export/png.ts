/** PNGs that pdftoppm and Chromium write, decoded by pngjs, enough to count non-white pixels. */
import { PNG } from 'pngjs'

/** RGBA pixels (pngjs expands every colour type to 8-bit RGBA). */
export function decodePng(buf: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } {
  const png = PNG.sync.read(buf)
  return { width: png.width, height: png.height, channels: 4, pixels: new Uint8Array(png.data) }
}

/** Pixels whose colour channels are not all ≥ 250 (alpha ignored). */
export function nonWhitePixels(png: ReturnType<typeof decodePng>): number {
  let n = 0
  for (let p = 0; p < png.width * png.height; p++)
    if (png.pixels[p * 4]! < 250 || png.pixels[p * 4 + 1]! < 250 || png.pixels[p * 4 + 2]! < 250) n++
  return n
}
