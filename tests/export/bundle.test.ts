/** The zip writer and the reproducibility bundle: structure, CRC, `unzip -t`, Python's zipfile, README, re-import. */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, inflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyOverrides, getPreset } from '../../src/core/config/search'
import { buildBundle, reproduction, writeZip, ZipError } from '../../src/main/export/index'
import { importRuns } from '../../src/main/slurm/importer'
import { openStore, type Store } from '../../src/main/store'
import { hdarts } from '../cli/run'
import { finishedRun } from './bundleRuns'

const dir = mkdtempSync(join(tmpdir(), 'hdarts-bundle-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0
const skip = (what: string, why: string) => console.log(`[export tests] ${what} skipped: ${why}`)

/** Reads a zip back by its central directory (the way unzip does), checking every local header agrees and every CRC (node:zlib's crc32). */
function readZip(buf: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const eocd = buf.byteLength - 22
  expect(v.getUint32(eocd, true)).toBe(0x06054b50)
  const n = v.getUint16(eocd + 10, true)
  let p = v.getUint32(eocd + 16, true)
  expect(p + v.getUint32(eocd + 12, true)).toBe(eocd)
  const out = new Map<string, Uint8Array>()
  for (let i = 0; i < n; i++) {
    expect(v.getUint32(p, true)).toBe(0x02014b50)
    const [method, crc, csize, usize, nlen, off] = [
      v.getUint16(p + 10, true),
      v.getUint32(p + 16, true),
      v.getUint32(p + 20, true),
      v.getUint32(p + 24, true),
      v.getUint16(p + 28, true),
      v.getUint32(p + 42, true),
    ]
    const name = new TextDecoder().decode(buf.subarray(p + 46, p + 46 + nlen))
    expect(v.getUint32(off, true)).toBe(0x04034b50)
    expect(v.getUint32(off + 14, true)).toBe(crc)
    expect(v.getUint32(off + 18, true)).toBe(csize)
    const body = buf.subarray(off + 30 + nlen, off + 30 + nlen + csize)
    const data = method === 8 ? new Uint8Array(inflateRawSync(body)) : body
    expect(data.byteLength).toBe(usize)
    expect(crc32(data) >>> 0).toBe(crc)
    out.set(name, data)
    p += 46 + nlen
  }
  return out
}

describe('zip writer', () => {
  it('stores incompressible entries, deflates the rest, and reads back byte for byte', () => {
    const random = new Uint8Array(2000).map((_, i) => (i * 2654435761) >>> 24)
    const zip = writeZip(
      [
        { name: 'a.txt', data: 'hello '.repeat(500) },
        { name: 'dir/ü.bin', data: random },
        { name: 'empty', data: '' },
      ],
      { date: new Date('2026-11-28T07:00:00Z') },
    )
    const files = readZip(zip)
    expect([...files.keys()]).toEqual(['a.txt', 'dir/ü.bin', 'empty'])
    expect(new TextDecoder().decode(files.get('a.txt'))).toBe('hello '.repeat(500))
    expect(files.get('dir/ü.bin')).toEqual(random)
    expect(zip.byteLength).toBeLessThan(3000 + 2000)
  })

  it('refuses unsafe and duplicate names', () => {
    for (const name of ['/abs', '../up', 'a//b', 'a\\b', '']) expect(() => writeZip([{ name, data: 'x' }])).toThrow(ZipError)
    expect(() =>
      writeZip([
        { name: 'a', data: 'x' },
        { name: 'a', data: 'y' },
      ]),
    ).toThrow(/duplicate/)
  })
})

describe('reproducibility bundle', () => {
  let store: Store
  let ids: string[]
  let zip: Uint8Array
  let files: Map<string, Uint8Array>
  const text = (name: string) => new TextDecoder().decode(files.get(name))

  beforeAll(async () => {
    store = openStore(join(dir, 'hdarts.db'))
    const runsDir = join(dir, 'runs')
    ids = [
      finishedRun(store, runsDir, 'darts-1st-quick', ['epochs=2', 'seed=3']),
      finishedRun(store, runsDir, 'pr-darts-quick', ['epochs=2', 'seed=1', 'archLr=0.0006'], 0.7),
    ]
    const b = await buildBundle(store, ids, { groupBy: 'method', date: new Date('2026-11-28T07:00:00Z') })
    zip = b.bytes
    files = readZip(zip)
    writeFileSync(join(dir, 'bundle.zip'), zip)
    expect(b.filename).toBe('hdarts-bundle-20261128-2runs.zip')
  }, 120_000) // loads Graphviz and writes two runs' figures (PDF included): slow on a loaded machine
  afterAll(() => store.close())

  it('holds per-run files, tables, manifest and README', () => {
    for (const id of ids)
      for (const f of [
        'run.json',
        'events.jsonl',
        'provenance.json',
        'genotype.py',
        'genotype.json',
        'genotype.svg',
        'genotype.pdf',
        'genotype.tex',
      ])
        expect(files.has(`runs/${id}/${f}`), `runs/${id}/${f}`).toBe(true)
    for (const f of ['README.md', 'manifest.json', 'tables/results.tex', 'tables/results.csv', 'tables/results.md'])
      expect(files.has(f), f).toBe(true)
    expect(text(`runs/${ids[0]}/genotype.py`)).toContain("Genotype = namedtuple('Genotype'")
    expect(text(`runs/${ids[0]}/genotype.pdf`).startsWith('%PDF-1.4')).toBe(true)
    expect(text('tables/results.tex')).toContain('\\toprule')
    const prov = JSON.parse(text(`runs/${ids[1]}/provenance.json`))
    expect(prov).toMatchObject({ backend: 'wasm', device: 'test cpu', seed: 1, versions: { hdarts: '0.1.0' } })
    expect(prov.versions.node).toBe(process.version)
  })

  it("README gives each run's exact command (which rebuilds its config), versions and how to import", () => {
    const readme = text('README.md')
    for (const id of ids) {
      const section = readme.slice(readme.indexOf(`### ${id}`))
      const command = /^npx hdarts search --preset (\S+)((?: --set \S+)*)$/m.exec(section)
      expect(command, id).not.toBeNull()
      const sets = [...command![2]!.matchAll(/--set (\S+)/g)].map((m) => m[1]!)
      expect(applyOverrides(getPreset(command![1]!).config, sets)).toEqual(store.getRun(id)!.config)
    }
    expect(readme).toMatch(/--preset pr-darts-quick .*--set archLr=0.0006/)
    expect(readme).toContain(`hdarts 0.1.0, node ${process.version}`)
    expect(readme).toContain('npx hdarts slurm import')
    expect(reproduction(store.getRun(ids[1]!)!)).toMatchObject({ exactPreset: true, unsettable: [] })
  })

  it('an imported run without a preset starts from the closest preset of its method', () => {
    const config = applyOverrides(getPreset('darts-2nd').config, ['epochs=7'])
    const r = reproduction({ preset: null, method: 'darts', config: config as unknown as Record<string, unknown> })
    expect(r).toMatchObject({ preset: 'darts-2nd', exactPreset: false, sets: ['epochs=7'] })
  })

  it('unzip -t accepts it', () => {
    if (!has('unzip', ['-v'])) return skip('unzip -t', 'unzip not installed (apt-get install unzip)')
    const r = spawnSync('unzip', ['-t', join(dir, 'bundle.zip')], { encoding: 'utf8' })
    expect(r.stdout).toContain('No errors detected')
    expect(r.status).toBe(0)
  })

  it("Python's zipfile lists and tests it", () => {
    if (!has('python3', ['--version'])) return skip('python zipfile', 'python3 not installed')
    const py = 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint("\\n".join(z.namelist()))'
    const r = spawnSync('python3', ['-c', py, join(dir, 'bundle.zip')], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.stdout.trim().split('\n').sort()).toEqual([...files.keys()].sort())
  })

  it('unzipped, it imports back into a fresh database with `hdarts slurm import`', () => {
    const out = join(dir, 'unzipped')
    for (const [name, data] of files) {
      mkdirSync(join(out, name, '..'), { recursive: true })
      writeFileSync(join(out, name), data)
    }
    const fresh = openStore(join(dir, 'fresh.db'))
    try {
      const s = importRuns(fresh, out)
      expect(s.errors).toEqual([])
      expect(s.new).toBe(2)
      expect(s.finished).toBe(2)
      expect(fresh.getRun(ids[0]!)!.finalGenotype).toBe(store.getRun(ids[0]!)!.finalGenotype)
    } finally {
      fresh.close()
    }
  })

  it('says what is missing for a run whose directory is gone', async () => {
    const b = await buildBundle(store, [ids[0]!, 'nope'])
    expect(readZip(b.bytes).size).toBeGreaterThan(5)
    const moved = openStore(join(dir, 'moved.db'))
    try {
      moved.insertRun({ ...store.getRun(ids[0]!)!, runDir: join(dir, 'gone'), experimentId: null })
      const m = await buildBundle(moved, [ids[0]!])
      expect(m.notes.join('\n')).toMatch(/run\.json rebuilt from the database/)
      expect(m.notes.join('\n')).toMatch(/no events\.jsonl/)
    } finally {
      moved.close()
    }
  })
})

describe('hdarts export --format bundle', () => {
  it('writes the zip; bad input is one line, exit 2', () => {
    const db = join(dir, 'cli.db')
    const store = openStore(db)
    const id = finishedRun(store, join(dir, 'cli-runs'), 'darts-1st-quick', ['seed=2'])
    store.close()
    const out = join(dir, 'cli.zip')
    const ok = hdarts(['export', '--runs', id, '--format', 'bundle', '--out', out, '--db', db])
    expect(ok.stderr).toContain(`wrote ${out}`)
    expect(ok.code).toBe(0)
    expect(readZip(new Uint8Array(readFileSync(out))).has(`runs/${id}/genotype.pdf`)).toBe(true)
    const noOut = hdarts(['export', '--runs', id, '--format', 'bundle', '--db', db])
    expect(noOut.code).toBe(2)
    expect(noOut.stderr.trim().split('\n')).toHaveLength(1)
    expect(noOut.stderr).toContain('--format bundle needs --out FILE.zip')
    const badFormat = hdarts(['export', '--runs', id, '--format', 'zip', '--out', out, '--db', db])
    expect(badFormat.code).toBe(2)
    expect(badFormat.stderr).toMatch(/unknown format 'zip' \(valid: latex, csv, md, bundle\)/)
  }, 180_000) // CLI runs that write two runs' figures (Graphviz, PDF): slow on a loaded machine
})
