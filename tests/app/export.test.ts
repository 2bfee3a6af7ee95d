/** The `export.*` operations: genotype files, results tables and bundles; bad formats 400, unknown runs 404. */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { exportBundleOp } from '../../src/main/app/exports'
import { fromBase64 } from '../../src/renderer/src/components/common/download'
import { findLibrary, libraryPane } from '../../src/renderer/src/pages/cells/paneState'
import { runFileName } from '../../src/renderer/src/pages/run/RunExport'
import { ApiError, type ExportFileResponse, type ExportTableResponse, type LibraryGenotype } from '../../src/shared/api'
import { finishedRun, GENOTYPE } from '../export/bundleRuns'
import { makeApp, ROOT } from './helpers'

const { app, store, dir } = makeApp()
let ids: string[] = []

async function failure(op: string, body: unknown): Promise<ApiError> {
  const err = await app.handle(op, body).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ApiError)
  return err as ApiError
}

beforeAll(() => {
  ids = [
    finishedRun(store, join(dir, 'runs'), 'darts-1st-quick', ['seed=0'], 0.6),
    finishedRun(store, join(dir, 'runs'), 'darts-1st-quick', ['seed=1'], 0.62),
  ]
})

const decode = (r: ExportFileResponse) => Buffer.from(r.base64, 'base64')

describe('export.genotype', () => {
  it('writes every format with a filename and MIME type', async () => {
    const want = {
      py: 'text/x-python',
      json: 'application/json',
      svg: 'image/svg+xml',
      pdf: 'application/pdf',
      tikz: 'application/x-tex',
    }
    for (const [format, mime] of Object.entries(want)) {
      const r = (await app.handle('export.genotype', { text: GENOTYPE, format })) as ExportFileResponse
      expect(r.mime).toBe(mime)
      expect(r.filename).toMatch(new RegExp(`\\.${format === 'tikz' ? 'tex' : format}$`))
      expect(decode(r).byteLength).toBe(r.bytes)
    }
    const pdf = (await app.handle('export.genotype', {
      text: GENOTYPE,
      format: 'pdf',
      cells: 'normal',
      width: 'double',
    })) as ExportFileResponse
    expect(decode(pdf).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4')
  })

  it('picks one genotype of a library file by name; a figure of several needs a name', async () => {
    const text = readFileSync(join(ROOT, 'tests/fixtures/genotypes/darts.py'), 'utf8')
    const svg = (await app.handle('export.genotype', { text, format: 'svg', name: 'DARTS_V2' })) as ExportFileResponse
    expect(svg.filename).toBe('DARTS_V2.svg')
    const err = await failure('export.genotype', { text, format: 'svg' })
    expect(err.code).toBe('bad-request')
    expect(err.message).toMatch(/figure shows one genotype/)
  })

  it("draws DARTS's visualize.py look on request; an unknown style is a 400", async () => {
    const svg = (await app.handle('export.genotype', { text: GENOTYPE, format: 'svg', style: 'darts' })) as ExportFileResponse
    const body = decode(svg).toString('utf8')
    expect(body).toContain('DejaVu Serif')
    expect(body).toContain('fill="#B4EEB4"') // darkseagreen2 input nodes
    const bad = await failure('export.genotype', { text: GENOTYPE, format: 'svg', style: 'fancy' })
    expect(bad.code).toBe('bad-request')
    expect(bad.message.split('\n')).toHaveLength(1)
  })

  it('a bad format or unparsable text is a 400 with one clear line', async () => {
    const bad = await failure('export.genotype', { text: GENOTYPE, format: 'png' })
    expect(bad.code).toBe('bad-request')
    expect(bad.message).toMatch(/^export\.genotype: format: .*"py"/)
    const nb = await failure('export.genotype', { text: GENOTYPE, format: 'nb201' })
    expect(nb.message).toMatch(/no NAS-Bench-201 string/)
    const junk = await failure('export.genotype', { text: 'hello', format: 'py' })
    expect(junk.code).toBe('bad-request')
    expect(junk.message).not.toContain('\n')
  })
})

describe('export.table', () => {
  it('LaTeX, CSV and Markdown of runs, grouped or not', async () => {
    const tex = (await app.handle('export.table', { ids, groupBy: 'method', format: 'latex' })) as ExportTableResponse
    expect(tex).toMatchObject({ filename: 'results-by-method.tex', mime: 'application/x-tex' })
    expect(tex.text).toContain('\\toprule')
    const csv = (await app.handle('export.table', { ids, format: 'csv' })) as ExportTableResponse
    expect(csv.filename).toBe('results.csv')
    for (const id of ids) expect(csv.text).toContain(id)
    const md = (await app.handle('export.table', { ids, format: 'md' })) as ExportTableResponse
    expect(md.text).toMatch(/^\|/m)
  })

  it('unknown run → 404, bad format or key → 400', async () => {
    expect((await failure('export.table', { ids: [ids[0], 'nope'], format: 'csv' })).code).toBe('not-found')
    const bad = await failure('export.table', { ids, format: 'xlsx' })
    expect(bad.code).toBe('bad-request')
    expect(bad.message).toMatch(/^export\.table: format: /)
    expect((await failure('export.table', { ids, format: 'csv', groupBy: 'colour' })).message).toMatch(
      /no run has the config key 'colour'/,
    )
  })
})

describe('export.bundle', () => {
  it('a zip of the runs', async () => {
    const r = (await app.handle('export.bundle', { ids, groupBy: 'seed' })) as ExportFileResponse
    expect(r.mime).toBe('application/zip')
    expect(r.filename).toMatch(/^hdarts-bundle-\d{8}-2runs\.zip$/)
    const zip = decode(r)
    expect(zip.readUInt32LE(0)).toBe(0x04034b50)
    expect(zip.byteLength).toBe(r.bytes)
  })

  it('unknown run → 404; over the size limit → 400 naming the CLI', async () => {
    expect((await failure('export.bundle', { ids: ['nope'] })).code).toBe('not-found')
    await expect(exportBundleOp(store, { ids }, 1000)).rejects.toThrow(
      /over the app's 0 MiB limit; write it with: hdarts export --runs/,
    )
  })
})

describe('genotype library', () => {
  it('holds every published cell of the fixtures, and `?lib=NAME` links find them by name or file:name', async () => {
    const lib = (await app.handle('genotypes.library', {})) as LibraryGenotype[]
    const fixtures = join(ROOT, 'tests/fixtures/genotypes')
    for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.py')))
      for (const g of parseGenotypes(readFileSync(join(fixtures, file), 'utf8'))) {
        expect(
          lib.some((x) => x.file === file && x.name === g.name),
          `${file}:${g.name}`,
        ).toBe(true)
        expect(findLibrary(lib, g.name)?.name).toBe(g.name)
        expect(findLibrary(lib, `${file}:${g.name}`)?.file).toBe(file)
      }
    expect(findLibrary(lib, 'NOPE')).toBeUndefined()
    expect(libraryPane(findLibrary(lib, 'PDARTS')!)).toMatchObject({ source: 'library', name: 'PDARTS' })
  })
})

describe('renderer helpers', () => {
  it('run exports are named after the run and epoch', () => {
    expect(runFileName('r1', 3, 'genotype.pdf')).toBe('r1-e3.pdf')
    expect(runFileName('r1', null, 'genotype.tex')).toBe('r1.tex')
  })
  it('base64 round-trips binary bytes', () => {
    const bytes = new Uint8Array([0, 255, 37, 80, 68, 70, 10])
    expect(fromBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes)
  })
})
