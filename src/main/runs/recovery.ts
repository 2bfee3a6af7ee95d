/**
 * From an exit (or a worker found dead) to the run's new row: the crash-recovery policy. Shared by the
 * RunService and the CLI commands that manage runs without a service (`hdarts search`, `runs cancel`).
 */
import { join } from 'node:path'
import { EVENTS_FILE } from '../../core/run/runFile'
import type { RunPatch, RunRow, Store } from '../store'
import type { ExitOutcome, StopRequest } from './exitReason'
import { isWorkerOf } from './process'
import { lastEvent } from './runDir'

export interface RetryPolicy {
  readonly autoResume: boolean
  readonly maxAutoRetries: number
}

export const NO_AUTO_RESUME: RetryPolicy = { autoResume: false, maxAutoRetries: 0 }

/**
 * The row update for an ended attempt. `attempts` counts automatic resumes in a row; an attempt that
 * wrote an epoch checkpoint starts the count again, so a long run survives many unrelated crashes
 * while a run that crashes at the same step every time gives up after `maxAutoRetries`.
 */
export function outcomePatch(
  run: Pick<RunRow, 'attempts'>,
  outcome: ExitOutcome,
  policy: RetryPolicy,
  madeProgress: boolean,
  now = Date.now(),
): RunPatch {
  const base = { pid: null, endedAt: now, statusReason: outcome.reason, error: outcome.error }
  if (outcome.status !== 'interrupted' || !outcome.retryable || !policy.autoResume) return { ...base, status: outcome.status }
  const used = madeProgress ? 0 : run.attempts
  if (used >= policy.maxAutoRetries)
    return {
      ...base,
      status: 'interrupted',
      statusReason: `${outcome.reason}; gave up after ${used} automatic resumes`,
      attempts: used,
    }
  return {
    ...base,
    status: 'queued',
    statusReason: `${outcome.reason}; resuming from the last checkpoint (automatic ${used + 1}/${policy.maxAutoRetries})`,
    attempts: used + 1,
    endedAt: null,
  }
}

/**
 * The row update for an attempt that ended while `current` is the run's row: a cancel written by
 * another process meanwhile (`hdarts runs cancel`) stands, unless the run finished first.
 */
export function endedPatch(current: RunRow, outcome: ExitOutcome, madeProgress: boolean, policy: RetryPolicy): RunPatch {
  const o: ExitOutcome =
    current.status === 'cancelled' && outcome.status !== 'finished'
      ? { status: 'cancelled', reason: 'cancelled', error: null, retryable: false }
      : outcome
  return outcomePatch(current, o, policy, madeProgress)
}

/** A run marked running whose worker is gone and was nobody's child here: judge it by its log. */
export function lostRunOutcome(runDir: string, requested: StopRequest = null): ExitOutcome {
  const ev = lastEvent(join(runDir, EVENTS_FILE))
  if (ev?.type === 'finished') return { status: 'finished', reason: 'finished', error: null, retryable: false }
  if (ev?.type === 'failed') return { status: 'failed', reason: ev.reason, error: ev.message, retryable: false }
  if (requested === 'cancel') return { status: 'cancelled', reason: 'cancelled', error: null, retryable: false }
  if (ev?.type === 'stopped')
    return requested
      ? { status: 'paused', reason: 'paused', error: null, retryable: false }
      : { status: 'interrupted', reason: 'stopped', error: `stopped by ${ev.signal}`, retryable: false }
  return {
    status: 'interrupted',
    reason: 'lost',
    error: 'the worker ended while no service was watching it (the app or its host went down)',
    retryable: true,
  }
}

export class RunStateError extends Error {
  override name = 'RunStateError'
}

/**
 * Cancels a run without a service: marks it cancelled first (so whoever owns the worker keeps that
 * status when the worker exits), then asks a live worker to checkpoint and stop.
 */
export function cancelRun(store: Store, run: RunRow): { signalled: number | null } {
  if (run.status === 'finished' || run.status === 'failed' || run.status === 'cancelled')
    throw new RunStateError(`run ${run.id} is already ${run.status}`)
  const live = run.status === 'running' && isWorkerOf(run.pid, run.runDir) ? run.pid : null
  store.updateRun(run.id, {
    status: 'cancelled',
    statusReason: 'cancelled',
    endedAt: live ? null : Date.now(),
    ...(live ? {} : { pid: null }),
  })
  if (live) {
    try {
      process.kill(live, 'SIGTERM')
    } catch {
      // exited in between
    }
  }
  return { signalled: live }
}
