/**
 * The run directory's layout and its `run.json` (DESIGN.md §2): written once when a run is created,
 * read by the worker, by `--resume` and by importers.
 */
import { z } from 'zod'
import { searchConfigSchema } from '../config/search'

export const RUN_FILE = 'run.json'
export const EVENTS_FILE = 'events.jsonl'
export const CHECKPOINT_DIR = 'checkpoints'
export const WORKER_LOG = 'worker.log'
export const RUN_FILE_VERSION = 1

export const runFileSchema = z.strictObject({
  schema: z.literal('hdarts.run'),
  version: z.literal(RUN_FILE_VERSION),
  id: z.string().min(1),
  kind: z.literal('search'),
  preset: z.string().nullable(),
  createdAt: z.string(),
  config: searchConfigSchema,
  /** Where the dataset files were looked for first (the --data-dir option). */
  dataDir: z.string().nullable(),
  /** Allow downloading the dataset from its official source (checksum-verified) when no copy is found. */
  download: z.boolean().default(false),
  versions: z.record(z.string(), z.string()),
})

export type RunFile = z.infer<typeof runFileSchema>

/** `20261128-013501-darts-1st-quick-s2-a1b2`: sortable by time, readable, unique. */
export function makeRunId(preset: string | null, seed: number, now: Date, random: string): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`
  return `${stamp}-${preset ?? 'custom'}-s${seed}-${random}`
}
