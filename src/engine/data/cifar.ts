/**
 * CIFAR binary versions: fixed-size records of label byte(s) then 3072 bytes of a 32×32 image in
 * CHW order (1024 R, 1024 G, 1024 B). CIFAR-10: 1 label byte. CIFAR-100: coarse then fine byte; we
 * use the fine label. Records are transposed to HWC on the way in, straight into one buffer.
 */
import { readFile, stat } from 'node:fs/promises'
import { DatasetError } from './types'

const PLANE = 32 * 32
const IMAGE_BYTES = 3 * PLANE

export interface CifarFormat {
  /** 1 for CIFAR-10, 2 for CIFAR-100. */
  readonly labelBytes: number
  /** Which label byte is the class (CIFAR-100: 1 = fine). */
  readonly labelIndex: number
  readonly numClasses: number
}

export const CIFAR10_FORMAT: CifarFormat = { labelBytes: 1, labelIndex: 0, numClasses: 10 }
export const CIFAR100_FORMAT: CifarFormat = { labelBytes: 2, labelIndex: 1, numClasses: 100 }
/** CIFAR-100's coarse label has 20 classes; we check it even though we drop it, to catch shifted records. */
const CIFAR100_COARSE = 20

async function readWhole(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (e) {
    throw new DatasetError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
}

/** The number of records in a file of `bytes`, or a DatasetError if it is not a whole number of them. */
export function recordCount(bytes: number, path: string, fmt: CifarFormat): number {
  const rec = fmt.labelBytes + IMAGE_BYTES
  if (bytes === 0) throw new DatasetError(`${path}: empty file (expected ${rec}-byte CIFAR records)`)
  if (bytes % rec !== 0)
    throw new DatasetError(
      `${path}: wrong record size: ${bytes} bytes is not a whole number of ${rec}-byte records (truncated, or not this CIFAR version)`,
    )
  return bytes / rec
}

/** Decodes `buf` (whole records) into `images` (HWC) and `labels` starting at record `at`. */
export function decodeRecords(
  buf: Uint8Array,
  path: string,
  fmt: CifarFormat,
  images: Uint8Array,
  labels: Int32Array,
  at: number,
): number {
  const rec = fmt.labelBytes + IMAGE_BYTES
  const n = recordCount(buf.length, path, fmt)
  for (let r = 0; r < n; r++) {
    const base = r * rec
    if (fmt.labelBytes === 2 && buf[base]! >= CIFAR100_COARSE)
      throw new DatasetError(`${path}: coarse label ${buf[base]} out of range 0..${CIFAR100_COARSE - 1} in record ${r}`)
    const label = buf[base + fmt.labelIndex]!
    if (label >= fmt.numClasses)
      throw new DatasetError(`${path}: label ${label} out of range 0..${fmt.numClasses - 1} in record ${r}`)
    labels[at + r] = label
    const src = base + fmt.labelBytes
    const dst = (at + r) * IMAGE_BYTES
    for (let p = 0; p < PLANE; p++) {
      images[dst + 3 * p] = buf[src + p]!
      images[dst + 3 * p + 1] = buf[src + PLANE + p]!
      images[dst + 3 * p + 2] = buf[src + 2 * PLANE + p]!
    }
  }
  return n
}

/**
 * Reads several record files into one HWC buffer. Sizes are checked from the file system first so the
 * output is allocated once; only one file's raw bytes are held at a time.
 */
export async function readCifarFiles(
  paths: readonly string[],
  fmt: CifarFormat,
): Promise<{ images: Uint8Array; labels: Int32Array }> {
  const counts: number[] = []
  for (const p of paths) {
    const size = await stat(p).then(
      (st) => st.size,
      (e: NodeJS.ErrnoException) => {
        throw new DatasetError(`${p}: cannot read (${e.code ?? e.message})`)
      },
    )
    counts.push(recordCount(size, p, fmt))
  }
  const total = counts.reduce((a, b) => a + b, 0)
  const images = new Uint8Array(total * IMAGE_BYTES)
  const labels = new Int32Array(total)
  let at = 0
  for (const p of paths) at += decodeRecords(await readWhole(p), p, fmt, images, labels, at)
  return { images, labels }
}
