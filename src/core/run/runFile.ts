/**
 * The run directory's layout and its `run.json` (DESIGN.md §2): written once when a run is created,
 * read by the worker, by `--resume` and by importers. `kind` discriminates a search from an
 * evaluation (training a fixed genotype from scratch), each with its own config schema.
 */
import { z } from 'zod'
import { evalConfigSchema } from '../config/eval'
import { searchConfigSchema } from '../config/search'

export const RUN_FILE = 'run.json'
export const EVENTS_FILE = 'events.jsonl'
export const CHECKPOINT_DIR = 'checkpoints'
export const WORKER_LOG = 'worker.log'
export const RUN_FILE_VERSION = 1

const common = {
  schema: z.literal('hdarts.run'),
  version: z.literal(RUN_FILE_VERSION),
  id: z.string().min(1),
  preset: z.string().nullable(),
  createdAt: z.string(),
  /** Where the dataset files were looked for first (the --data-dir option). */
  dataDir: z.string().nullable(),
  /** Allow downloading the dataset from its official source (checksum-verified) when no copy is found. */
  download: z.boolean().default(false),
  versions: z.record(z.string(), z.string()),
}

export const searchRunFileSchema = z.strictObject({ ...common, kind: z.literal('search'), config: searchConfigSchema })

export const evalRunFileSchema = z.strictObject({
  ...common,
  kind: z.literal('eval'),
  config: evalConfigSchema,
  /** The genotype trained, as DARTS `Genotype(...)` text; `name` is the one picked from the file (null: unnamed). */
  genotype: z.strictObject({ name: z.string().nullable(), text: z.string().min(1) }),
})

export const runFileSchema = z.discriminatedUnion('kind', [searchRunFileSchema, evalRunFileSchema])

export type SearchRunFile = z.infer<typeof searchRunFileSchema>
export type EvalRunFile = z.infer<typeof evalRunFileSchema>
export type RunFile = z.infer<typeof runFileSchema>
export type RunKind = RunFile['kind']

/** `20261128-013501-darts-1st-quick-s2-a1b2`: sortable by time, readable, unique. */
export function makeRunId(preset: string | null, seed: number, now: Date, random: string): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`
  return `${stamp}-${preset ?? 'custom'}-s${seed}-${random}`
}
