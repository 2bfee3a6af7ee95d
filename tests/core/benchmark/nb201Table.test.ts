import { gunzipSync, gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { NB201_CELL_COUNT } from '../../../src/core/benchmark/nb201Columns'
import { loadNb201Table, NB201_RESOURCE, type Nb201Io } from '../../../src/core/benchmark/nb201Load'
import {
  checksumOf,
  NB201_ALL_SKIP_CODE,
  nb201ArchOfCode,
  nb201Code,
  type Nb201Table,
  type Nb201TableFile,
} from '../../../src/core/benchmark/nb201Table'
import { parseGenotypes } from '../../../src/core/genotype/parse'
import { nodeNb201Io } from '../../../src/node/nb201Io'

const ALL_SKIP = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'
const r2 = (x: number) => Math.round(x * 100) / 100
const cell = (arch: string) => parseGenotypes(arch)[0]!.genotype

/** An in-memory file system over the real resource, so the user-table cases never touch disk. */
function memIo(files: Record<string, Uint8Array | string>, env: Record<string, string> = {}): Nb201Io {
  const real = nodeNb201Io({})
  return {
    env,
    gunzip: real.gunzip,
    findResource: real.findResource,
    readFile: (p) => {
      const f = files[p]
      if (f === undefined) return real.readFile(p)
      return typeof f === 'string' ? new TextEncoder().encode(f) : f
    },
  }
}

let table: Nb201Table
let shippedJson: Nb201TableFile
beforeAll(async () => {
  const io = nodeNb201Io({})
  table = await loadNb201Table(io)
  shippedJson = JSON.parse(gunzipSync(io.readFile(io.findResource(NB201_RESOURCE)!)!).toString('utf8')) as Nb201TableFile
})

describe('NB201 shipped table: anchors (BENCHMARKS.md §1)', () => {
  it('all-skip cell: 54.30 CIFAR-10 test, 39.77 CIFAR-10 valid, official index 1835', () => {
    const s = table.score(cell(ALL_SKIP))
    expect(r2(s.values['cifar10.test']!)).toBe(54.3)
    expect(r2(s.values['cifar10-valid.valid']!)).toBe(39.77)
    expect(r2(s.values['cifar100.test']!)).toBe(15.61)
    expect(r2(s.values['ImageNet16-120.test']!)).toBe(16.32)
    expect(s.index).toBe(1835)
    expect(s.arch).toBe(ALL_SKIP)
    // Near the 2.5th percentile, far below the median cell's 90.75.
    expect(s.percentiles['cifar10.test']).toBeGreaterThan(1)
    expect(s.percentiles['cifar10.test']).toBeLessThan(4)
    expect(r2(table.reference('cifar10.test').median)).toBe(90.75)
  })

  it('best cells: CIFAR-10 test 94.37 (index 6111), CIFAR-100 test 73.51 (index 9930, 94.36 on CIFAR-10)', () => {
    const c10 = table.reference('cifar10.test')
    expect(r2(c10.best)).toBe(94.37)
    expect(table.score(cell(c10.bestArch)).index).toBe(6111)
    expect(table.score(cell(c10.bestArch)).percentiles['cifar10.test']).toBe(100)
    const c100 = table.reference('cifar100.test')
    expect(r2(c100.best)).toBe(73.51)
    const s = table.score(cell(c100.bestArch))
    expect(s.index).toBe(9930)
    expect(r2(s.values['cifar10.test']!)).toBe(94.36)
    expect(r2(table.reference('ImageNet16-120.test').best)).toBe(47.31)
    expect(r2(table.reference('cifar10-valid.valid').best)).toBe(91.61)
  })

  it('holds 200-epoch numbers only: never the 12-epoch all-skip 36.84, and a 12-epoch file is refused', async () => {
    expect(shippedJson.epochs).toBe(200)
    for (const col of table.columns) expect(r2(table.value(col, NB201_ALL_SKIP_CODE))).not.toBe(36.84)
    const twelve = { ...shippedJson, epochs: 12 }
    const io = memIo({ '/t/12.json': JSON.stringify({ ...twelve, sha256: await checksumOf(twelve) }) })
    await expect(loadNb201Table(io, { table: '/t/12.json' })).rejects.toThrow(/12.*only 200-epoch/)
  })

  it('carries its provenance: repositories, commits, files, licenses', () => {
    const p = table.provenance as { sources: { repository: string; commit: string; file: string; license: string }[] }
    expect(p.sources.map((s) => s.repository)).toEqual([
      'https://github.com/gabro8a/NAS-Landscapes',
      'https://github.com/v-tao/nats-bench-landscape',
    ])
    for (const s of p.sources) expect(s.commit).toMatch(/^[0-9a-f]{40}$/)
    expect(table.source.kind).toBe('shipped')
    expect(table.source.sha256).toBe(shippedJson.sha256)
  })

  it('cell codes: every one of the 15,625 arch strings parses back to its code, and codes map 1:1 to official indices', () => {
    const seen = new Set<number>()
    for (let code = 0; code < NB201_CELL_COUNT; code++) {
      expect(nb201Code(cell(nb201ArchOfCode(code)))).toBe(code)
      seen.add(table.officialIndex(code)!)
    }
    expect(seen.size).toBe(NB201_CELL_COUNT)
  })

  it('looks a cell up whatever the edge order within a node (the parser keeps it, the code does not care)', () => {
    const a = cell('|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|')
    const b = cell('|nor_conv_3x3~0|+|avg_pool_3x3~1|nor_conv_3x3~0|+|skip_connect~2|nor_conv_3x3~1|skip_connect~0|')
    expect(table.score(b)).toEqual(table.score(a))
    expect(table.score(a).index).toBe(1)
  })

  it('refuses a DARTS-space genotype', () => {
    const darts = parseGenotypes(
      "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])",
    )[0]!.genotype
    expect(() => table.score(darts)).toThrow(/DARTS-space genotype has no NAS-Bench-201/)
  })
})

describe('NB201 user tables', () => {
  /** A CSV of all cells from the shipped table, with a column the shipped one lacks made up from it. */
  function csv(drop = 0, mutate?: (row: string[], i: number) => void): string {
    const rows = ['arch,index,cifar10.test,cifar100.valid']
    for (let code = 0; code < NB201_CELL_COUNT - drop; code++) {
      const row = [
        nb201ArchOfCode(code),
        String(table.officialIndex(code)),
        table.value('cifar10.test', code).toFixed(4),
        table.value('cifar100.test', code).toFixed(4),
      ]
      mutate?.(row, code)
      rows.push(row.join(','))
    }
    return rows.join('\n') + '\n'
  }

  it('loads a complete CSV, says it is the user table, and scores with it', async () => {
    const t = await loadNb201Table(memIo({ '/t/mine.csv': csv() }, { HDARTS_NB201_TABLE: '/t/mine.csv' }))
    expect(t.source.kind).toBe('user')
    expect(t.source.file).toBe('mine.csv')
    expect(t.columns).toEqual(['cifar10.test', 'cifar100.valid'])
    expect(r2(t.score(cell(ALL_SKIP)).values['cifar10.test']!)).toBe(54.3)
    expect(t.score(cell(ALL_SKIP)).index).toBe(1835)
  })

  it('verifies a sha256 sidecar and refuses a wrong one', async () => {
    const text = csv()
    const { sha256Hex } = await import('../../../src/core/benchmark/nb201Table')
    const good = await sha256Hex(new TextEncoder().encode(text))
    await expect(
      loadNb201Table(memIo({ '/t/a.csv': text, '/t/a.csv.sha256': `${good}  a.csv\n` }), { table: '/t/a.csv' }),
    ).resolves.toBeTruthy()
    await expect(
      loadNb201Table(memIo({ '/t/a.csv': text, '/t/a.csv.sha256': `${'0'.repeat(64)}  a.csv\n` }), { table: '/t/a.csv' }),
    ).rejects.toThrow(/^a\.csv: checksum mismatch with a\.csv\.sha256/)
  })

  it('refuses missing rows, duplicate rows, wrong columns and non-numbers with one line each', async () => {
    const load = (text: string) => loadNb201Table(memIo({ '/t/x.csv': text }), { table: '/t/x.csv' })
    await expect(load(csv(3))).rejects.toThrow(/15622 of 15625 cells present; missing e\.g\. \|/)
    await expect(load(csv(0, (row, i) => i === 5 && (row[0] = nb201ArchOfCode(4))))).rejects.toThrow(
      /x\.csv:7: cell .* appears twice/,
    )
    await expect(load(csv().replace('cifar10.test,cifar100.valid', 'c10,c100'))).rejects.toThrow(/no accuracy column/)
    await expect(load(csv().replace(/^arch,/, 'cell,'))).rejects.toThrow(/no arch column/)
    await expect(load(csv(0, (row, i) => i === 9 && (row[2] = 'n/a')))).rejects.toThrow(
      /x\.csv:11: cifar10\.test is "n\/a", not a number/,
    )
    await expect(load(csv(0, (row, i) => i === 9 && (row[2] = '130')))).rejects.toThrow(/not an accuracy in 0…100/)
    await expect(
      load(csv(0, (row, i) => i === 2 && (row[0] = '|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|'))),
    ).rejects.toThrow(/x\.csv:4: unknown NAS-Bench-201 op "conv_9x9"/)
    await expect(loadNb201Table(memIo({}), { table: '/t/absent.csv' })).rejects.toThrow(/no such NAS-Bench-201 table file/)
  })

  it('refuses a JSON table whose numbers were edited (checksum) and a damaged gzip', async () => {
    const edited = {
      ...shippedJson,
      columns: {
        ...shippedJson.columns,
        'cifar10.test': shippedJson.columns['cifar10.test']!.map((v, i) => (i === NB201_ALL_SKIP_CODE ? 943700 : v)),
      },
    }
    await expect(loadNb201Table(memIo({ '/t/e.json': JSON.stringify(edited) }), { table: '/t/e.json' })).rejects.toThrow(
      /e\.json: checksum mismatch \(file says 9?[0-9a-f]+…, content hashes to [0-9a-f]+…\)/,
    )
    const gz = gzipSync(JSON.stringify(shippedJson))
    const cut = gz.subarray(0, gz.length >> 1)
    await expect(loadNb201Table(memIo({ '/t/c.json.gz': cut }), { table: '/t/c.json.gz' })).rejects.toThrow(
      /c\.json\.gz: damaged gzip data/,
    )
    await expect(loadNb201Table(memIo({ '/t/g.json.gz': gz }), { table: '/t/g.json.gz' })).resolves.toBeTruthy()
    await expect(loadNb201Table(memIo({ '/t/n.json': '{"format": "other"}' }), { table: '/t/n.json' })).rejects.toThrow(
      /format is "other"/,
    )
  })
})
