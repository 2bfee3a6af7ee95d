import { mkdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DATASET_IDS as CONFIG_DATASET_IDS } from '../../../src/core/config/search'
import { DATASET_IDS, DatasetError, defaultAppDataDir, loadDataset } from '../../../src/engine/data/index'
import { idxImages, idxLabels, tempDir } from './helpers'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await tempDir()))
afterEach(() => cleanup())

/** A tiny IDX dataset whose first train label is `tag`, so a test can tell which copy was read. */
async function idxSet(at: string, tag: number, gz = false) {
  await mkdir(at, { recursive: true })
  const w = (name: string, data: Buffer) => writeFile(join(at, name + (gz ? '.gz' : '')), data)
  await w('train-images-idx3-ubyte', idxImages(2, 28, 28))
  await w('train-labels-idx1-ubyte', idxLabels([tag, 0]))
  await w('t10k-images-idx3-ubyte', idxImages(1, 28, 28))
  await w('t10k-labels-idx1-ubyte', idxLabels([0]))
}

describe('defaultAppDataDir', () => {
  it('prefers $HDARTS_DATA_DIR, then $HDARTS_HOME/datasets, then the platform data folder', () => {
    expect(defaultAppDataDir({ HDARTS_DATA_DIR: '/data/x' }, 'linux', '/home/u')).toBe('/data/x')
    expect(defaultAppDataDir({ HDARTS_HOME: '/h', HDARTS_DATA_DIR: '/d' }, 'linux', '/home/u')).toBe('/d')
    expect(defaultAppDataDir({ HDARTS_HOME: '/h' }, 'linux', '/home/u')).toBe('/h/datasets')
    expect(defaultAppDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/hdarts-studio/datasets')
    expect(defaultAppDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/hdarts-studio/datasets')
    expect(defaultAppDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/hdarts-studio/datasets')
    expect(defaultAppDataDir({ APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32', 'C:/Users/u')).toMatch(
      /^C:\/Users\/u\/AppData\/Roaming[\\/]hdarts-studio[\\/]datasets$/,
    )
  })
})

describe('resolution order', () => {
  it('an explicit folder alone; without one, app data, then system folders', async () => {
    const explicit = join(dir, 'mine')
    const appData = join(dir, 'app')
    const system = join(dir, 'usr-share-datasets')
    await idxSet(explicit, 1)
    await idxSet(join(appData, 'mnist'), 2, true)
    await idxSet(join(system, 'mnist'), 3)
    const load = (o: { dataDir?: string }) =>
      loadDataset('mnist', { ...o, appDataDir: appData, systemRoots: [join(dir, 'none'), system] })

    const a = await load({ dataDir: explicit })
    expect([a.location.kind, a.train.labels[0]]).toEqual(['explicit', 1])
    const b = await load({})
    expect([b.location.kind, b.location.dir, b.train.labels[0]]).toEqual(['app-data', join(appData, 'mnist'), 2])
    await rm(join(appData, 'mnist'), { recursive: true })
    const c = await load({})
    expect([c.location.kind, c.location.dir, c.train.labels[0]]).toEqual(['system', join(system, 'mnist'), 3])
    // A named data dir without the files is an error naming it, never a silent fallback to another copy.
    const err = await load({ dataDir: join(dir, 'empty') }).then(
      () => null,
      (e: Error) => e,
    )
    expect(err?.message).toContain(join(dir, 'empty'))
    expect(err?.message).not.toContain(system)
    expect(err?.message.split('\n')).toHaveLength(1)
  })

  it('accepts a data dir that holds <id>/ sub-folders, and torchvision-style raw/ folders', async () => {
    await idxSet(join(dir, 'fashion-mnist', 'FashionMNIST', 'raw'), 7, true)
    const ds = await loadDataset('fashion-mnist', { dataDir: dir, appDataDir: join(dir, 'app'), systemRoots: [] })
    expect(ds.location).toEqual({ kind: 'explicit', dir: join(dir, 'fashion-mnist', 'FashionMNIST', 'raw') })
    expect(ds.train.labels[0]).toBe(7)
  })

  it('offline with nothing found: one line naming every place looked and how to get the files, and no network use', async () => {
    let requests = 0
    const server = createServer((_, res) => {
      requests++
      res.end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    // A half-filled app data folder, to see that the message says what is missing there.
    await mkdir(join(dir, 'app', 'fashion-mnist'), { recursive: true })
    await writeFile(join(dir, 'app', 'fashion-mnist', 'train-images-idx3-ubyte.gz'), '')
    try {
      const err = await loadDataset('fashion-mnist', {
        appDataDir: join(dir, 'app'),
        systemRoots: [join(dir, 'sys')],
        downloadSource: { baseUrls: [`http://127.0.0.1:${port}/`], files: [{ name: 'x', checksum: { md5: '0'.repeat(32) } }] },
      }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(DatasetError)
      const msg = (err as Error).message
      expect(msg).not.toContain('\n')
      expect(msg).toContain('Fashion-MNIST files not found')
      expect(msg).toContain(
        `app data ${join(dir, 'app', 'fashion-mnist')} (missing train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz, t10k-images`,
      )
      expect(msg).toContain(`system ${join(dir, 'sys', 'fashion-mnist')} (no such folder)`)
      expect(msg).toContain('apt-get install dataset-fashion-mnist')
      expect(msg).toContain('--data-dir')
      expect(msg).toContain('--download')
      expect(requests).toBe(0) // downloads are opt-in
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })

  it('looks in /usr/share/datasets by default', async () => {
    const err = await loadDataset('cifar100', { appDataDir: join(dir, 'app') }).catch((e: unknown) => e)
    expect((err as Error).message).toMatch(/system \/usr\/share\/datasets\/cifar100 \(/)
    expect((err as Error).message).toContain('https://www.cs.toronto.edu/~kriz/')
  })

  it('knows every dataset the search config accepts', () => {
    expect([...DATASET_IDS]).toEqual([...CONFIG_DATASET_IDS])
  })

  it('rejects an unknown dataset id', async () => {
    await expect(loadDataset('imagenet' as 'mnist')).rejects.toThrow(
      /unknown dataset 'imagenet' \(datasets: cifar10, cifar100, fashion-mnist, mnist, folder\)/,
    )
  })
})
