import { createHash } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DatasetError, downloadFile, extractTarGz, loadDataset, type DownloadSource } from '../../../src/engine/data/index'
import { cifarRecords, idxImages, idxLabels, tarGz, tempDir } from './helpers'

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex')
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

// A local HTTP server on 127.0.0.1 stands in for the dataset hosts; nothing here reaches the internet.
const routes = new Map<string, Buffer>()
const hits: string[] = []
let server: Server
let base: string

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/'
    hits.push(url)
    if (url.startsWith('/redirect/')) {
      res.writeHead(302, { location: `../files/${url.slice('/redirect/'.length)}` }).end()
      return
    }
    if (url === '/short') {
      res.writeHead(200, { 'content-length': '1000' })
      res.write(Buffer.alloc(100))
      setTimeout(() => res.destroy(), 20)
      return
    }
    const body = routes.get(url)
    if (!body) res.writeHead(404).end('not found')
    else res.writeHead(200, { 'content-length': String(body.length) }).end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await tempDir()))
afterEach(() => cleanup())

describe('downloadFile', () => {
  const payload = Buffer.from('dataset bytes '.repeat(5000))
  beforeAll(() => routes.set('/files/a.bin', payload))

  it('puts the file in place when the checksum matches (md5 or sha256), following redirects', async () => {
    await downloadFile(`${base}/files/a.bin`, join(dir, 'a.bin'), { md5: md5(payload) })
    expect((await readFile(join(dir, 'a.bin'))).equals(payload)).toBe(true)
    const progress: number[] = []
    await downloadFile(
      `${base}/redirect/a.bin`,
      join(dir, 'sub', 'b.bin'),
      { sha256: sha256(payload) },
      { onProgress: (n) => progress.push(n) },
    )
    expect((await readFile(join(dir, 'sub', 'b.bin'))).equals(payload)).toBe(true)
    expect(progress.at(-1)).toBe(payload.length)
    expect(await readdir(dir)).toEqual(['a.bin', 'sub'])
  })

  it('on a checksum mismatch: an error and no file left behind', async () => {
    const err = await downloadFile(`${base}/files/a.bin`, join(dir, 'a.bin'), { md5: '0'.repeat(32) }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DatasetError)
    expect((err as Error).message).toMatch(
      /checksum mismatch for a\.bin from http:\/\/127\.0\.0\.1:\d+\/files\/a\.bin: md5 [0-9a-f]{32}, expected 0{32}/,
    )
    expect(await readdir(dir)).toEqual([])
  })

  it('on HTTP errors and bodies cut short: an error and no file', async () => {
    await expect(downloadFile(`${base}/files/nope`, join(dir, 'x'), { md5: md5(payload) })).rejects.toThrow(/HTTP 404/)
    await expect(downloadFile(`${base}/short`, join(dir, 'y'), { md5: md5(payload) })).rejects.toThrow(DatasetError)
    expect(await readdir(dir)).toEqual([])
  })
})

