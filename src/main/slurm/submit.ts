/**
 * `hdarts slurm submit` without the CLI: a grid becomes a grid folder on the shared filesystem with one
 * run directory per point, a manifest and an sbatch script; then, unless it is a dry run, `sbatch`.
 * Nothing goes into the local database here: `slurm import` registers the runs, so no local RunService
 * ever sees a queued run that Slurm owns.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expandGrid, type GridSpec, parseGrid } from '../../core/config/grid'
import { ensureDir } from '../../node/safePaths'
import { createRunDir, resolveConfig } from '../runs/runDir'
import {
  LOGS_SUBDIR,
  type Manifest,
  type ManifestRow,
  RUNS_SUBDIR,
  SCRIPT_FILE,
  type SlurmOptions,
  writeManifest,
  writeSubmitRecord,
} from './manifest'
import { sbatchScript } from './script'

export interface SubmitRequest {
  readonly grid: GridSpec
  /** The shared folder that receives the grid folder. */
  readonly runsDir: string
  readonly options: SlurmOptions
  /** Extra `key=value` settings for every run (after the grid's own). */
  readonly sets?: readonly string[]
  readonly dryRun: boolean
  readonly now?: Date
  /** For tests: the node and hdarts paths written into the script. */
  readonly node?: string
  readonly hdarts?: string
}

export interface SubmitResult {
  readonly gridDir: string
  readonly script: string
  readonly manifest: Manifest
  /** Null for a dry run. */
  readonly jobId: string | null
}

export class SlurmError extends Error {
  override name = 'SlurmError'
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'grid'

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)

/** The grid with `sets` appended to its shared settings; every point validated (throws GridError / RunInputError). */
export function checkedGrid(grid: GridSpec, sets: readonly string[] = []): GridSpec {
  const spec = parseGrid(grid)
  const merged: GridSpec = { ...spec, set: [...spec.set, ...sets] }
  for (const p of expandGrid(merged)) resolveConfig({ preset: p.preset, sets: p.sets })
  return merged
}

export function prepareSubmission(req: SubmitRequest): SubmitResult {
  const grid = checkedGrid(req.grid, req.sets)
  const points = expandGrid(grid)
  const now = req.now ?? new Date()
  // Checked before anything is written: the folder's text ends up in the job script.
  const base = ensureDir(req.runsDir, 'the Slurm runs folder')
  let gridDir = join(base, `${stamp(now)}-${slug(grid.name)}`)
  for (let i = 2; existsSync(gridDir); i++) gridDir = join(base, `${stamp(now)}-${slug(grid.name)}-${i}`)
  const runsDir = join(gridDir, RUNS_SUBDIR)
  ensureDir(join(gridDir, LOGS_SUBDIR), 'the grid folder')
  const rows: ManifestRow[] = points.map((p, index) => {
    const { run } = createRunDir(runsDir, { preset: p.preset, sets: p.sets })
    return {
      index,
      runId: run.id,
      preset: p.preset,
      seed: p.seed,
      values: { ...p.values },
      settings: [...p.sets],
      runDir: `${RUNS_SUBDIR}/${run.id}`,
    }
  })
  const manifest: Manifest = {
    schema: 'hdarts.slurm-manifest',
    version: 1,
    name: grid.name,
    createdAt: now.toISOString(),
    grid,
    options: req.options,
    rows,
  }
  writeManifest(gridDir, manifest)
  writeFileSync(join(gridDir, 'grid.json'), JSON.stringify(grid, null, 2) + '\n')
  const scriptPath = join(gridDir, SCRIPT_FILE)
  const script = sbatchScript({
    gridDir,
    jobName: `hdarts-${slug(grid.name)}`.slice(0, 60),
    tasks: rows.length,
    options: req.options,
    ...(req.node ? { node: req.node } : {}),
    ...(req.hdarts ? { hdarts: req.hdarts } : {}),
  })
  writeFileSync(scriptPath, script)
  chmodSync(scriptPath, 0o755)
  const jobId = req.dryRun ? null : sbatch(scriptPath, gridDir)
  if (jobId) writeSubmitRecord(gridDir, { jobId, submittedAt: new Date().toISOString() })
  return { gridDir, script: scriptPath, manifest, jobId }
}

const SBATCH_TIMEOUT_MS = 60_000

/** Runs `sbatch --parsable SCRIPT` and returns the job id. */
export function sbatch(script: string, cwd: string): string {
  let out: string
  try {
    // Bounded: a controller that does not answer must not hold the caller (the server's event loop) forever.
    out = execFileSync('sbatch', ['--parsable', script], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: SBATCH_TIMEOUT_MS,
    })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ETIMEDOUT')
      throw new SlurmError(`sbatch did not answer within ${SBATCH_TIMEOUT_MS / 1000} s; the job script is ${script}`)
    if (e.code === 'ENOENT') throw new SlurmError(`sbatch not found (is Slurm installed here?); the job script is ${script}`)
    throw new SlurmError(`sbatch failed: ${(e.stderr ?? e.message).trim().split('\n')[0]}; the job script is ${script}`)
  }
  // --parsable prints "jobid" or "jobid;cluster".
  const id = out.trim().split(';')[0]!
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch answered '${out.trim()}', not a job id`)
  return id
}

export const hasSbatch = (): boolean => {
  try {
    execFileSync('sbatch', ['--version'], { stdio: 'ignore', timeout: 10_000 })
    return true
  } catch {
    return false
  }
}
