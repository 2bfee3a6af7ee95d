/**
 * `folder` datasets: one sub-folder per class (sorted by name → class index, as torchvision's
 * ImageFolder does), images as PNG or binary PGM/PPM. Either `root/<class>/…` (train only) or
 * `root/train/<class>/…` with an optional `root/test/<class>/…`.
 *
 * File order would put the classes in blocks, and the DARTS search split takes the first and second
 * half *in order*, which would then see disjoint classes. So the train set is stored in a fixed
 * pseudo-random order (Rng seed 0 over the sorted file list): the same on every machine, classes mixed.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Rng } from '../../core/rng'
import { isDir } from './files'
import { type DecodedImage, decodePng, isPng } from './png'
import { decodePnm, isPnm } from './pnm'
import { DatasetError, type ImageShape, makeSet, type Normalization, type TestSet, type TrainSet } from './types'

/** Magic numbers of formats we do not read, so the error can say what the file is. */
const OTHER_FORMATS: readonly [string, readonly number[]][] = [
  ['JPEG', [0xff, 0xd8, 0xff]],
  ['GIF', [0x47, 0x49, 0x46, 0x38]],
  ['BMP', [0x42, 0x4d]],
  ['TIFF', [0x49, 0x49, 0x2a, 0x00]],
  ['TIFF', [0x4d, 0x4d, 0x00, 0x2a]],
  ['WebP/RIFF', [0x52, 0x49, 0x46, 0x46]],
]

export function decodeImage(buf: Uint8Array, path: string): DecodedImage {
  if (isPng(buf)) return decodePng(buf, path)
  if (isPnm(buf)) return decodePnm(buf, path)
  const other = OTHER_FORMATS.find(([, magic]) => magic.every((v, i) => buf[i] === v))?.[0] ?? 'unknown'
  throw new DatasetError(`${path}: unsupported image format (${other}); folder datasets read PNG and binary PGM/PPM`)
}

const visible = (name: string): boolean => !name.startsWith('.')

async function listDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((e) => e.isDirectory() && visible(e.name))
    .map((e) => e.name)
    .sort()
}

interface Decoded {
  readonly path: string
  readonly label: number
  readonly image: DecodedImage
}

async function decodeTree(dir: string, classNames: readonly string[]): Promise<Decoded[]> {
  const out: Decoded[] = []
  for (const [label, cls] of classNames.entries()) {
    const classDir = join(dir, cls)
    if (!(await isDir(classDir))) continue // a test split may lack a class
    const files = (await readdir(classDir, { withFileTypes: true }))
      .filter((e) => e.isFile() && visible(e.name))
      .map((e) => e.name)
    if (files.length === 0) throw new DatasetError(`${classDir}: class folder has no images`)
    for (const f of files.sort()) {
      const path = join(classDir, f)
      out.push({ path, label, image: decodeImage(await readFile(path), path) })
    }
  }
  return out
}

/** Copies decoded images into one NHWC buffer in `order`, promoting gray to RGB when `channels` is 3. */
function assemble(
  items: readonly Decoded[],
  order: ArrayLike<number>,
  shape: ImageShape,
): { images: Uint8Array; labels: Int32Array } {
  const px = shape.height * shape.width
  const images = new Uint8Array(items.length * px * shape.channels)
  const labels = new Int32Array(items.length)
  for (let k = 0; k < items.length; k++) {
    const it = items[order[k]!]!
    labels[k] = it.label
    const dst = k * px * shape.channels
    if (it.image.channels === shape.channels) images.set(it.image.pixels, dst)
    else for (let p = 0; p < px; p++) images.fill(it.image.pixels[p]!, dst + 3 * p, dst + 3 * p + 3)
  }
  return { images, labels }
}

/** Per-channel mean and (population) std of pixel/255 over a set; a constant channel gets std 1. */
export function computeNormalization(images: Uint8Array, channels: number): Normalization {
  const sum = new Float64Array(channels)
  const sq = new Float64Array(channels)
  for (let i = 0; i < images.length; i++) {
    const v = images[i]! / 255
    sum[i % channels]! += v
    sq[i % channels]! += v * v
  }
  const n = images.length / channels
  const mean = Array.from(sum, (s) => s / n)
  const std = Array.from(sq, (s, c) => Math.sqrt(Math.max(0, s / n - mean[c]! ** 2)) || 1)
  return { mean, std }
}

export interface FolderData {
  readonly classNames: readonly string[]
  readonly shape: ImageShape
  readonly train: TrainSet
  readonly test: TestSet | null
  readonly normalization: Normalization
}

export async function readImageFolder(root: string): Promise<FolderData> {
  if (!(await isDir(root))) throw new DatasetError(`${root}: not a folder (a folder dataset needs one sub-folder per class)`)
  const split = (await isDir(join(root, 'train'))) && (await listDirs(join(root, 'train'))).length > 0
  const trainDir = split ? join(root, 'train') : root
  const testDir = split && (await isDir(join(root, 'test'))) ? join(root, 'test') : null
  const classNames = await listDirs(trainDir)
  if (classNames.length < 2)
    throw new DatasetError(
      `${trainDir}: found ${classNames.length} class sub-folder(s); a folder dataset needs one per class, at least 2`,
    )
  if (testDir) {
    const extra = (await listDirs(testDir)).filter((c) => !classNames.includes(c))
    if (extra.length) throw new DatasetError(`${testDir}: test classes ${extra.join(', ')} have no train folder in ${trainDir}`)
  }
  const trainItems = await decodeTree(trainDir, classNames)
  const testItems = testDir ? await decodeTree(testDir, classNames) : []
  const all = [...trainItems, ...testItems]
  const first = all[0]!
  const odd = all.find((d) => d.image.width !== first.image.width || d.image.height !== first.image.height)
  if (odd)
    throw new DatasetError(
      `${odd.path}: is ${odd.image.width}×${odd.image.height} but ${first.path} is ${first.image.width}×${first.image.height}; ` +
        'all images of a folder dataset must have one size (resize them first)',
    )
  const shape: ImageShape = {
    height: first.image.height,
    width: first.image.width,
    channels: all.some((d) => d.image.channels === 3) ? 3 : 1,
  }
  const order = new Rng(0).shuffle(Int32Array.from(trainItems.keys()))
  const tr = assemble(trainItems, order, shape)
  const train = makeSet('train', tr.images, tr.labels, shape)
  let test: TestSet | null = null
  if (testItems.length) {
    const te = assemble(testItems, Int32Array.from(testItems.keys()), shape)
    test = makeSet('test', te.images, te.labels, shape)
  }
  return { classNames, shape, train, test, normalization: computeNormalization(tr.images, shape.channels) }
}
