/** Writers for small dataset files in every format the data layer reads, so tests need no downloads. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateSync, gzipSync } from 'node:zlib'

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hdarts-data-'))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(v)
  return b
}

export function idxImages(count: number, rows: number, cols: number, pixel = (i: number) => i % 256): Buffer {
  const body = Buffer.alloc(count * rows * cols)
  for (let i = 0; i < body.length; i++) body[i] = pixel(i)
  return Buffer.concat([u32(2051), u32(count), u32(rows), u32(cols), body])
}

export function idxLabels(labels: readonly number[]): Buffer {
  return Buffer.concat([u32(2049), u32(labels.length), Buffer.from(labels)])
}

/** CIFAR records: label byte(s) then a 32×32×3 image in CHW order; pixel(r, c, p) gives each value. */
export function cifarRecords(labels: readonly (readonly number[])[], pixel: (r: number, c: number, p: number) => number): Buffer {
  const rec = labels[0]!.length + 3072
  const buf = Buffer.alloc(labels.length * rec)
  labels.forEach((l, r) => {
    buf.set(l, r * rec)
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) buf[r * rec + l.length + c * 1024 + p] = pixel(r, c, p)
  })
  return buf
}

function chunk(type: string, data: Uint8Array): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data])
  return Buffer.concat([u32(data.length), td, u32(crc32(td) >>> 0)])
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/**
 * An 8-bit PNG (colour type 0 gray, 2 RGB, 4 gray+alpha, 6 RGBA) from samples in row order. Row y uses
 * filter `filters[y % filters.length]`, so every reconstruction path of the decoder is exercised.
 */
export function png(
  width: number,
  height: number,
  colorType: 0 | 2 | 4 | 6,
  samples: Uint8Array,
  filters: readonly number[] = [0, 1, 2, 3, 4],
  opts: { interlace?: number; depth?: number } = {},
): Buffer {
  const spp = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType]
  const stride = width * spp
  const raw = Buffer.alloc(height * (stride + 1))
  for (let y = 0; y < height; y++) {
    const f = filters[y % filters.length]!
    raw[y * (stride + 1)] = f
    for (let i = 0; i < stride; i++) {
      const x = samples[y * stride + i]!
      const a = i >= spp ? samples[y * stride + i - spp]! : 0
      const b = y > 0 ? samples[(y - 1) * stride + i]! : 0
      const c = i >= spp && y > 0 ? samples[(y - 1) * stride + i - spp]! : 0
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]!
      raw[y * (stride + 1) + 1 + i] = (x - pred) & 0xff
    }
  }
  const ihdr = Buffer.concat([u32(width), u32(height), Buffer.from([opts.depth ?? 8, colorType, 0, 0, opts.interlace ?? 0])])
  const z = deflateSync(raw)
  // Split the image data over two IDAT chunks: decoders must concatenate them.
  const half = z.length >> 1
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', z.subarray(0, half)),
    chunk('IDAT', z.subarray(half)),
    chunk('IEND', new Uint8Array(0)),
  ])
}

export function pnm(kind: 'P5' | 'P6', width: number, height: number, samples: Uint8Array, maxval = 255): Buffer {
  const header = Buffer.from(`${kind}\n# made by a test\n${width} ${height}\n${maxval}\n`, 'latin1')
  if (maxval < 256) return Buffer.concat([header, samples])
  const body = Buffer.alloc(samples.length * 2)
  samples.forEach((v, i) => body.writeUInt16BE(Math.round((v * maxval) / 255), 2 * i))
  return Buffer.concat([header, body])
}

/** A gzipped ustar archive of the given files (and their parent folders). */
export function tarGz(files: Readonly<Record<string, Uint8Array>>): Buffer {
  const blocks: Buffer[] = []
  const header = (name: string, size: number, type: string) => {
    const h = Buffer.alloc(512)
    h.write(name, 0, 100, 'utf8')
    h.write('0000644\0', 100)
    h.write('0000000\0', 108)
    h.write('0000000\0', 116)
    h.write(size.toString(8).padStart(11, '0') + '\0', 124)
    h.write('00000000000\0', 136)
    h.write(type, 156)
    h.write('ustar\0', 257)
    h.write('00', 263)
    h.fill(0x20, 148, 156)
    let sum = 0
    for (const v of h) sum += v
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
    return h
  }
  const dirs = new Set<string>()
  for (const [name, data] of Object.entries(files)) {
    const parts = name.split('/')
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/') + '/'
      if (!dirs.has(d)) blocks.push(header(d, 0, '5'))
      dirs.add(d)
    }
    blocks.push(header(name, data.length, '0'), Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(blocks))
}