describe('extractTarGz', () => {
  it('unpacks accepted regular files, refuses unsafe paths and truncated archives', async () => {
    const archive = join(dir, 'a.tar.gz')
    const big = Buffer.alloc(70_000, 7) // spans several gunzip chunks
    await writeFile(archive, tarGz({ 'top/one.bin': Buffer.from('one'), 'top/two.bin': big, 'other/x': Buffer.from('x') }))
    const names = await extractTarGz(archive, join(dir, 'out'), (n) => n.startsWith('top/'))
    expect(names).toEqual(['top/one.bin', 'top/two.bin'])
    expect((await readFile(join(dir, 'out', 'top', 'two.bin'))).equals(big)).toBe(true)
    expect(await readdir(join(dir, 'out'))).toEqual(['top'])

    await writeFile(archive, tarGz({ '../evil': Buffer.from('x') }))
    await expect(extractTarGz(archive, join(dir, 'out2'), () => true)).rejects.toThrow(/unsafe path '\.\.\//)

    const raw = tarGz({ 'top/two.bin': big })
    await writeFile(archive, gzipSync(gunzipSync(raw).subarray(0, 30_000)))
    const cut = await extractTarGz(archive, join(dir, 'out3'), () => true).catch((e: Error) => e)
    expect(String(cut)).toMatch(/a\.tar\.gz: truncated or corrupt archive \(.+\)$/)
    await writeFile(archive, raw.subarray(0, raw.length - 30))
    const bad = await extractTarGz(archive, join(dir, 'out4'), () => true).catch((e: Error) => e)
    expect(bad).toBeInstanceOf(DatasetError)
    expect(String(bad)).toMatch(/a\.tar\.gz: truncated or corrupt archive \(.*unexpected end of file.*\)$/i)
    await writeFile(archive, Buffer.from('this is not a gzip file'))
    const junk = await extractTarGz(archive, join(dir, 'out5'), () => true).catch((e: Error) => e)
    expect(junk).toBeInstanceOf(DatasetError)
    for (const e of [cut, bad, junk]) expect(String(e).split('\n')).toHaveLength(1)
  })
})

describe('loadDataset with download: true', () => {
  const px = (r: number, c: number, p: number) => (r + c + p) % 256
  const files: Record<string, Buffer> = {}
  for (let b = 1; b <= 5; b++) files[`cifar-10-batches-bin/data_batch_${b}.bin`] = cifarRecords([[b - 1], [b]], px)
  files['cifar-10-batches-bin/test_batch.bin'] = cifarRecords([[3]], px)
  files['cifar-10-batches-bin/batches.meta.txt'] = Buffer.from('airplane\n')
  const archive = tarGz(files)
  const cifarSource = (checksum: string): DownloadSource => ({
    baseUrls: [`${base}/kriz/`],
    files: [{ name: 'cifar-10-binary.tar.gz', checksum: { md5: checksum } }],
    extract: 'cifar-10-batches-bin',
  })
  beforeAll(() => routes.set('/kriz/cifar-10-binary.tar.gz', archive))

  it('downloads, verifies and unpacks CIFAR-10 into the app data folder, then finds it there offline', async () => {
    const opts = { appDataDir: join(dir, 'app'), systemRoots: [] }
    const log: string[] = []
    const ds = await loadDataset('cifar10', {
      ...opts,
      download: true,
      downloadSource: cifarSource(md5(archive)),
      log: (l) => log.push(l),
    })
    expect(ds.location).toEqual({ kind: 'downloaded', dir: join(dir, 'app', 'cifar10', 'cifar-10-batches-bin') })
    expect(ds.train.count).toBe(10)
    expect(Array.from(ds.test!.labels)).toEqual([3])
    expect(log[0]).toMatch(/^downloading http:\/\/127\.0\.0\.1:\d+\/kriz\/cifar-10-binary\.tar\.gz$/)
    // The archive and the scratch folder are gone; only the unpacked folder stays.
    expect(await readdir(join(dir, 'app', 'cifar10'))).toEqual(['cifar-10-batches-bin'])
    const before = hits.length
    const again = await loadDataset('cifar10', opts)
    expect(again.location.kind).toBe('app-data')
    expect(hits.length).toBe(before)
  })

  it('a bad archive checksum fails the load, says where it looked, and leaves nothing behind', async () => {
    const err = await loadDataset('cifar10', {
      appDataDir: join(dir, 'app'),
      systemRoots: [],
      download: true,
      downloadSource: cifarSource('f'.repeat(32)),
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DatasetError)
    expect((err as Error).message).toMatch(
      /^CIFAR-10 files not found \(looked in: app data .*\) and the download failed: checksum mismatch/,
    )
    expect(await readdir(join(dir, 'app', 'cifar10'))).toEqual([])
  })

  it('tries mirrors in order for IDX files and keeps them gzipped', async () => {
    const idx: Record<string, Buffer> = {
      'train-images-idx3-ubyte.gz': gzipSync(idxImages(4, 28, 28)),
      'train-labels-idx1-ubyte.gz': gzipSync(idxLabels([1, 2, 3, 4])),
      't10k-images-idx3-ubyte.gz': gzipSync(idxImages(2, 28, 28)),
      't10k-labels-idx1-ubyte.gz': gzipSync(idxLabels([5, 6])),
    }
    for (const [name, data] of Object.entries(idx)) routes.set(`/mirror2/${name}`, data)
    const source: DownloadSource = {
      baseUrls: [`${base}/mirror1/`, `${base}/mirror2/`],
      files: Object.entries(idx).map(([name, data]) => ({ name, checksum: { md5: md5(data) } })),
    }
    const ds = await loadDataset('mnist', {
      dataDir: join(dir, 'given'),
      appDataDir: join(dir, 'app'),
      systemRoots: [],
      download: true,
      downloadSource: source,
    })
    // With an explicit data dir, downloads go to <data dir>/<id>.
    expect(ds.location).toEqual({ kind: 'downloaded', dir: join(dir, 'given', 'mnist') })
    expect(Array.from(ds.test!.labels)).toEqual([5, 6])
    expect((await readdir(join(dir, 'given', 'mnist'))).sort()).toEqual(Object.keys(idx).sort())
    expect(hits).toContain('/mirror1/train-images-idx3-ubyte.gz')
  })
})
