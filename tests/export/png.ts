/** Decodes 8-bit RGB/RGBA/grey PNGs (what pdftoppm and Chromium write) enough to count non-white pixels. */
import { inflateSync } from 'node:zlib'

export function decodePng(buf: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG')
  let off = 8
  let width = 0
  let height = 0
  let channels = 0
  const idat: Buffer[] = []
  while (off < buf.length) {
    const len = buf.readUInt32BE(off)
    const type = buf.toString('latin1', off + 4, off + 8)
    const data = buf.subarray(off + 8, off + 8 + len)
    if (type === 'IHDR') {
      width = data.readUInt32BE(0)
      height = data.readUInt32BE(4)
      if (data[8] !== 8) throw new Error(`bit depth ${data[8]} not supported`)
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]!] ?? 0
      if (!channels || data[12] !== 0) throw new Error('colour type or interlace not supported')
    } else if (type === 'IDAT') idat.push(data)
    off += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const px = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!
      const a = x >= channels ? px[y * stride + x - channels]! : 0
      const b = y > 0 ? px[(y - 1) * stride + x]! : 0
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels]! : 0
      const p = a + b - c
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f]
      if (pred === undefined) throw new Error(`bad filter ${f}`)
      px[y * stride + x] = (v + pred) & 255
    }
  }
  return { width, height, channels, pixels: px }
}

/** Pixels whose colour channels are not all ≥ 250 (alpha ignored). */
export function nonWhitePixels(png: ReturnType<typeof decodePng>): number {
  const colour = png.channels >= 3 ? 3 : 1
  let n = 0
  for (let p = 0; p < png.width * png.height; p++) {
    for (let c = 0; c < colour; c++)
      if (png.pixels[p * png.channels + c]! < 250) {
        n++
        break
      }
  }
  return n
}
