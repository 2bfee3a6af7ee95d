/**
 * Creating and opening run directories (`run.json` is written once, DESIGN.md §2). Shared by
 * `hdarts search`, the RunService (queue, grids, duplicates) and later the Slurm submitter.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { applyOverrides, ConfigError, getPreset, type SearchConfig } from '../../core/config/search'
import type { RunEvent } from '../../core/events'
import { scanEventLog } from '../../core/run/eventLog'
import {
  CHECKPOINT_DIR,
  makeRunId,
  RUN_FILE,
  RUN_FILE_VERSION,
  type RunFile,
  runFileSchema,
  type SearchRunFile,
} from '../../core/run/runFile'
import { ensureDir, PathError, resolveInside } from '../../node/safePaths'
import { APP_VERSION } from '../../shared/app'
import type { NewRun } from '../store'

/** Bad input from the user (unknown preset, bad --set, missing data dir): the CLI exits 2 with the message. */
export class RunInputError extends Error {
  override name = 'RunInputError'
}

export interface RunSpec {
  readonly preset: string
  /** `key=value` overrides, applied in order after `dataset`/`backend`. */
  readonly sets?: readonly string[]
  readonly dataset?: string
  readonly backend?: string
  /** Start from this config instead of the preset's (duplicating a run). */
  readonly baseConfig?: SearchConfig
  readonly dataDir?: string | null
  readonly download?: boolean
}

/** Validates a spec into a config; throws RunInputError naming the bad key. */
export function resolveConfig(spec: RunSpec): SearchConfig {
  const sets = [...(spec.sets ?? [])]
  if (spec.dataset) sets.unshift(`dataset=${spec.dataset}`)
  if (spec.backend) sets.unshift(`backend=${spec.backend}`)
  try {
    return applyOverrides(spec.baseConfig ?? getPreset(spec.preset).config, sets)
  } catch (err) {
    if (err instanceof ConfigError) throw new RunInputError(err.message)
    throw err
  }
}

/** `--data-dir` as an absolute path, checked to exist (null when not given). */
export function resolveDataDir(dir: string | null | undefined): string | null {
  const dataDir = dir ? resolve(dir) : null
  if (dataDir && !existsSync(dataDir)) throw new RunInputError(`--data-dir ${dataDir}: no such directory`)
  return dataDir
}

/** Builds run.json's content without touching the disk. */
export function buildRunFile(spec: RunSpec, now = new Date(), random = randomBytes(2).toString('hex')): SearchRunFile {
  const config = resolveConfig(spec)
  const dataDir = resolveDataDir(spec.dataDir)
  return {
    schema: 'hdarts.run',
    version: RUN_FILE_VERSION,
    id: makeRunId(spec.preset, config.seed, now, random),
    kind: 'search',
    preset: spec.preset,
    createdAt: now.toISOString(),
    config,
    dataDir,
    download: spec.download === true,
    versions: { hdarts: APP_VERSION, node: process.version },
  }
}

/** Creates `<runsDir>/<id>/` with run.json and an empty checkpoints folder. */
export function createRunDir(runsDir: string, spec: RunSpec): { dir: string; run: SearchRunFile } {
  return writeRunDir(runsDir, () => buildRunFile(spec))
}

/** Writes a new run directory for the run.json `build` makes (called again on an id clash). */
export function writeRunDir<R extends RunFile>(runsDir: string, build: () => R): { dir: string; run: R } {
  const run = build()
  const root = userPath(() => ensureDir(runsDir, 'the runs folder'))
  const dir = join(root, run.id)
  // Exclusive: two runs created in the same second with the same random suffix must not share a folder.
  if (existsSync(dir)) return writeRunDir(runsDir, build)
  userPath(() => ensureDir(join(dir, CHECKPOINT_DIR), 'the run folder'))
  writeFileSync(join(dir, RUN_FILE), JSON.stringify(run, null, 2) + '\n')
  return { dir, run }
}

/** A runs folder the user named that cannot be used is their input to fix (exit 2), like a bad setting. */
function userPath<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof PathError) throw new RunInputError(err.message)
    throw err
  }
}

/** Reads and checks an existing run directory; throws RunInputError when it is not one. */
export function openRunDir(dirArg: string): { dir: string; run: RunFile } {
  const dir = resolve(dirArg)
  const file = join(dir, RUN_FILE)
  if (!existsSync(file)) throw new RunInputError(`${dir} is not a run directory (no ${RUN_FILE})`)
  let parsed
  try {
    parsed = runFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  } catch {
    throw new RunInputError(`${file} is not valid JSON`)
  }
  if (!parsed.success)
    throw new RunInputError(`${file}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`)
  return { dir, run: parsed.data }
}

/** The events of a log by the one rule (core/run/eventLog.ts: the clean prefix up to a bad line); [] when missing. */
export function readRunEvents(eventsPath: string): RunEvent[] {
  return existsSync(eventsPath) ? scanEventLog(readFileSync(eventsPath, 'utf8')).events : []
}

/** The last complete event of a log; undefined for a missing or empty log. */
export const lastEvent = (eventsPath: string): RunEvent | undefined => readRunEvents(eventsPath).at(-1)

/**
 * Deletes a run directory, but only a real folder named after the run whose run.json names this run: a
 * wrong path in the database (an imported row pointing elsewhere, a symlink) must never delete
 * anything else. Returns whether it deleted.
 */
export function deleteRunDir(dir: string, id: string): boolean {
  const abs = resolve(dir)
  try {
    // Named `<id>` inside its parent, no symlink on the way out of it (resolveInside checks both).
    if (basename(abs) !== id || resolveInside(dirname(abs), id, 'run folder') !== abs) return false
    if (!lstatSync(abs).isDirectory()) return false
    if ((JSON.parse(readFileSync(join(abs, RUN_FILE), 'utf8')) as { id?: unknown }).id !== id) return false
  } catch {
    return false
  }
  rmSync(abs, { recursive: true, force: true })
  return true
}

/** The database row of a run directory's run.json (queued; the caller may set experiment and priority). */
export function newRunRow(
  dir: string,
  run: RunFile,
  over: Pick<NewRun, 'experimentId' | 'priority'> = { experimentId: null },
): NewRun {
  const { config } = run
  return {
    id: run.id,
    runDir: dir,
    kind: run.kind,
    preset: run.preset,
    // An evaluation has no search method; 'eval' groups such runs in lists and tables.
    method: run.kind === 'eval' ? 'eval' : run.config.method,
    dataset: config.dataset,
    seed: config.seed,
    config,
    status: 'queued',
    ...over,
  }
}
