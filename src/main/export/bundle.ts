/**
 * The reproducibility bundle (`hdarts export --format bundle`, the app's `export.bundle`): one zip with,
 * per run, its run.json, events.jsonl, provenance.json (backend, device, versions, the command that
 * re-runs it) and its final genotype as .py/.json/.svg/.pdf/.tex; for the whole selection the results
 * tables and a README. The root also holds a Slurm-style manifest.json so that `hdarts slurm import`
 * reads the unzipped folder back into a database (docs/export.md).
 */
import { existsSync, readFileSync } from 'node:fs'
import { PathError, resolveInside } from '../../node/safePaths'
import { join } from 'node:path'
import { APP_VERSION } from '../../shared/app'
import { EVENTS_FILE, RUN_FILE } from '../../core/run/runFile'
import type { TableFormat } from '../../core/tables/index'
import type { RunRow, Store } from '../store'
import { parseGenotypes } from '../../core/genotype/parse/index'
import { loadLayoutEngine } from '../../core/genotype/layout'
import { exportGenotype, type GenotypeFormat, safeName } from './genotype'
import { bundleReadme } from './readme'
import { reproduction, type Reproduction } from './reproduce'
import { buildTable, TABLE_FILES, tableText } from './tables'
import { writeZip, type ZipEntry } from './zip'

/** Text and figures of the final genotype; an NB201 cell has no .py or figure, so it gets its arch string. */
function genotypeFormatsOf(text: string): readonly GenotypeFormat[] {
  try {
    if (parseGenotypes(text)[0]?.genotype.kind === 'nb201') return ['json', 'nb201']
  } catch {
    // unparsable: the first export below reports why
  }
  return ['py', 'json', 'svg', 'pdf', 'tikz']
}

export interface BundleRun {
  readonly row: RunRow
  readonly dir: string
  readonly repro: Reproduction
  readonly versions: Readonly<Record<string, string>>
  readonly files: readonly string[]
}

export interface Bundle {
  readonly filename: string
  readonly bytes: Uint8Array
  readonly entries: readonly string[]
  /** Things missing or approximated (no events file, a genotype that does not draw, …), one line each. */
  readonly notes: readonly string[]
}

const readJson = (path: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch {
    return null
  }
}

/** A file of the run's directory, or null when it is missing or leads outside it (a symlink): never bundled. */
function ownFile(row: RunRow, name: string): string | null {
  try {
    const path = resolveInside(row.runDir, name, `${row.id}: ${name}`)
    return existsSync(path) ? path : null
  } catch (err) {
    if (err instanceof PathError) return null
    throw err
  }
}

/** The run's own run.json when its directory is here, else one rebuilt from the database row (same schema). */
function runFileOf(row: RunRow): { text: string; versions: Record<string, string>; rebuilt: boolean } {
  const path = ownFile(row, RUN_FILE)
  const own = path ? readJson(path) : null
  if (own && own.id === row.id)
    return { text: readFileSync(path!, 'utf8'), versions: (own.versions ?? {}) as Record<string, string>, rebuilt: false }
  const file = {
    schema: 'hdarts.run',
    version: 1,
    id: row.id,
    kind: row.kind,
    preset: row.preset,
    createdAt: new Date(row.createdAt).toISOString(),
    config: row.config,
    // An evaluation's run.json names its genotype; the database keeps its text as the final genotype.
    ...(row.kind === 'eval' ? { genotype: { name: null, text: row.finalGenotype ?? '' } } : {}),
    dataDir: null,
    download: false,
    versions: {},
  }
  return { text: JSON.stringify(file, null, 2) + '\n', versions: {}, rebuilt: true }
}

