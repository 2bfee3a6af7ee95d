/**
 * The grid folder of a Slurm submission (docs/cluster.md): `manifest.json` and `manifest.tsv` hold one
 * row per array index; the sbatch script reads its row from the TSV by $SLURM_ARRAY_TASK_ID. Run
 * directories are stored relative to the grid folder, so a folder copied elsewhere still works.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { parseUntrustedJson } from '../../core/json'

export const MANIFEST_FILE = 'manifest.json'
export const MANIFEST_TSV = 'manifest.tsv'
export const SCRIPT_FILE = 'job.sbatch'
export const SUBMIT_FILE = 'submit.json'
export const RUNS_SUBDIR = 'runs'
export const LOGS_SUBDIR = 'logs'

const rowSchema = z.object({
  index: z.number().int().min(0),
  runId: z.string().min(1),
  preset: z.string().min(1),
  seed: z.number().int(),
  /** The swept values of this point. */
  values: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  /** The full `key=value` override list the run was created with. */
  settings: z.array(z.string()),
  /** Relative to the grid folder: `runs/<runId>`. */
  runDir: z.string().min(1),
})
export type ManifestRow = z.infer<typeof rowSchema>

export const slurmOptionsSchema = z.strictObject({
  partition: z.string().trim().min(1).max(200).optional(),
  gpusPerTask: z.number().int().min(0).max(64).optional(),
  cpusPerTask: z.number().int().min(1).max(1024).optional(),
  /** HH:MM:SS, D-HH:MM:SS or minutes, as sbatch takes it. */
  time: z
    .string()
    .regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'expected HH:MM:SS (or D-HH:MM:SS)')
    .optional(),
  /** At most this many tasks at once (`%K`). */
  maxParallel: z.number().int().min(1).max(100_000).optional(),
})
export type SlurmOptions = z.infer<typeof slurmOptionsSchema>

const manifestSchema = z.object({
  schema: z.literal('hdarts.slurm-manifest'),
  version: z.literal(1),
  name: z.string(),
  createdAt: z.string(),
  grid: z.unknown(),
  options: slurmOptionsSchema,
  rows: z.array(rowSchema),
})
export type Manifest = z.infer<typeof manifestSchema>

export class ManifestError extends Error {
  override name = 'ManifestError'
}

/** Tabs and newlines would break the TSV the job script reads with awk. */
const cell = (s: string): string => s.replace(/[\t\n\r]/g, ' ')

export function manifestTsv(rows: readonly ManifestRow[]): string {
  const head = ['index', 'run_id', 'preset', 'seed', 'settings', 'run_dir']
  const lines = rows.map((r) => [r.index, r.runId, r.preset, r.seed, r.settings.join(' '), r.runDir].map((c) => cell(String(c))))
  return [head, ...lines].map((l) => l.join('\t')).join('\n') + '\n'
}

export function writeManifest(gridDir: string, m: Manifest): void {
  writeFileSync(join(gridDir, MANIFEST_FILE), JSON.stringify(m, null, 2) + '\n')
  writeFileSync(join(gridDir, MANIFEST_TSV), manifestTsv(m.rows))
}

export const isGridDir = (dir: string): boolean => existsSync(join(dir, MANIFEST_FILE))

export function readManifest(gridDir: string): Manifest {
  const file = join(resolve(gridDir), MANIFEST_FILE)
  let value: unknown
  try {
    value = parseUntrustedJson(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new ManifestError(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    )
  }
  const r = manifestSchema.safeParse(value)
  if (!r.success) throw new ManifestError(`${file}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`)
  return r.data
}

/** What `sbatch` answered, kept beside the manifest for `slurm status`. */
export interface SubmitRecord {
  readonly jobId: string
  readonly submittedAt: string
}

export function readSubmitRecord(gridDir: string): SubmitRecord | null {
  try {
    return JSON.parse(readFileSync(join(gridDir, SUBMIT_FILE), 'utf8')) as SubmitRecord
  } catch {
    return null
  }
}

export function writeSubmitRecord(gridDir: string, r: SubmitRecord): void {
  writeFileSync(join(gridDir, SUBMIT_FILE), JSON.stringify(r, null, 2) + '\n')
}
