/**
 * RunService: the run queue (DESIGN.md §2). Owns the workers of one database: launches queued runs on
 * free device slots in priority order, ingests their events, maps their exits to statuses and applies
 * the crash-recovery policy. Plain TypeScript: the same class runs in the app, `hdarts serve`, the CLI
 * and tests; only the WorkerLauncher differs. See docs/runs.md.
 */
import { EventEmitter } from 'node:events'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { cpus } from 'node:os'
import { join, resolve } from 'node:path'
import type { RunEvent } from '../../core/events'
import { EVENTS_FILE, RUN_FILE, type RunFile } from '../../core/run/runFile'
import type { RunRow, Store } from '../store'
import { expandGrid, type GridSpec } from './grid'
import type { WorkerLauncher } from './launcher'
import { acquireServiceLock, type ServiceLock } from './lock'
import { isWorkerOf } from './process'
import { cancelRun, lostRunOutcome, outcomePatch, type RetryPolicy, RunStateError } from './recovery'
import { createRunDir, openRunDir, resolveConfig, type RunSpec } from './runDir'
import { WorkerSession } from './session'
import type { StopRequest } from './exitReason'

export { RunStateError }

export interface RunServiceOptions {
  readonly store: Store
  readonly launcher: WorkerLauncher
  /** Where new run directories go. */
  readonly runsDir: string
  /** Concurrent CPU workers (default: the number of cores, at least 1). */
  readonly cpuSlots?: number
  /** GPU ids, one worker each (default: $HDARTS_GPUS, comma-separated, else none). */
  readonly gpus?: readonly string[]
  /** At most this many workers in all (default: no cap beyond the slots). */
  readonly maxWorkers?: number
  /** Requeue a run whose worker died unexpectedly, to resume from its last checkpoint (default true). */
  readonly autoResume?: boolean
  /** Automatic resumes in a row without a new epoch checkpoint before giving up (default 3). */
  readonly maxAutoRetries?: number
  /** Writes a new run directory (default createRunDir). */
  readonly createRunFile?: (runsDir: string, spec: RunSpec) => { dir: string; run: RunFile }
  /** Only launch runs this service submitted, resumed or retried (the CLI's foreground commands). */
  readonly onlyOwnRuns?: boolean
  /** The one-service-per-database lock (default `<db>.lock`, or in runsDir for an in-memory store). */
  readonly lockFile?: string
  /** The environment workers inherit (default process.env). */
  readonly env?: NodeJS.ProcessEnv
  readonly flushMs?: number
  /** How often runs owned by no live service are checked (ms). */
  readonly watchMs?: number
  /** After a stop request, kill a worker that has not exited within this time (ms). */
  readonly stopTimeoutMs?: number
}

export interface SubmitSpec extends RunSpec {
  readonly seed?: number
  readonly priority?: number
  readonly experimentId?: number | null
}

type Slot = { readonly kind: 'gpu'; readonly id: string } | { readonly kind: 'cpu' }

interface Active {
  readonly session: WorkerSession
  readonly slot: Slot
}

export interface RunServiceEvents {
  'run-updated': [run: RunRow]
  event: [runId: string, event: RunEvent]
  /** Nothing running and nothing launchable (in scope) left in the queue. */
  idle: []
  /** A problem the service survived (a failed store write, a launch error); never thrown. */
  warning: [err: Error]
}

