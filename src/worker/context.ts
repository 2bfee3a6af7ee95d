/** What the worker entry hands to a run loop (search or eval) once run.json, the log and the backend are ready. */
import type { BackendRecord, RunEventBody } from '../core/events'
import type { RunFile } from '../core/run/runFile'
import type { Snapshot } from '../engine/search/snapshot'
import type { EventLog } from './eventLog'

export class BadInput extends Error {}

export interface WorkerContext<R extends RunFile> {
  readonly run: R
  readonly dir: string
  readonly ckptDir: string
  readonly resume: boolean
  /** The newest good checkpoint when resuming (null: none, start over). Its meta is the loop's own kind. */
  readonly checkpoint: { readonly snapshot: Snapshot } | null
  /** How far the event log was valid at that checkpoint. */
  readonly eventSeq: number
  readonly log: EventLog
  readonly emit: (body: RunEventBody) => void
  readonly stopRequested: () => string | null
  readonly backend: BackendRecord
}
