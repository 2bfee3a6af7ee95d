/**
 * `hdarts slurm import`: brings the run directories of grid folders (written by Slurm tasks on a shared
 * filesystem) into the local database with Store.ingestRunDir, which is idempotent and incremental, so
 * importing again while the array runs adds only the new events.
 *
 * A run that has not finished or failed is kept 'paused' with a reason starting 'slurm:', never
 * 'queued' or 'running': a local RunService launches queued runs and requeues running ones whose
 * worker it cannot see, and that would run a Slurm-owned run twice on one directory.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PathError, resolveInside } from '../../node/safePaths'
import { EVENTS_FILE } from '../../core/run/runFile'
import { lastEvent, newRunRow, openRunDir } from '../runs/runDir'
import type { SlurmImportResponse } from '../../shared/api'
import type { RunRow, Store } from '../store'
import { isGridDir, type Manifest, ManifestError, readManifest, readSubmitRecord } from './manifest'

/** The API's answer (counts, per-directory errors, experiments) plus every run imported (new or known). */
export interface ImportSummary extends SlurmImportResponse {
  readonly runIds: readonly string[]
}

export interface ImportProgress {
  readonly done: number
  readonly total: number
  readonly runId: string | null
}

/** The reason written by the RunService while a pause is pending; the store's ingest keeps the status then. */
const HOLD_REASON = 'pausing'

/** DIR itself when it is a grid folder, else the grid folders directly inside it (sorted). */
export function findGridDirs(dir: string): string[] {
  const root = resolve(dir)
  if (isGridDir(root)) return [root]
  let entries: string[]
  try {
    entries = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new ManifestError(
      `${root}: ${code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : (err as Error).message}`,
    )
  }
  const grids = entries.map((n) => join(root, n)).filter(isGridDir)
  if (!grids.length)
    throw new ManifestError(`${root}: no grid folder here (a folder with manifest.json from 'hdarts slurm submit')`)
  return grids
}

/** The experiment of a grid: the one its already-imported runs belong to, else a new one. */
function experimentOf(store: Store, m: Manifest, gridDir: string): number {
  for (const r of m.rows) {
    const id = store.getRun(r.runId)?.experimentId
    if (id != null) return id
  }
  return store.createExperiment({ name: m.name, grid: { ...(m.grid as object), slurmGridDir: gridDir } })
}

/**
 * Every row's run directory, resolved inside its grid folder. A row that points elsewhere (`../victim`,
 * an absolute path, a symlink out) makes the whole manifest bad input: nothing of it is imported.
 */
function rowDirs(gridDir: string, m: Manifest): string[] {
  return m.rows.map((row, i) => {
    try {
      return resolveInside(gridDir, row.runDir, `${join(gridDir, 'manifest.json')}: rows.${i}.runDir`)
    } catch (err) {
      if (err instanceof PathError) throw new ManifestError(err.message)
      throw err
    }
  })
}

const slurmReason = (dir: string): string => {
  const ev = lastEvent(join(dir, EVENTS_FILE))
  if (!ev) return 'slurm: pending'
  if (ev.type === 'stopped') return `slurm: checkpointed at epoch ${ev.epoch + 1} (requeued or waiting)`
  return 'slurm: running on the cluster'
}

const settled = (r: RunRow | undefined): boolean => r?.status === 'finished' || r?.status === 'failed'

export function importRuns(store: Store, dir: string, onProgress?: (p: ImportProgress) => void): ImportSummary {
  const grids = findGridDirs(dir).map((g) => {
    const manifest = readManifest(g)
    return { gridDir: g, manifest, dirs: rowDirs(g, manifest) }
  })
  const total = grids.reduce((n, g) => n + g.manifest.rows.length, 0)
  const counts = { new: 0, updated: 0, unchanged: 0, eventsAdded: 0, finished: 0 }
  const errors: string[] = []
  const runIds: string[] = []
  const experiments: { id: number; name: string; gridDir: string }[] = []
  let done = 0
  onProgress?.({ done, total, runId: null })
  for (const { gridDir, manifest, dirs } of grids) {
    // Made on the first run that imports: a grid whose rows all fail leaves no empty experiment behind.
    let experimentId: number | null = null
    const jobId = readSubmitRecord(gridDir)?.jobId
    for (const [i, row] of manifest.rows.entries()) {
      try {
        const { dir: runDir, run } = openRunDir(dirs[i]!)
        if (run.id !== row.runId)
          throw new ManifestError(`manifest row ${row.index} names run ${row.runId}, but its run.json is run ${run.id}`)
        if (experimentId === null) {
          experimentId = experimentOf(store, manifest, gridDir)
          experiments.push({ id: experimentId, name: manifest.name, gridDir })
        }
        const before = store.getRun(run.id)
        if (!before) {
          store.insertRun({ ...newRunRow(runDir, run, { experimentId }), status: 'paused' })
          store.setTag(run.id, 'slurm.task', String(row.index))
          if (jobId) store.setTag(run.id, 'slurm.job', jobId)
        }
        if (!settled(before)) store.updateRun(run.id, { status: 'paused', statusReason: HOLD_REASON })
        const res = store.ingestRunDir(runDir)
        const after = store.getRun(run.id)!
        if (!settled(after)) store.updateRun(run.id, { status: 'paused', statusReason: slurmReason(runDir), pid: null })
        const now = store.getRun(run.id)!
        runIds.push(run.id)
        counts.eventsAdded += res.added
        if (now.status === 'finished') counts.finished++
        if (!before) counts.new++
        else if (res.added || now.status !== before.status || now.statusReason !== before.statusReason) counts.updated++
        else counts.unchanged++
      } catch (err) {
        errors.push(`${dirs[i]}: ${(err as Error).message}`)
      }
      onProgress?.({ done: ++done, total, runId: row.runId })
    }
  }
  return { grids: grids.length, runs: total, ...counts, errors, experiments, runIds }
}
