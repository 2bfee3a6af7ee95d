/**
 * What a worker's exit means for its run: the exit code and signal, the last event the worker wrote
 * during this attempt, and whether we asked it to stop. Pure, so the whole table is unit-tested.
 */
import type { RunEvent } from '../../core/events'
import type { RunStatus } from '../store'
import { WORKER_EXIT } from './protocol'

/** Why we stopped a worker ourselves; null when nobody here asked. */
export type StopRequest = 'pause' | 'cancel' | 'shutdown' | null

export interface ExitFacts {
  readonly code: number | null
  readonly signal: string | null
  /** The newest event of this attempt (from IPC or the log); undefined when it wrote none. */
  readonly lastEvent?: RunEvent
  /** A failure the worker reported before its event log was open (e.g. a damaged checkpoint). */
  readonly fatal?: { readonly reason: 'bad-input' | 'error'; readonly message: string }
  readonly requested: StopRequest
}

export interface ExitOutcome {
  readonly status: Exclude<RunStatus, 'queued' | 'running'>
  /** A few words: 'finished', 'paused', 'killed', 'crashed', 'out-of-memory', … */
  readonly reason: string
  /** A message for the user when something went wrong. */
  readonly error: string | null
  /** An unexpected death that resuming from the last checkpoint may cure (the auto-resume policy applies). */
  readonly retryable: boolean
}

const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGTRAP', 'SIGSYS'])

export function exitOutcome(f: ExitFacts): ExitOutcome {
  const ev = f.lastEvent
  const ok = (status: ExitOutcome['status'], reason: string, error: string | null = null, retryable = false): ExitOutcome => ({
    status,
    reason,
    error,
    retryable,
  })
  // A finished log wins over however the process then ended (e.g. killed while exiting).
  if (ev?.type === 'finished' || f.code === WORKER_EXIT.finished) return ok('finished', 'finished')
  if (f.requested === 'cancel') return ok('cancelled', 'cancelled')
  if (f.code === WORKER_EXIT.stopped) {
    if (f.requested) return ok('paused', f.requested === 'shutdown' ? 'service stopped' : 'paused')
    const sig = ev?.type === 'stopped' ? ev.signal : 'a signal'
    // Someone else stopped it on purpose (a shell, Slurm, the OS shutting down): resumable, not auto-resumed.
    return ok('interrupted', 'stopped', `stopped by ${sig} from outside the service`)
  }
  if (f.code === WORKER_EXIT.badInput) {
    const message = ev?.type === 'failed' ? ev.message : (f.fatal?.message ?? 'the worker rejected its input')
    return ok('failed', 'bad-input', message)
  }
  if (f.code === WORKER_EXIT.error) {
    if (ev?.type === 'failed') return ok('failed', ev.reason, ev.message)
    if (f.fatal) return ok('failed', f.fatal.reason, f.fatal.message)
    // Exit 1 with no failed event: an uncaught exception outside the worker's own error handling.
    return ok('interrupted', 'crashed', 'the worker exited with code 1 without reporting an error', true)
  }
  if (f.signal) {
    // We asked it to stop and then had to kill it (stop timeout): it stays where we wanted it.
    if (f.requested)
      return ok(
        'paused',
        f.requested === 'shutdown' ? 'service stopped' : 'paused',
        `killed with ${f.signal} after the stop timeout`,
      )
    if (CRASH_SIGNALS.has(f.signal)) return ok('interrupted', 'crashed', `the worker crashed (${f.signal})`, true)
    return ok('interrupted', 'killed', `the worker was killed (${f.signal})`, true)
  }
  return ok('interrupted', 'crashed', `the worker exited with code ${f.code ?? 'unknown'}`, true)
}
