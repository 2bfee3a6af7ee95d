/**
 * One worker attempt of one run, seen from main: its IPC events are ingested into the store in small
 * batches, and at exit the run directory is re-read (events IPC missed, e.g. when the worker was
 * killed mid-send) and the exit is mapped to a status. Used by the RunService and by `hdarts search`.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { RunEvent } from '../../core/events'
import { EVENTS_FILE } from '../../core/run/runFile'
import type { Store } from '../store'
import { type ExitOutcome, exitOutcome, type StopRequest } from './exitReason'
import type { WorkerHandle, WorkerMessage } from './launcher'
import { readRunEvents } from './runDir'

/** Events that end a phase the UI and the scheduler care about: written at once, not batched. */
const FLUSH_NOW = new Set<RunEvent['type']>([
  'started',
  'resumed',
  'epoch',
  'evalEpoch',
  'checkpoint',
  'finished',
  'failed',
  'stopped',
])

export interface SessionEnd {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly outcome: ExitOutcome
  /** An epoch checkpoint was written during this attempt (the auto-retry budget starts again). */
  readonly madeProgress: boolean
}

export interface SessionOptions {
  readonly store: Store
  readonly runId: string
  readonly runDir: string
  readonly handle: WorkerHandle
  /** Batch window for IPC events (ms). */
  readonly flushMs?: number
  readonly onEvent?: (event: RunEvent) => void
  /** After events were written to the store. */
  readonly onIngest?: () => void
  /** A store write failed; the events stay in events.jsonl and the exit re-reads them. */
  readonly onError?: (err: Error) => void
}

export class WorkerSession {
  readonly ended: Promise<SessionEnd>
  private requestedStop: StopRequest = null
  private pending: RunEvent[] = []
  private timer: NodeJS.Timeout | null = null
  private killTimer: NodeJS.Timeout | null = null
  private lastIpcEvent: RunEvent | undefined
  private fatal: { reason: 'bad-input' | 'error'; message: string } | undefined
  private detached = false
  private exited = false
  // Events stamped before this attempt began belong to earlier attempts (a little slack for clock granularity).
  private readonly launchedAt = Date.now() - 5

  constructor(private readonly opts: SessionOptions) {
    opts.handle.onSpawn((pid) => this.safely(() => opts.store.updateRun(opts.runId, { pid })))
    opts.handle.onMessage((m) => this.message(m))
    this.ended = new Promise((resolve) =>
      opts.handle.onExit((code, signal) => {
        this.exited = true
        resolve(this.finish(code, signal))
      }),
    )
  }

  get pid(): number | null {
    return this.opts.handle.pid
  }

  get requested(): StopRequest {
    return this.requestedStop
  }

  /** Asks the worker to checkpoint and exit; kills it if it has not exited after `timeoutMs`. */
  stop(why: Exclude<StopRequest, null>, timeoutMs = 120_000): void {
    // A cancel overrides an earlier pause; a later pause does not undo a cancel.
    if (this.requestedStop !== 'cancel') this.requestedStop = why
    if (this.exited) return
    this.opts.handle.stop()
    if (!this.killTimer) {
      this.killTimer = setTimeout(() => this.opts.handle.kill(), timeoutMs)
      this.killTimer.unref()
    }
  }

  kill(): void {
    this.opts.handle.kill()
  }

  /** Stops listening (the service shuts down but leaves the worker running); a later service adopts the run. */
  detach(): void {
    this.flush()
    this.detached = true
    this.clearTimers()
  }

  private message(m: WorkerMessage): void {
    if (this.detached) return
    if (m.type === 'fatal') {
      this.fatal = { reason: m.reason, message: m.message }
      return
    }
    const event = m.event
    this.lastIpcEvent = event
    this.pending.push(event)
    this.opts.onEvent?.(event)
    if (FLUSH_NOW.has(event.type)) this.flush()
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.opts.flushMs ?? 200)
      this.timer.unref()
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (!this.pending.length) return
    const batch = this.pending
    this.pending = []
    try {
      const r = this.opts.store.ingestEvents(this.opts.runId, batch)
      // A gap (an event IPC never delivered): the log has it.
      if (r.deferred > 0) this.opts.store.ingestRunDir(this.opts.runDir)
      this.opts.onIngest?.()
    } catch (err) {
      this.opts.onError?.(err as Error)
    }
  }

  private safely(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.opts.onError?.(err as Error)
    }
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.killTimer) clearTimeout(this.killTimer)
    this.timer = this.killTimer = null
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): SessionEnd {
    if (!this.detached) this.flush()
    this.clearTimers()
    // The log is the source of truth: catch up on whatever IPC missed, then judge by this attempt's events.
    try {
      if (existsSync(join(this.opts.runDir, EVENTS_FILE))) this.opts.store.ingestRunDir(this.opts.runDir)
      this.opts.onIngest?.()
    } catch (err) {
      this.opts.onError?.(err as Error)
    }
    const fresh = attemptEvents(this.opts.runDir, this.launchedAt)
    const lastEvent = fresh.at(-1) ?? this.lastIpcEvent
    const outcome = exitOutcome({ code, signal, lastEvent, fatal: this.fatal, requested: this.requestedStop })
    const madeProgress = fresh.some((e) => e.type === 'checkpoint' && e.reason === 'epoch')
    return { code, signal, outcome, madeProgress }
  }
}

/** The events of the log written at or after `since` (ms). */
export function attemptEvents(runDir: string, since: number): RunEvent[] {
  return readRunEvents(join(runDir, EVENTS_FILE)).filter((e) => e.time >= since)
}
