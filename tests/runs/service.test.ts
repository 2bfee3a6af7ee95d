/**
 * RunService logic with a hand-driven launcher and a real database: slots, priorities, the exit
 * mapping, the recovery policy, pause/resume/cancel/retry/duplicate/delete and the service lock.
 * The same service with real worker processes is in faults.test.ts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ServiceLockError } from '../../src/main/runs/lock'
import { RunInputError } from '../../src/main/runs/runDir'
import { RunService, type RunServiceOptions, RunStateError } from '../../src/main/runs/service'
import { openStore, type Store } from '../../src/main/store'
import { BACKEND, FakeLauncher, until } from './fakeLauncher'

let dir: string
let store: Store
let launcher: FakeLauncher
const services: RunService[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hdarts-service-'))
  store = openStore(join(dir, 'hdarts.db'))
  launcher = new FakeLauncher()
})
afterEach(async () => {
  for (const s of services.splice(0)) await s.shutdown({ stopWorkers: true, requeue: false })
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

function service(opts: Partial<RunServiceOptions> = {}): RunService {
  const s = new RunService({ store, launcher, runsDir: join(dir, 'runs'), cpuSlots: 1, gpus: [], watchMs: 50, ...opts })
  services.push(s)
  return s
}
const quick = (extra: Record<string, unknown> = {}) => ({ preset: 'darts-1st-quick', sets: ['epochs=2'], ...extra })
const status = (id: string) => store.getRun(id)!.status

describe('RunService scheduling', () => {
  it('fills CPU slots in priority order and hides GPUs from CPU workers', async () => {
    const s = service({ cpuSlots: 2 })
    s.start()
    const low = s.submit(quick({ priority: 0 }))
    const mid = s.submit(quick({ priority: 1 }))
    const high = s.submit(quick({ priority: 5 }))
    await until(() => launcher.workers.length === 2, 'two launches')
    expect(launcher.workers.map((w) => w.req.runDir)).toEqual([high.runDir, mid.runDir])
    expect(launcher.workers.every((w) => w.req.env.CUDA_VISIBLE_DEVICES === '' && !w.req.resume)).toBe(true)
    expect(launcher.workers[0]!.req.serviceName).toBe(`hdarts run ${high.id}`)
    expect([status(high.id), status(mid.id), status(low.id)]).toEqual(['running', 'running', 'queued'])
    expect(store.getRun(high.id)!.pid).toBe(launcher.workers[0]!.pid)
    launcher.workers[0]!.exit(0)
    await until(() => launcher.workers.length === 3, 'the third launch')
    expect(status(high.id)).toBe('finished')
    expect(launcher.workers[2]!.req.runDir).toBe(low.runDir)
  })

  it('gives each GPU one worker (CUDA_VISIBLE_DEVICES) and CPU-pinned runs the CPU slots', async () => {
    const s = service({ cpuSlots: 1, gpus: ['0', '3'] })
    s.start()
    const runs = [s.submit(quick()), s.submit(quick()), s.submit(quick())]
    const wasm = s.submit(quick({ backend: 'wasm' }))
    await until(() => launcher.workers.length === 3, 'three launches')
    expect(launcher.workers.map((w) => w.req.env.CUDA_VISIBLE_DEVICES).sort()).toEqual(['', '0', '3'])
    expect(launcher.workers.find((w) => w.req.env.CUDA_VISIBLE_DEVICES === '')!.req.runDir).toBe(wasm.runDir)
    expect(status(runs[2]!.id)).toBe('queued') // waits for a GPU rather than crawling on the CPU
    launcher.workers.find((w) => w.req.env.CUDA_VISIBLE_DEVICES === '3')!.exit(0)
    await until(() => launcher.workers.length === 4, 'the freed GPU reused')
    expect(launcher.workers[3]!.req.env.CUDA_VISIBLE_DEVICES).toBe('3')
  })

  it('reads the GPU list from $HDARTS_GPUS and caps workers with maxWorkers', async () => {
    const s = service({ gpus: undefined, env: { HDARTS_GPUS: '1,2, 5' }, cpuSlots: 4, maxWorkers: 2 })
    expect(s.gpus).toEqual(['1', '2', '5'])
    s.start()
    for (let i = 0; i < 4; i++) s.submit(quick())
    await until(() => launcher.workers.length === 2, 'two launches')
    await new Promise((r) => setTimeout(r, 30))
    expect(launcher.workers).toHaveLength(2)
  })

  it('validates a whole grid before creating anything', () => {
    const s = service()
    expect(() => s.submitGrid({ name: 'g', methods: ['darts-1st-quick', 'nope'], seeds: [0] })).toThrow(RunInputError)
    expect(() => s.submitGrid({ name: 'g', methods: ['darts-1st-quick'], seeds: [0], values: { epochs: [0] } })).toThrow(/epochs/)
    expect(store.listRuns()).toHaveLength(0)
    expect(store.listExperiments()).toHaveLength(0)
    const { experimentId, runs } = s.submitGrid({ name: 'g', methods: ['darts-1st-quick'], seeds: [3, 4], values: { C: [2, 3] } })
    expect(runs.map((r) => [r.seed, r.config.C, r.experimentId])).toEqual([
      [3, 2, experimentId],
      [4, 2, experimentId],
      [3, 3, experimentId],
      [4, 3, experimentId],
    ])
  })
})

describe('RunService exits and recovery', () => {
  it('requeues a killed worker to resume, and gives up after maxAutoRetries crashes without progress', async () => {
    const s = service({ maxAutoRetries: 2 })
    s.start()
    const run = s.submit(quick())
    await until(() => launcher.workers.length === 1, 'launch')
    launcher.workers[0]!.emit({
      type: 'started',
      runId: run.id,
      preset: 'p',
      backend: BACKEND,
      weights: 1,
      stepsPerEpoch: 4,
      epochs: 2,
    })
    launcher.workers[0]!.exit(null, 'SIGKILL')
    await until(() => launcher.workers.length === 2, 'relaunch')
    expect(launcher.workers[1]!.req.resume).toBe(true)
    expect(store.getRun(run.id)!.attempts).toBe(1)
    launcher.workers[1]!.exit(null, 'SIGSEGV')
    await until(() => launcher.workers.length === 3, 'second relaunch')
    launcher.workers[2]!.exit(null, 'SIGKILL')
    await until(() => status(run.id) === 'interrupted', 'give up')
    expect(store.getRun(run.id)!.statusReason).toMatch(/gave up after 2/)
    expect(launcher.workers).toHaveLength(3)
  })

  it('starts the retry budget again after an epoch checkpoint', async () => {
    const s = service({ maxAutoRetries: 1 })
    s.start()
    const run = s.submit(quick())
    for (let i = 0; i < 3; i++) {
      await until(() => launcher.workers.length === i + 1, `launch ${i + 1}`)
      const w = launcher.workers[i]!
      w.emit({ type: 'checkpoint', epoch: i + 1, step: 0, file: 'checkpoints/latest.ckpt', bytes: 1, reason: 'epoch' }, i)
      w.exit(null, 'SIGKILL')
    }
    await until(() => launcher.workers.length === 4, 'fourth launch')
    expect(store.getRun(run.id)!.attempts).toBe(1)
  })

  it('maps failures: out of memory is final, bad input is final', async () => {
    const s = service({ cpuSlots: 2 })
    s.start()
    const a = s.submit(quick())
    const b = s.submit(quick())
    await until(() => launcher.workers.length === 2, 'launches')
    launcher.workers[0]!.emit({ type: 'failed', reason: 'out-of-memory', message: 'out of memory: lower batchSize' })
    launcher.workers[0]!.exit(1)
    launcher.workers[1]!.exit(2)
    await until(() => status(a.id) === 'failed' && status(b.id) === 'failed', 'failures')
    expect(store.getRun(a.id)).toMatchObject({
      statusReason: 'out-of-memory',
      error: 'out of memory: lower batchSize',
      pid: null,
    })
    expect(store.getRun(b.id)!.statusReason).toBe('bad-input')
    await new Promise((r) => setTimeout(r, 20))
    expect(launcher.workers).toHaveLength(2)
  })

  it('pauses, resumes, cancels and retries', async () => {
    const s = service()
    s.start()
    const run = s.submit(quick())
    await until(() => launcher.workers.length === 1, 'launch')
    launcher.workers[0]!.emit({
      type: 'started',
      runId: run.id,
      preset: 'p',
      backend: BACKEND,
      weights: 1,
      stepsPerEpoch: 4,
      epochs: 2,
    })
    s.pause(run.id)
    await until(() => status(run.id) === 'paused' && launcher.workers[0]!.exited, 'paused')
    expect(launcher.workers[0]!.stops).toBe(1)
    expect(() => s.retry(run.id)).not.toThrow() // a paused run may be retried too
    s.cancel(run.id) // cancelled while queued (or just launched)
    await until(() => status(run.id) === 'cancelled' && launcher.live().length === 0, 'cancelled')
    expect(() => s.resume(run.id)).toThrow(/retry/)
    s.retry(run.id)
    await until(() => launcher.live().length === 1, 'retried')
    expect(launcher.live()[0]!.req.resume).toBe(true)
    s.cancel(run.id)
    await until(() => status(run.id) === 'cancelled' && launcher.live().length === 0, 'cancel of a running run')
    expect(launcher.workers.at(-1)!.stops).toBe(1)
    expect(() => s.pause(run.id)).toThrow(RunStateError)
  })

  it('keeps a cancel written by another process while the worker stops', async () => {
    const s = service()
    s.start()
    const run = s.submit(quick())
    await until(() => launcher.workers.length === 1, 'launch')
    store.updateRun(run.id, { status: 'cancelled' }) // `hdarts runs cancel` in another terminal…
    launcher.workers[0]!.exit(75) // …whose SIGTERM the worker obeys
    await until(() => store.getRun(run.id)!.pid === null, 'exit handled')
    expect(status(run.id)).toBe('cancelled')
  })

  it('on shutdown, stops workers and puts their runs back in the queue for the next service', async () => {
    const s = service({ cpuSlots: 2 })
    s.start()
    const runs = [s.submit(quick()), s.submit(quick())]
    await until(() => launcher.workers.length === 2, 'launches')
    await s.shutdown({ stopWorkers: true })
    expect(runs.map((r) => status(r.id))).toEqual(['queued', 'queued'])
    expect(launcher.workers.every((w) => w.stops === 1)).toBe(true)
  })

  it('duplicates with extra settings and deletes files only when told', async () => {
    const s = service()
    const run = s.submit(quick({ sets: ['epochs=2', 'C=3'] }))
    const copy = s.duplicate(run.id, ['seed=9'])
    expect(copy.config).toMatchObject({ epochs: 2, C: 3, seed: 9 })
    expect(copy.id).not.toBe(run.id)
    s.delete(run.id, { deleteFiles: false })
    expect(store.getRun(run.id)).toBeUndefined()
    expect(existsSync(run.runDir)).toBe(true)
    s.delete(copy.id, { deleteFiles: true })
    expect(existsSync(copy.runDir)).toBe(false)
    expect(() => s.delete('nope', { deleteFiles: true })).toThrow(/no run/)
  })
})

describe('RunService start-up', () => {
  it('refuses a second service on the same database, with a clear error', async () => {
    const a = service()
    a.start()
    const b = service()
    expect(() => b.start()).toThrow(ServiceLockError)
    expect(() => b.start()).toThrow(/another hdarts service \(pid \d+\) is already running workers/)
    await a.shutdown({ stopWorkers: true })
    b.start() // released
  })

  it('takes over a stale lock left by a dead service', () => {
    writeFileSync(join(dir, 'hdarts.db.lock'), JSON.stringify({ pid: 4_100_000, host: hostname(), startedAt: 0 }))
    expect(() => service().start()).not.toThrow()
  })

  it('reconciles runs a dead service left running: finished logs finish, others resume', async () => {
    const s0 = service()
    const done = s0.submit(quick())
    const lost = s0.submit(quick())
    const ev = (seq: number, body: Record<string, unknown>) => JSON.stringify({ seq, time: Date.now(), ...body }) + '\n'
    const started = { type: 'started', runId: 'x', preset: 'p', backend: BACKEND, weights: 1, stepsPerEpoch: 4, epochs: 2 }
    writeFileSync(
      join(done.runDir, 'events.jsonl'),
      ev(1, started) + ev(2, { type: 'finished', genotype: 'G', valAcc: 0.5, seconds: 1 }),
    )
    writeFileSync(join(lost.runDir, 'events.jsonl'), ev(1, started) + ev(2, { type: 'progress', epoch: 0, step: 1 }))
    for (const r of [done, lost]) store.updateRun(r.id, { status: 'running', pid: 4_100_001 })
    const s = service()
    s.start()
    expect(status(done.id)).toBe('finished')
    expect(store.getRun(done.id)!.lastSeq).toBe(2)
    await until(() => launcher.workers.length === 1, 'resume of the lost run')
    expect(launcher.workers[0]!.req).toMatchObject({ runDir: lost.runDir, resume: true })
    expect(store.getRun(lost.id)!.attempts).toBe(1)
  })
})
