/** The store's DTOs: what callers see. Rows of the SQLite tables never leave the store (STYLE.md §3.1). */

export const RUN_STATUSES = ['queued', 'running', 'paused', 'interrupted', 'finished', 'failed', 'cancelled'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** A run to register. Timestamps everywhere in the store are milliseconds since the Unix epoch. */
export interface NewRun {
  readonly id: string
  readonly experimentId: number | null
  readonly runDir: string
  /** 'search' today; 'eval' later. */
  readonly kind: string
  readonly preset: string | null
  readonly method: string
  readonly dataset: string
  readonly seed: number
  /** The run's config object (run.json `config`); flattened into params as `a.b.c` keys. */
  readonly config: Readonly<Record<string, unknown>>
  /** Higher runs first; default 0. */
  readonly priority?: number
  /** Default 'queued'. */
  readonly status?: RunStatus
  /** Default now. */
  readonly createdAt?: number
}

export interface RunRow {
  readonly id: string
  readonly experimentId: number | null
  readonly runDir: string
  readonly kind: string
  readonly preset: string | null
  readonly method: string
  readonly dataset: string
  readonly seed: number
  readonly config: Record<string, unknown>
  readonly status: RunStatus
  /** Why the status is what it is, in a few words (e.g. the stop signal, 'out-of-memory'). */
  readonly statusReason: string | null
  readonly error: string | null
  readonly priority: number
  /** Backend name as the worker reported it (e.g. 'wasm'), and its device. */
  readonly backend: string | null
  /** `package@version` of the backend. */
  readonly backendVersion: string | null
  readonly device: string | null
  readonly pid: number | null
  readonly attempts: number
  readonly createdAt: number
  readonly startedAt: number | null
  readonly endedAt: number | null
  /** Supernet weight count, from the 'started' event. */
  readonly weights: number | null
  readonly epochsTotal: number | null
  readonly epochsDone: number
  /** The highest event seq ingested (0: none). */
  readonly lastSeq: number
  readonly bestValAcc: number | null
  readonly lastValAcc: number | null
  readonly finalGenotype: string | null
  readonly etaSec: number | null
  /** 0..1 from progress and epoch events; null before the first. */
  readonly progress: number | null
}

export type RunPatch = Partial<{
  status: RunStatus
  statusReason: string | null
  error: string | null
  pid: number | null
  device: string | null
  backend: string | null
  attempts: number
  startedAt: number | null
  endedAt: number | null
  priority: number
}>

export interface RunFilter {
  readonly status?: readonly RunStatus[]
  readonly experimentId?: number
  /** Case-insensitive substring of id, preset, method, dataset or a tag. */
  readonly query?: string
}

export interface Experiment {
  readonly id: number
  readonly name: string
  readonly createdAt: number
  readonly grid: unknown
}

export interface IngestResult {
  /** Events applied. */
  readonly added: number
  /** Events already ingested (seq <= runs.last_seq), ignored. */
  readonly skipped: number
  /**
   * Events not applied because an earlier seq is missing (a gap in a live stream); catch up with
   * `ingestRunDir`, which reads them from events.jsonl.
   */
  readonly deferred: number
}

export interface IngestDirResult extends IngestResult {
  readonly runId: string
  /** A line of events.jsonl was torn or not a run event: it and everything after it were left unread. */
  readonly truncatedLine: boolean
  /** That line as one line naming file:line and why (null when the file was read to its end). */
  readonly damage: string | null
}

export interface MetricPoint {
  readonly runId: string
  readonly step: number
  /** NaN and ±Infinity round-trip. */
  readonly value: number
}

export type Cell = 'normal' | 'reduce'

export interface AlphaSnapshot {
  readonly runId: string
  readonly epoch: number
  readonly cell: Cell
  readonly ops: string[]
  /** edges × ops, softmaxed as the worker sent them. */
  readonly matrix: number[][]
}

/** A method matrix of one epoch (gate probabilities, PC-DARTS edge weights, HDARTS motif α, …). */
export interface MethodMatrix {
  readonly runId: string
  readonly epoch: number
  readonly name: string
  readonly matrix: number[][]
}

export interface GenotypeRow {
  readonly runId: string
  readonly epoch: number
  readonly text: string
  readonly format: string | null
}

export interface CheckpointRow {
  readonly runId: string
  readonly epoch: number
  readonly step: number
  /** Relative to the run directory. */
  readonly file: string
  readonly bytes: number
  readonly reason: string
  readonly time: number
}

export interface Artifact {
  readonly runId: string
  /** Relative to the run directory. */
  readonly path: string
  readonly kind: string
  readonly bytes: number | null
  readonly createdAt: number
}

export interface CompareRow {
  readonly run: RunRow
  /** Flattened config. */
  readonly params: Record<string, string>
  readonly latest: Record<string, number>
  readonly tags: Record<string, string>
}

/** One group of `groupedFinal`: finished runs sharing a param value, with their final valAcc. */
export interface GroupRow {
  /** The param value (null: runs without that param). */
  readonly value: string | null
  readonly runIds: string[]
  readonly count: number
  readonly mean: number | null
  readonly std: number | null
  readonly min: number | null
  readonly max: number | null
}
