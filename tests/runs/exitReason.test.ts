import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { type ExitFacts, exitOutcome } from '../../src/main/runs/exitReason'

const ev = (body: Record<string, unknown>): RunEvent => ({ seq: 9, time: 1, ...body }) as unknown as RunEvent
const finished = ev({ type: 'finished', genotype: 'G', valAcc: 0.5, seconds: 3 })
const stopped = ev({ type: 'stopped', signal: 'SIGTERM', epoch: 1, step: 2 })
const oom = ev({ type: 'failed', reason: 'out-of-memory', message: 'out of memory: lower batchSize' })
const badInput = ev({ type: 'failed', reason: 'bad-input', message: 'no dataset' })
const error = ev({ type: 'failed', reason: 'error', message: 'boom' })
const progress = ev({ type: 'progress', epoch: 0, step: 1 })

// [what, facts, status, reason, retryable]
const TABLE: [string, ExitFacts, string, string, boolean][] = [
  ['clean exit', { code: 0, signal: null, lastEvent: finished, requested: null }, 'finished', 'finished', false],
  ['exit 0 with nothing new (already finished)', { code: 0, signal: null, requested: null }, 'finished', 'finished', false],
  [
    'finished, then killed on the way out',
    { code: null, signal: 'SIGKILL', lastEvent: finished, requested: null },
    'finished',
    'finished',
    false,
  ],
  ['75 after our pause', { code: 75, signal: null, lastEvent: stopped, requested: 'pause' }, 'paused', 'paused', false],
  [
    '75 after our shutdown',
    { code: 75, signal: null, lastEvent: stopped, requested: 'shutdown' },
    'paused',
    'service stopped',
    false,
  ],
  ['75 after our cancel', { code: 75, signal: null, lastEvent: stopped, requested: 'cancel' }, 'cancelled', 'cancelled', false],
  ['75 nobody here asked for', { code: 75, signal: null, lastEvent: stopped, requested: null }, 'interrupted', 'stopped', false],
  ['2: bad input', { code: 2, signal: null, lastEvent: badInput, requested: null }, 'failed', 'bad-input', false],
  [
    '2 before the log opened (damaged checkpoint)',
    { code: 2, signal: null, fatal: { reason: 'bad-input', message: 'checksum mismatch' }, requested: null },
    'failed',
    'bad-input',
    false,
  ],
  ['1 with an out-of-memory event', { code: 1, signal: null, lastEvent: oom, requested: null }, 'failed', 'out-of-memory', false],
  ['1 with an error event', { code: 1, signal: null, lastEvent: error, requested: null }, 'failed', 'error', false],
  [
    '1 without a failed event (uncaught)',
    { code: 1, signal: null, lastEvent: progress, requested: null },
    'interrupted',
    'crashed',
    true,
  ],
  [
    'SIGKILL from outside',
    { code: null, signal: 'SIGKILL', lastEvent: progress, requested: null },
    'interrupted',
    'killed',
    true,
  ],
  ['SIGTERM death without a checkpoint', { code: null, signal: 'SIGTERM', requested: null }, 'interrupted', 'killed', true],
  ['SIGSEGV', { code: null, signal: 'SIGSEGV', lastEvent: progress, requested: null }, 'interrupted', 'crashed', true],
  ['SIGABRT', { code: null, signal: 'SIGABRT', requested: null }, 'interrupted', 'crashed', true],
  [
    'killed after our pause timed out',
    { code: null, signal: 'SIGKILL', lastEvent: progress, requested: 'pause' },
    'paused',
    'paused',
    false,
  ],
  ['killed after our cancel', { code: null, signal: 'SIGKILL', requested: 'cancel' }, 'cancelled', 'cancelled', false],
  ['an unknown exit code', { code: 134, signal: null, lastEvent: progress, requested: null }, 'interrupted', 'crashed', true],
  ['no code, no signal', { code: null, signal: null, requested: null }, 'interrupted', 'crashed', true],
]

describe('exitOutcome', () => {
  it.each(TABLE)('%s', (_what, facts, status, reason, retryable) => {
    const o = exitOutcome(facts)
    expect({ status: o.status, reason: o.reason, retryable: o.retryable }).toEqual({ status, reason, retryable })
    // Failures say what happened; a clean end says nothing.
    if (status === 'failed') expect(o.error).toBeTruthy()
    if (status === 'finished' || status === 'paused') expect(o.error === null || /timeout/.test(o.error)).toBe(true)
  })

  it('carries the failure message and the outside signal', () => {
    expect(exitOutcome({ code: 1, signal: null, lastEvent: oom, requested: null }).error).toMatch(/lower batchSize/)
    expect(exitOutcome({ code: 75, signal: null, lastEvent: stopped, requested: null }).error).toMatch(/SIGTERM/)
    expect(exitOutcome({ code: null, signal: 'SIGKILL', requested: null }).error).toMatch(/SIGKILL/)
  })
})
