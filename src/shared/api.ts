/**
 * The one typed API between the renderer and the app (DESIGN.md §2): every operation the UI can ask
 * for, its request schema (validated with zod by both transports, Electron IPC and `hdarts serve`'s
 * HTTP), its response type, and the live events pushed to the UI. Nothing else is reachable.
 */
import { z } from 'zod'
import { type EvalConfig, EVAL_PRESET_NAMES } from '../core/config/eval'
import { gridSpecSchema } from '../core/config/grid'
import { hasControlCharacter } from '../core/shell'
import type { SearchConfig } from '../core/config/search'
import type { RunEvent } from '../core/events'
import type {
  AppInfo,
  CompareResponse,
  Estimate,
  EvalEstimate,
  ExperimentDto,
  ExportFileResponse,
  ExportTableResponse,
  ImportLogResponse,
  LibraryGenotype,
  PresetsResponse,
  RunDetail,
  RunSummary,
  SlurmImportResponse,
  SlurmSubmitResponse,
} from './apiTypes'
import { API_OP_NAMES, type ApiOpName } from './ops'

export const RUN_STATUSES = ['queued', 'running', 'paused', 'interrupted', 'finished', 'failed', 'cancelled'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** A name, id or key: one line of at most `max` characters (it is echoed in one-line errors and written into files). */
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !hasControlCharacter(s), 'must not contain control characters')
const runId = line(200)

/** Formats of `export.genotype` and `export.table` (docs/export.md); the writers live in src/main/export. */
export const EXPORT_GENOTYPE_FORMATS = ['py', 'json', 'nb201', 'svg', 'pdf', 'tikz'] as const
export const EXPORT_TABLE_FORMATS = ['latex', 'csv', 'md'] as const
/** `export.bundle` answers in one message (base64 in JSON); larger bundles are for `hdarts export --format bundle`. */
export const BUNDLE_LIMIT_BYTES = 64 * 1024 * 1024
/** `runs.importLog`: the log's text travels in the request, so it gets its own cap (and HTTP body limit). */
export const IMPORT_LOG_LIMIT_CHARS = 50 * 1024 * 1024
/** Request body limits above the HTTP server's default, per op (JSON escaping makes a log's text a little longer). */
export const API_BODY_LIMITS: Partial<Readonly<Record<ApiOpName, number>>> = { 'runs.importLog': 64 * 1024 * 1024 }
const exportIds = z.array(runId).min(1).max(200)
const groupBy = line(100).optional()
const settings = z.array(z.string().max(500)).max(200)
/** A folder on the server's machine: it may end up in a job script, so control characters are refused. */
const folder = z
  .string()
  .trim()
  .min(1)
  .max(4096)
  .refine((s) => !hasControlCharacter(s), 'must not contain control characters')