export const gpusFromEnv = (env: NodeJS.ProcessEnv = process.env): string[] =>
  (env.HDARTS_GPUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

export class RunService extends EventEmitter<RunServiceEvents> {
  readonly cpuSlots: number
  readonly gpus: readonly string[]
  readonly policy: RetryPolicy
  private readonly active = new Map<string, Active>()
  private readonly owned = new Set<string>()
  /** Stop requests for runs whose worker is not our child (the watchdog applies them when it dies). */
  private readonly foreignRequests = new Map<string, Exclude<StopRequest, null>>()
  private lock: ServiceLock | null = null
  private started = false
  private stopping = false
  private scheduled = false
  private watchTimer: NodeJS.Timeout | null = null
  private wasIdle = false
  private requeueOnShutdown = true
  /** Runs the user asked to resume while a worker of another process still ran them. */
  private readonly wanted = new Set<string>()

  constructor(private readonly opts: RunServiceOptions) {
    super()
    this.cpuSlots = Math.max(1, Math.floor(opts.cpuSlots ?? cpus().length))
    this.gpus = opts.gpus ?? gpusFromEnv(opts.env)
    this.policy = { autoResume: opts.autoResume ?? true, maxAutoRetries: opts.maxAutoRetries ?? 3 }
  }

  get store(): Store {
    return this.opts.store
  }

  /** Ids of runs with a worker of this service. */
  get running(): string[] {
    return [...this.active.keys()]
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Takes the database's service lock, reconciles runs left running by a dead service, then schedules. */
  start(): void {
    if (this.started) return
    const file = this.opts.store.file
    const lockFile = this.opts.lockFile ?? (file && file !== ':memory:' ? `${file}.lock` : join(this.opts.runsDir, '.service.lock'))
    this.lock = acquireServiceLock(lockFile, file && file !== ':memory:' ? file : 'this database')
    this.started = true
    this.reconcile()
    this.watchTimer = setInterval(() => {
      this.reconcile()
      this.scheduleSoon()
    }, this.opts.watchMs ?? 2000)
    this.watchTimer.unref()
    this.scheduleSoon()
  }

  /**
   * Stops scheduling. With `stopWorkers`, every worker checkpoints and exits, and its run goes back to
   * the queue (`requeue`, the default: the next service resumes it) or to paused. Without, workers keep
   * running and the next service adopts them.
   */
  async shutdown(opts: { stopWorkers: boolean; requeue?: boolean; timeoutMs?: number }): Promise<void> {
    this.stopping = true
    if (this.watchTimer) clearInterval(this.watchTimer)
    this.watchTimer = null
    const sessions = [...this.active.values()].map((a) => a.session)
    if (opts.stopWorkers) {
      this.requeueOnShutdown = opts.requeue ?? true
      for (const s of sessions) s.stop('shutdown', opts.timeoutMs ?? this.opts.stopTimeoutMs)
      await Promise.all(sessions.map((s) => s.ended))
      // The exit handlers were registered first, so every row is written by now.
    } else {
      for (const s of sessions) s.detach()
      this.active.clear()
    }
    this.lock?.release()
    this.lock = null
    this.started = false
  }

  /**
   * Runs marked running that no worker of ours backs: a live worker of a dead service (or of a
   * foreground `hdarts search`) is left alone and its log ingested; a dead one is judged by its log and
   * requeued per the policy. Runs at start and then periodically.
   */
  reconcile(): void {
    for (const run of this.opts.store.listRuns({ status: ['running'] })) {
      if (this.active.has(run.id)) continue
      const dirOk = existsSync(join(run.runDir, RUN_FILE))
      if (dirOk && isWorkerOf(run.pid, run.runDir)) {
        this.safely(() => existsSync(join(run.runDir, EVENTS_FILE)) && this.opts.store.ingestRunDir(run.runDir))
        continue
      }
      if (!dirOk) {
        this.update(run.id, { status: 'failed', statusReason: 'missing', error: `run directory ${run.runDir} is gone`, pid: null })
        continue
      }
      this.safely(() => existsSync(join(run.runDir, EVENTS_FILE)) && this.opts.store.ingestRunDir(run.runDir))
      const outcome = lostRunOutcome(run.runDir, this.foreignRequests.get(run.id) ?? null)
      this.foreignRequests.delete(run.id)
      const patch = outcomePatch(run, outcome, this.policy, false)
      if (this.wanted.delete(run.id) && (patch.status === 'paused' || patch.status === 'interrupted'))
        this.update(run.id, { ...patch, status: 'queued', statusReason: 'resumed', attempts: 0, endedAt: null })
      else this.update(run.id, patch)
    }
  }

  // ---- submitting -------------------------------------------------------------------------

  /** Creates a run directory and queues the run. Throws RunInputError for a bad preset or setting. */
  submit(spec: SubmitSpec): RunRow {
    const sets = spec.seed === undefined ? spec.sets : [...(spec.sets ?? []), `seed=${spec.seed}`]
    const { dir, run } = (this.opts.createRunFile ?? createRunDir)(this.opts.runsDir, { ...spec, sets })
    this.opts.store.insertRun({
      id: run.id,
      experimentId: spec.experimentId ?? null,
      runDir: dir,
      kind: run.kind,
      preset: run.preset,
      method: run.config.method,
      dataset: run.config.dataset,
      seed: run.config.seed,
      config: run.config,
      priority: spec.priority ?? 0,
      status: 'queued',
    })
    this.owned.add(run.id)
    const row = this.mustGet(run.id)
    this.emit('run-updated', row)
    this.scheduleSoon()
    return row
  }

  /** One experiment and a queued run per grid point. Every point is validated before anything is created. */
  submitGrid(grid: GridSpec, extra: Omit<SubmitSpec, 'preset' | 'sets' | 'seed' | 'experimentId'> = {}) {
    const points = expandGrid(grid)
    for (const p of points) resolveConfig({ ...extra, preset: p.preset, sets: p.sets })
    const experimentId = this.opts.store.createExperiment({ name: grid.name, grid })
    const runs = points.map((p) => this.submit({ ...extra, preset: p.preset, sets: p.sets, experimentId }))
    return { experimentId, runs }
  }

  /** A new queued run with the same config (plus `sets`), in the same experiment. */
  duplicate(id: string, sets: readonly string[] = []): RunRow {
    const src = this.mustGet(id)
    const { run } = openRunDir(src.runDir)
    return this.submit({
      preset: run.preset ?? 'custom',
      baseConfig: run.config,
      sets,
      dataDir: run.dataDir,
      download: run.download,
      priority: src.priority,
      experimentId: src.experimentId,
    })
  }

  // ---- controlling runs ---------------------------------------------------------------------

  /** A running run checkpoints and stops (status paused when it has exited); a queued one is held back. */
  pause(id: string): void {
    const run = this.mustGet(id)
    const a = this.active.get(id)
    if (a) return a.session.stop('pause', this.opts.stopTimeoutMs)
    if (run.status === 'queued') return this.update(id, { status: 'paused', statusReason: 'paused' })
    if (run.status === 'running' && isWorkerOf(run.pid, run.runDir)) {
      this.foreignRequests.set(id, 'pause')
      return void process.kill(run.pid!, 'SIGTERM')
    }
    throw new RunStateError(`run ${id} is ${run.status}; only a queued or running run can be paused`)
  }

  /** Queues a paused or interrupted run to continue from its last checkpoint. */
  resume(id: string): void {
    const run = this.mustGet(id)
    this.owned.add(id)
    if (run.status === 'queued' || this.active.has(id)) return this.scheduleSoon()
    // Still running in a process that is not ours (a worker of a service that died): resume it once it exits.
    if (run.status === 'running') return void this.wanted.add(id)
    if (run.status !== 'paused' && run.status !== 'interrupted')
      throw new RunStateError(
        `run ${id} is ${run.status}; ${run.status === 'finished' ? 'nothing to resume' : `use 'retry' to run it again`}`,
      )
    this.requeue(id, 'resumed')
  }

  /** A failed, interrupted, cancelled or paused run runs again: from its checkpoint if it has one, else from the start. */
  retry(id: string): void {
    const run = this.mustGet(id)
    if (run.status === 'running' || run.status === 'queued' || this.active.has(id))
      throw new RunStateError(`run ${id} is ${run.status}; nothing to retry`)
    if (run.status === 'finished') throw new RunStateError(`run ${id} is finished; duplicate it to run it again`)
    this.owned.add(id)
    this.requeue(id, 'retried')
  }

  /** Cancels a run; a running worker checkpoints first, so the run can still be retried. */
  cancel(id: string): void {
    const a = this.active.get(id)
    if (a) {
      a.session.stop('cancel', this.opts.stopTimeoutMs)
      return this.update(id, { statusReason: 'cancelling' })
    }
    cancelRun(this.opts.store, this.mustGet(id))
    this.emitRow(id)
  }

  /** Removes a run from the database; its directory only with an explicit `deleteFiles: true`. */
  delete(id: string, opts: { deleteFiles: boolean }): void {
    const run = this.mustGet(id)
    if (this.active.has(id) || (run.status === 'running' && isWorkerOf(run.pid, run.runDir)))
      throw new RunStateError(`run ${id} is running; cancel it first`)
    this.opts.store.deleteRun(id)
    this.owned.delete(id)
    if (opts.deleteFiles) {
      // Only a directory that really is this run's: a wrong path in the database must never delete anything else.
      const own = (() => {
        try {
          return JSON.parse(readFileSync(join(run.runDir, RUN_FILE), 'utf8')).id === id
        } catch {
          return false
        }
      })()
      if (own) rmSync(resolve(run.runDir), { recursive: true, force: true })
    }
  }

  // ---- scheduling -----------------------------------------------------------------------------

  private requeue(id: string, why: string): void {
    this.update(id, { status: 'queued', statusReason: why, attempts: 0, error: null, endedAt: null })
    this.scheduleSoon()
  }

  private scheduleSoon(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.schedule()
    })
  }

  private freeSlots(): { gpus: string[]; cpu: number; total: number } {
    const used = [...this.active.values()].map((a) => a.slot)
    const gpus = this.gpus.filter((g) => !used.some((s) => s.kind === 'gpu' && s.id === g))
    const cpu = this.cpuSlots - used.filter((s) => s.kind === 'cpu').length
    const total = (this.opts.maxWorkers ?? Infinity) - this.active.size
    return { gpus, cpu, total }
  }

  private candidates(): RunRow[] {
    if (!this.opts.onlyOwnRuns) return this.opts.store.nextQueued(64)
    return [...this.owned]
      .map((id) => this.opts.store.getRun(id))
      .filter((r): r is RunRow => r?.status === 'queued')
      .sort((a, b) => b.priority - a.priority || a.createdAt - b.createdAt)
  }

  private schedule(): void {
    if (!this.started || this.stopping) return
    const free = this.freeSlots()
    for (const run of free.total > 0 ? this.candidates() : []) {
      if (free.total <= 0) break
      if (this.active.has(run.id)) continue
      // With GPUs, runs that may use one wait for a GPU; runs pinned to a CPU backend take CPU slots.
      const wantsGpu = this.gpus.length > 0 && ['auto', 'tensorflow-gpu'].includes(String(run.config.backend ?? 'auto'))
      const slot: Slot | null = wantsGpu
        ? free.gpus.length
          ? { kind: 'gpu', id: free.gpus.shift()! }
          : null
        : free.cpu > 0
          ? (free.cpu--, { kind: 'cpu' })
          : null
      if (!slot) continue
      free.total--
      this.launch(run, slot)
    }
    this.checkIdle()
  }

  private checkIdle(): void {
    const pending = this.candidates().length > 0 || this.active.size > 0 || this.hasForeignRunning()
    if (!pending && !this.wasIdle) this.emit('idle')
    this.wasIdle = !pending
  }

  private hasForeignRunning(): boolean {
    return this.opts.store
      .listRuns({ status: ['running'] })
      .some((r) => !this.active.has(r.id) && (!this.opts.onlyOwnRuns || this.owned.has(r.id)))
  }

  private launch(run: RunRow, slot: Slot): void {
    const env = { ...(this.opts.env ?? process.env), CUDA_VISIBLE_DEVICES: slot.kind === 'gpu' ? slot.id : '' }
    let session: WorkerSession
    try {
      const handle = this.opts.launcher.launch({
        runDir: run.runDir,
        // A log means an earlier attempt: continue from its checkpoint (the worker starts over if there is none).
        resume: existsSync(join(run.runDir, EVENTS_FILE)),
        env,
        serviceName: `hdarts run ${run.id}`,
      })
      session = new WorkerSession({
        store: this.opts.store,
        runId: run.id,
        runDir: run.runDir,
        handle,
        flushMs: this.opts.flushMs,
        onEvent: (e) => this.emit('event', run.id, e),
        onIngest: () => this.emitRow(run.id),
        onError: (err) => this.emit('warning', err),
      })
    } catch (err) {
      this.emit('warning', err as Error)
      this.update(run.id, { status: 'failed', statusReason: 'launch-error', error: (err as Error).message, endedAt: Date.now() })
      return
    }
    this.active.set(run.id, { session, slot })
    this.update(run.id, {
      status: 'running',
      statusReason: slot.kind === 'gpu' ? `gpu ${slot.id}` : 'cpu',
      pid: session.pid,
      error: null,
      startedAt: run.startedAt ?? Date.now(),
      endedAt: null,
    })
    void session.ended.then((end) => {
      this.active.delete(run.id)
      const now = this.opts.store.getRun(run.id)
      if (now) {
        // Cancelled meanwhile by another process (`hdarts runs cancel`): that status stands.
        const outcome = now.status === 'cancelled' ? { ...end.outcome, status: 'cancelled' as const, reason: 'cancelled' } : end.outcome
        const policy = this.stopping ? { ...this.policy, autoResume: false } : this.policy
        const patch = outcomePatch(now, outcome, policy, end.madeProgress)
        // Stopped because the service shuts down: back to the queue, so the next service continues it.
        if (session.requested === 'shutdown' && patch.status === 'paused' && this.requeueOnShutdown)
          this.update(run.id, { ...patch, status: 'queued', endedAt: null })
        else this.update(run.id, patch)
      }
      this.scheduleSoon()
    })
  }

  // ---- helpers --------------------------------------------------------------------------------

  private mustGet(id: string): RunRow {
    const run = this.opts.store.getRun(id)
    if (!run) throw new RunStateError(`no run '${id}'`)
    return run
  }

  private update(id: string, patch: Parameters<Store['updateRun']>[1]): void {
    this.opts.store.updateRun(id, patch)
    this.emitRow(id)
  }

  private emitRow(id: string): void {
    const row = this.opts.store.getRun(id)
    if (row) this.emit('run-updated', row)
  }

  private safely(fn: () => unknown): void {
    try {
      fn()
    } catch (err) {
      this.emit('warning', err as Error)
    }
  }
}
