/**
 * IDX files (MNIST, Fashion-MNIST): a big-endian header — magic 0x00000803 (2051) for uint8 images
 * with 3 dims, 0x00000801 (2049) for uint8 labels with 1 dim — then the raw bytes. Gzipped or not.
 */
import { readMaybeGzip } from './files'
import { DatasetError, type ImageShape } from './types'

export const IDX_IMAGES_MAGIC = 2051
export const IDX_LABELS_MAGIC = 2049

export interface IdxImages {
  readonly count: number
  readonly rows: number
  readonly cols: number
  /** [count, rows, cols] uint8, a view into the decoded file (no copy). */
  readonly pixels: Uint8Array
}

function header(buf: Uint8Array, path: string, magic: number, dims: number): number[] {
  const need = 4 + 4 * dims
  if (buf.length < need) throw new DatasetError(`${path}: truncated IDX header (${buf.length} bytes, need ${need})`)
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const got = view.getUint32(0)
  if (got !== magic)
    throw new DatasetError(
      `${path}: bad magic number ${got} (expected ${magic}; not an IDX ${dims === 3 ? 'image' : 'label'} file)`,
    )
  return Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i))
}

function checkLength(buf: Uint8Array, path: string, headerBytes: number, body: number, what: string): void {
  const want = headerBytes + body
  if (buf.length < want)
    throw new DatasetError(`${path}: truncated file (${buf.length} bytes, header says ${what}: ${want} bytes)`)
  if (buf.length > want) throw new DatasetError(`${path}: wrong size (${buf.length} bytes, header says ${what}: ${want} bytes)`)
}

export function parseIdxImages(buf: Uint8Array, path: string): IdxImages {
  const [count, rows, cols] = header(buf, path, IDX_IMAGES_MAGIC, 3) as [number, number, number]
  checkLength(buf, path, 16, count * rows * cols, `${count} images of ${rows}×${cols}`)
  return { count, rows, cols, pixels: buf.subarray(16) }
}

export function parseIdxLabels(buf: Uint8Array, path: string, numClasses: number): Int32Array {
  const [count] = header(buf, path, IDX_LABELS_MAGIC, 1) as [number]
  checkLength(buf, path, 8, count, `${count} labels`)
  const labels = new Int32Array(count)
  for (let i = 0; i < count; i++) {
    const l = buf[8 + i]!
    if (l >= numClasses) throw new DatasetError(`${path}: label ${l} out of range 0..${numClasses - 1} at index ${i}`)
    labels[i] = l
  }
  return labels
}

/** Reads one images + labels pair and checks that they agree with each other and with the expected shape. */
export async function readIdxPair(
  imagesPath: string,
  labelsPath: string,
  shape: ImageShape,
  numClasses: number,
): Promise<{ images: Uint8Array; labels: Int32Array }> {
  const img = parseIdxImages(await readMaybeGzip(imagesPath), imagesPath)
  if (img.rows !== shape.height || img.cols !== shape.width)
    throw new DatasetError(`${imagesPath}: images are ${img.rows}×${img.cols}, expected ${shape.height}×${shape.width}`)
  const labels = parseIdxLabels(await readMaybeGzip(labelsPath), labelsPath, numClasses)
  if (labels.length !== img.count)
    throw new DatasetError(`${imagesPath} has ${img.count} images but ${labelsPath} has ${labels.length} labels`)
  return { images: img.pixels, labels }
}
