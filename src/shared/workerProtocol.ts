/**
 * Messages between a search worker and its parent (the CLI, `hdarts serve` or Electron main), and the
 * worker's exit codes. In shared because both sides import it: src/worker and src/main/runs.
 */
import type { RunEvent } from '../core/events'

export type WorkerMessage =
  | { readonly type: 'event'; readonly event: RunEvent }
  /** A failure before the event log is open (e.g. a damaged checkpoint): nothing was written to the run. */
  | { readonly type: 'fatal'; readonly reason: 'bad-input' | 'error'; readonly message: string }
export type ParentMessage = { readonly type: 'stop' }

/** Exit codes: 0 finished, 1 error, 2 bad input (config, dataset, checkpoint), 75 stopped after a checkpoint. */
export const WORKER_EXIT = { finished: 0, error: 1, badInput: 2, stopped: 75 } as const
