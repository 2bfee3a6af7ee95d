/**
 * Main's view of the worker protocol (src/worker/protocol.ts): main may not import the worker layer,
 * so the message shapes and exit codes are restated here; tests/runs/protocol.test.ts checks that the
 * two agree. (They belong in src/shared; see docs/runs.md.)
 */
import type { RunEvent } from '../../core/events'

export type WorkerMessage =
  | { readonly type: 'event'; readonly event: RunEvent }
  | { readonly type: 'fatal'; readonly reason: 'bad-input' | 'error'; readonly message: string }

/** 0 finished, 1 error, 2 bad input (config, dataset, checkpoint), 75 stopped after a checkpoint. */
export const WORKER_EXIT = { finished: 0, error: 1, badInput: 2, stopped: 75 } as const
