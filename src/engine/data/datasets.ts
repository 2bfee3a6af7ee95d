/**
 * The dataset registry: `loadDataset(id, options)` finds the files (resolve.ts), parses them and
 * returns uint8 train/test sets with the dataset's description. Nothing here touches TensorFlow.
 */
import { join } from 'node:path'
import { CATALOG, type BuiltinId } from './catalog'
import { type CifarFormat, CIFAR10_FORMAT, CIFAR100_FORMAT, readCifarFiles } from './cifar'
import { firstExisting } from './files'
import { readImageFolder } from './folder'
import { readIdxPair } from './idx'
import { type LocateOptions, locateDataset } from './resolve'
import { DATASET_IDS, DatasetError, type DatasetId, type DatasetInfo, type LoadedDataset, makeSet } from './types'

export type LoadOptions = LocateOptions

export const isDatasetId = (s: string): s is DatasetId => (DATASET_IDS as readonly string[]).includes(s)

/** The fixed description of a built-in dataset; `folder` has none until its files are read. */
export function datasetInfo(id: BuiltinId): DatasetInfo {
  return CATALOG[id].info
}

async function readCifar(dir: string, info: DatasetInfo, fmt: CifarFormat, trainFiles: string[], testFile: string) {
  const tr = await readCifarFiles(
    trainFiles.map((f) => join(dir, f)),
    fmt,
  )
  const te = await readCifarFiles([join(dir, testFile)], fmt)
  return { train: makeSet('train', tr.images, tr.labels, info.shape), test: makeSet('test', te.images, te.labels, info.shape) }
}

async function readIdx(dir: string, info: DatasetInfo) {
  const path = async (name: string) => (await firstExisting(dir, [name, `${name}.gz`]))!
  const tr = await readIdxPair(
    await path('train-images-idx3-ubyte'),
    await path('train-labels-idx1-ubyte'),
    info.shape,
    info.numClasses,
  )
  const te = await readIdxPair(
    await path('t10k-images-idx3-ubyte'),
    await path('t10k-labels-idx1-ubyte'),
    info.shape,
    info.numClasses,
  )
  return { train: makeSet('train', tr.images, tr.labels, info.shape), test: makeSet('test', te.images, te.labels, info.shape) }
}

/**
 * Loads a dataset. Built-ins are looked for in `dataDir`, the app data folder, then system folders,
 * then downloaded if `download` is true. `folder` reads `dataDir` only (required).
 */
export async function loadDataset(id: DatasetId, options: LoadOptions = {}): Promise<LoadedDataset> {
  if (!isDatasetId(id)) throw new DatasetError(`unknown dataset '${String(id)}' (datasets: ${DATASET_IDS.join(', ')})`)
  if (id === 'folder') {
    if (!options.dataDir)
      throw new DatasetError('the folder dataset needs a data folder (--data-dir DIR) with one sub-folder of images per class')
    const f = await readImageFolder(options.dataDir)
    const side = Math.min(f.shape.height, f.shape.width)
    const info: DatasetInfo = {
      id,
      label: `Image folder (${f.classNames.length} classes)`,
      shape: f.shape,
      numClasses: f.classNames.length,
      classNames: f.classNames,
      normalization: f.normalization,
      // The CIFAR recipe scaled to the image: pad by 1/8 of the side (4 at 32 px); natural images flip.
      augment: { cropPadding: Math.max(1, Math.round(side / 8)), flip: true, cutout: 0 },
    }
    return { info, train: f.train, test: f.test, location: { kind: 'explicit', dir: options.dataDir } }
  }
  const entry = CATALOG[id]
  const location = await locateDataset(entry, options)
  const info = entry.info
  const sets =
    id === 'cifar10'
      ? await readCifar(
          location.dir,
          info,
          CIFAR10_FORMAT,
          [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
          'test_batch.bin',
        )
      : id === 'cifar100'
        ? await readCifar(location.dir, info, CIFAR100_FORMAT, ['train.bin'], 'test.bin')
        : await readIdx(location.dir, info)
  return { info, ...sets, location }
}