/** Request schemas, one per operation. Strict: unknown fields are refused. */
export const apiRequests = {
  /** Versions, paths and the devices the scheduler can use. */
  'app.info': z.strictObject({}),
  /** Every method preset with its config, and the help of every setting. */
  'presets.list': z.strictObject({}),
  /** Memory and time before launch, from the supernet's size and past runs' throughput. */
  'runs.estimate': z.strictObject({ preset: line(200), sets: settings.default([]) }),
  /** Queues a grid (methods × values × seeds) as one experiment; a single run is a 1×1×1 grid. */
  'runs.launch': z.strictObject({
    grid: gridSpecSchema,
    backend: z.enum(['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    priority: z.number().int().min(-100).max(100).default(0),
  }),
  /**
   * Queues an evaluation (train a genotype from scratch, docs/eval.md): `genotype` is any text the core
   * parses; `name` picks one when it holds several. DARTS-space genotypes only.
   */
  'runs.evaluate': z.strictObject({
    genotype: z.string().min(1).max(500_000),
    name: line(200).optional(),
    preset: z.enum(EVAL_PRESET_NAMES),
    sets: settings.default([]),
    priority: z.number().int().min(-100).max(100).default(0),
  }),
  /** The evaluation network's size and cost, memory and time before `runs.evaluate`. */
  'runs.estimateEval': z.strictObject({
    genotype: z.string().min(1).max(500_000),
    name: line(200).optional(),
    preset: z.enum(EVAL_PRESET_NAMES),
    sets: settings.default([]),
  }),
  /**
   * A PyTorch DARTS-family search log (quark0/darts train_search.py's log.txt, docs/export.md) as a run:
   * `hdarts import darts-log` on text the renderer read. `fileName` only names the source in messages and the `log` tag.
   */
  'runs.importLog': z.strictObject({
    text: z.string().min(1).max(IMPORT_LOG_LIMIT_CHARS),
    fileName: line(500).optional(),
    name: line(200).optional(),
  }),
  'runs.list': z.strictObject({
    query: z.string().max(200).optional(),
    status: z.array(z.enum(RUN_STATUSES)).optional(),
    experimentId: z.number().int().optional(),
  }),
  'runs.get': z.strictObject({ id: runId }),
  /** The run's event log (its events.jsonl), from `afterSeq`, at most `limit` events. */
  'runs.events': z.strictObject({
    id: runId,
    afterSeq: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(5000).default(500),
  }),
  'runs.pause': z.strictObject({ id: runId }),
  'runs.resume': z.strictObject({ id: runId }),
  'runs.cancel': z.strictObject({ id: runId }),
  'runs.retry': z.strictObject({ id: runId }),
  /** A new queued run from this run's config with `sets` applied on top. */
  'runs.duplicate': z.strictObject({ id: runId, sets: settings.default([]) }),
  /** Deleting is never implied: `confirm` must be true; `deleteFiles` also removes the run directory. */
  'runs.delete': z.strictObject({ id: runId, confirm: z.literal(true), deleteFiles: z.boolean() }),
  /** `value: null` removes the tag. */
  'runs.tag': z.strictObject({ id: runId, key: line(100), value: z.string().max(500).nullable() }),
  'runs.note': z.strictObject({ id: runId, text: z.string().max(20_000).nullable() }),
  /** Metric series of many runs at once (the dashboard), plus each run's flattened params. */
  'runs.compare': z.strictObject({
    ids: z.array(runId).min(1).max(500),
    keys: z.array(z.string().min(1).max(100)).max(50).default(['valAcc', 'trainLoss', 'skipsNormal', 'skipsReduce']),
  }),
  'experiments.list': z.strictObject({}),
  /** The published genotypes that ship with the app (resources/genotypes), as text. */
  'genotypes.library': z.strictObject({}),
  /**
   * A grid as a Slurm job array (docs/cluster.md): run directories, manifest and sbatch script in a grid
   * folder under `runsDir` (a shared filesystem), then `sbatch` where Slurm is installed; with `dryRun`,
   * or without sbatch, only the bundle is written. Nothing is queued locally.
   */
  'slurm.submit': z.strictObject({
    grid: gridSpecSchema,
    runsDir: folder,
    options: z
      .strictObject({
        partition: z
          .string()
          .trim()
          .max(200)
          .regex(/^[\w.,-]+$/, 'not a partition name')
          .optional(),
        gpusPerTask: z.number().int().min(0).max(64).optional(),
        cpusPerTask: z.number().int().min(1).max(1024).optional(),
        time: z
          .string()
          .max(40)
          .regex(/^(\d+-)?\d+(:\d{1,2}){0,2}$/, 'expected HH:MM:SS')
          .optional(),
        maxParallel: z.number().int().min(1).max(100_000).optional(),
      })
      .default({}),
    dryRun: z.boolean().default(false),
  }),
  /** The runs of a grid folder (or a folder of them) into the database; idempotent and incremental. */
  'slurm.import': z.strictObject({ dir: folder }),
  /** One genotype text (any spelling the core parses) as a file: genotypes.py, JSON, NB201 string, SVG, PDF or TikZ. */
  'export.genotype': z.strictObject({
    text: z.string().min(1).max(500_000),
    /** Which genotype of a text with several (figures show one). */
    name: line(200).optional(),
    format: z.enum(EXPORT_GENOTYPE_FORMATS),
    cells: z.enum(['both', 'normal', 'reduce']).default('both'),
    width: z.enum(['single', 'double']).default('single'),
    style: z.enum(['app', 'darts']).default('app'),
  }),
  /** The results table of runs (`hdarts export --format latex|csv|md`). */
  'export.table': z.strictObject({ ids: exportIds, groupBy, format: z.enum(EXPORT_TABLE_FORMATS) }),
  /** The reproducibility bundle (zip) of runs; at most BUNDLE_LIMIT_BYTES. */
  'export.bundle': z.strictObject({ ids: exportIds, groupBy }),
} as const

export type ApiOp = keyof typeof apiRequests
export const API_OPS: readonly ApiOp[] = API_OP_NAMES
// Compile-time check that ops.ts (read by the preload) lists exactly the ops that have schemas.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const opsMatch: Same<ApiOp, ApiOpName> = true
void opsMatch
/** What a caller passes (defaults may be left out). */
export type ApiRequest<K extends ApiOp> = z.input<(typeof apiRequests)[K]>
/** What a handler receives (defaults filled in). */
export type ApiParsedRequest<K extends ApiOp> = z.output<(typeof apiRequests)[K]>

// ── responses ──────────────────────────────────────────────────────────────

export type * from './apiTypes'

export interface ApiResponses {
  'app.info': AppInfo
  'presets.list': PresetsResponse
  'runs.estimate': Estimate
  'runs.launch': { readonly experimentId: number; readonly runIds: readonly string[] }
  'runs.evaluate': RunSummary
  'runs.estimateEval': EvalEstimate
  'runs.importLog': ImportLogResponse
  'runs.list': readonly RunSummary[]
  'runs.get': RunDetail
  'runs.events': { readonly events: readonly RunEvent[]; readonly lastSeq: number }
  'runs.pause': RunSummary
  'runs.resume': RunSummary
  'runs.cancel': RunSummary
  'runs.retry': RunSummary
  'runs.duplicate': RunSummary
  'runs.delete': { readonly id: string; readonly filesDeleted: boolean }
  'runs.tag': RunSummary
  'runs.note': RunSummary
  'runs.compare': CompareResponse
  'experiments.list': readonly ExperimentDto[]
  'genotypes.library': readonly LibraryGenotype[]
  'slurm.submit': SlurmSubmitResponse
  'slurm.import': SlurmImportResponse
  'export.genotype': ExportFileResponse
  'export.table': ExportTableResponse
  'export.bundle': ExportFileResponse
}

// ── live events (app → UI) ─────────────────────────────────────────────────

export type LiveEvent =
  | { readonly type: 'run-updated'; readonly run: RunSummary }
  | { readonly type: 'run-event'; readonly runId: string; readonly event: RunEvent }
  | { readonly type: 'run-deleted'; readonly id: string }

// ── errors and the client interface ────────────────────────────────────────

export type ApiErrorCode = 'bad-request' | 'not-found' | 'conflict' | 'unauthorized' | 'timeout' | 'internal'

/** What a failed call rejects with, on both transports. `message` is one line meant for the user. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    // One line, whatever a message quotes back (a name a caller typed): the UI shows it as a toast.
    super(message.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' '))
  }
}

/** The wire form of a failure (HTTP body, IPC result). */
export interface ApiFailure {
  readonly error: { readonly code: ApiErrorCode; readonly message: string }
}

/** The renderer's view of the app, whichever transport carries it. */
export interface ApiClient {
  call<K extends ApiOp>(op: K, request: ApiRequest<K>): Promise<ApiResponses[K]>
  /** Live events; returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void
}

/** Validates a request: the parsed value, or an ApiError('bad-request') naming the first bad field. */
export function parseRequest<K extends ApiOp>(op: string, body: unknown): { op: K; request: ApiParsedRequest<K> } {
  if (!Object.hasOwn(apiRequests, op)) throw new ApiError('not-found', `unknown operation '${op}'`)
  const r = apiRequests[op as K].safeParse(body ?? {})
  if (!r.success) {
    const issue = r.error.issues[0]!
    throw new ApiError('bad-request', `${op}: ${issue.path.join('.') || 'request'}: ${issue.message}`)
  }
  return { op: op as K, request: r.data as ApiParsedRequest<K> }
}

/** The per-action functions the preload exposes (`window.hdarts.api['runs.list'](req)` etc.). */
export type PreloadApi = {
  readonly [K in ApiOp]: (request: ApiRequest<K>) => Promise<ApiResponses[K] | ApiFailure>
}

export { ipcChannel, LIVE_CHANNEL } from './ops'