async function runEntries(row: RunRow, notes: string[]): Promise<{ entries: ZipEntry[]; run: BundleRun }> {
  const dir = `runs/${safeName(row.id, 'run')}`
  const entries: ZipEntry[] = []
  const add = (name: string, data: Uint8Array | string) => entries.push({ name: `${dir}/${name}`, data })
  const runFile = runFileOf(row)
  if (runFile.rebuilt) notes.push(`${row.id}: run.json rebuilt from the database (${row.runDir} is not here)`)
  add(RUN_FILE, runFile.text)
  const events = ownFile(row, EVENTS_FILE)
  if (events) add(EVENTS_FILE, new Uint8Array(readFileSync(events)))
  else notes.push(`${row.id}: no ${EVENTS_FILE} at ${row.runDir}; the bundle has its config and results only`)
  const repro = reproduction(row)
  if (repro.unsettable.length) notes.push(`${row.id}: not expressible with --set: ${repro.unsettable.join(', ')}`)
  const provenance = {
    id: row.id,
    preset: row.preset,
    method: row.method,
    dataset: row.dataset,
    seed: row.seed,
    status: row.status,
    backend: row.backend,
    backendVersion: row.backendVersion,
    device: row.device,
    versions: { ...runFile.versions, ...(row.backendVersion ? { backend: row.backendVersion } : {}) },
    createdAt: new Date(row.createdAt).toISOString(),
    startedAt: row.startedAt === null ? null : new Date(row.startedAt).toISOString(),
    endedAt: row.endedAt === null ? null : new Date(row.endedAt).toISOString(),
    epochsDone: row.epochsDone,
    bestValAcc: row.bestValAcc,
    lastValAcc: row.lastValAcc,
    finalGenotype: row.finalGenotype,
    reproduce: repro,
  }
  add('provenance.json', JSON.stringify(provenance, null, 2) + '\n')
  if (row.finalGenotype) {
    for (const format of genotypeFormatsOf(row.finalGenotype)) {
      try {
        const f = await exportGenotype(row.finalGenotype, format)
        add(`genotype.${f.filename.split('.').pop()}`, f.data)
        for (const w of f.warnings) if (!notes.includes(w)) notes.push(w)
      } catch (err) {
        notes.push(`${row.id}: no genotype ${format} (${(err as Error).message.split('\n')[0]})`)
      }
    }
  } else notes.push(`${row.id}: no final genotype (status ${row.status})`)
  const run: BundleRun = {
    row,
    dir,
    repro,
    versions: provenance.versions,
    files: entries.map((e) => e.name.slice(dir.length + 1)),
  }
  return { entries, run }
}

/** A Slurm-style manifest so `hdarts slurm import <unzipped folder>` indexes the bundle's runs. */
function manifest(runs: readonly BundleRun[], name: string, date: Date): string {
  const doc = {
    schema: 'hdarts.slurm-manifest',
    version: 1,
    name,
    createdAt: date.toISOString(),
    grid: null,
    options: {},
    rows: runs.map((r, index) => ({
      index,
      runId: r.row.id,
      preset: r.row.preset ?? r.repro.preset ?? 'custom',
      seed: r.row.seed,
      values: {},
      settings: [...r.repro.sets],
      runDir: r.dir,
    })),
  }
  return JSON.stringify(doc, null, 2) + '\n'
}

export interface BundleOptions {
  readonly groupBy?: string
  /** Archive timestamps and the filename's date; now by default (tests pin it). */
  readonly date?: Date
}

/** Builds the bundle of `ids` (resolved run ids, in table order); StoreError-free: unknown ids must be checked by the caller. */
export async function buildBundle(store: Store, ids: readonly string[], opts: BundleOptions = {}): Promise<Bundle> {
  const date = opts.date ?? new Date()
  const notes: string[] = []
  const entries: ZipEntry[] = []
  const runs: BundleRun[] = []
  for (const id of ids) {
    const row = store.getRun(id)
    if (!row) continue
    const r = await runEntries(row, notes)
    entries.push(...r.entries)
    runs.push(r.run)
  }
  const table = buildTable(
    store,
    runs.map((r) => r.row.id),
    opts.groupBy,
  )
  notes.push(...table.notes)
  for (const format of Object.keys(TABLE_FILES) as TableFormat[])
    entries.push({ name: `tables/results.${TABLE_FILES[format].ext}`, data: tableText(table, format) })
  const stamp = date.toISOString().slice(0, 10).replace(/-/g, '')
  const name = `hdarts-bundle-${stamp}-${runs.length}run${runs.length === 1 ? '' : 's'}`
  entries.push({ name: 'manifest.json', data: manifest(runs, name, date) })
  entries.unshift({
    name: 'README.md',
    data: bundleReadme({ name, runs, groupBy: opts.groupBy ?? null, date, appVersion: APP_VERSION, notes }),
  })
  return { filename: `${name}.zip`, bytes: writeZip(entries, { date }), entries: entries.map((e) => e.name), notes }
}
