/**
 * RunService: the run queue (DESIGN.md §2). Owns the workers of one database: launches queued runs on
 * free device slots in priority order, ingests their events, maps their exits to statuses and applies
 * the crash-recovery policy. Plain TypeScript: the same class runs in the app, `hdarts serve`, the CLI
 * and tests; only the WorkerLauncher differs. See docs/runs.md.
 */
import { EventEmitter } from 'node:events'
import { existsSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import type { RunEvent } from '../../core/events'
import { EVENTS_FILE, RUN_FILE, type RunFile } from '../../core/run/runFile'
import type { RunRow, Store } from '../store'
import { expandGrid, type GridSpec } from '../../core/config/grid'
import type { WorkerLauncher } from './launcher'
import { acquireServiceLock, type ServiceLock } from './lock'
import { isWorkerOf } from './process'
import { cancelRun, endedPatch, lostRunOutcome, outcomePatch, type RetryPolicy, RunStateError } from './recovery'
import { createRunDir, deleteRunDir, newRunRow, openRunDir, resolveConfig, RunInputError, type RunSpec } from './runDir'
import { type SessionEnd, WorkerSession } from './session'
import { freeSlots, gpusFromEnv, type Slot, takeSlot } from './slots'
import type { StopRequest } from './exitReason'

export { RunStateError }
export { gpusFromEnv }

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
  /** Foreign runs whose worker was found dead once (finalized the next time). */
  private readonly deadOnce = new Set<string>()

  constructor(private readonly opts: RunServiceOptions) {
    super()
    this.cpuSlots = Math.max(1, Math.floor(opts.cpuSlots ?? cpus().length))
    this.gpus = opts.gpus ?? gpusFromEnv(opts.env)
    this.policy = { autoResume: opts.autoResume ?? true, maxAutoRetries: opts.maxAutoRetries ?? 3 }
  }

  get store(): Store {
    return this.opts.store
  }

  /** Where new run directories go. */
  get runsDir(): string {
    return this.opts.runsDir
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
    const lockFile =
      this.opts.lockFile ?? (file && file !== ':memory:' ? `${file}.lock` : join(this.opts.runsDir, '.service.lock'))
    this.lock = acquireServiceLock(lockFile, file && file !== ':memory:' ? file : 'this database')
    this.started = true
    this.reconcile()
    this.watchTimer = setInterval(() => {
      this.safely(() => this.reconcile({ grace: true }))
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

  /** SIGKILL to every worker of this service (a second Ctrl-C): runs resume from their last epoch checkpoint. */
  killWorkers(): void {
    for (const a of this.active.values()) a.session.kill()
  }

  /**
   * Runs marked running that no worker of ours backs: a live worker of a dead service (or of a
   * foreground `hdarts search`) is left alone and its log ingested; a dead one is judged by its log and
   * requeued per the policy. Runs at start and then periodically; the periodic check (`grace`) waits
   * until a worker is seen dead twice, so a live owner (`hdarts search`) writes its run's status first.
   */
  reconcile(opts: { grace?: boolean } = {}): void {
    const seen = new Set<string>()
    for (const run of this.opts.store.listRuns({ status: ['running'] })) {
      if (this.active.has(run.id)) continue
      seen.add(run.id)
      const dirOk = existsSync(join(run.runDir, RUN_FILE))
      if (dirOk && isWorkerOf(run.pid, run.runDir)) {
        this.deadOnce.delete(run.id)
        this.ingest(run)
        continue
      }
      if (opts.grace && !this.deadOnce.has(run.id)) {
        this.deadOnce.add(run.id)
        continue
      }
      this.deadOnce.delete(run.id)
      if (!dirOk) {
        this.update(run.id, {
          status: 'failed',
          statusReason: 'missing',
          error: `run directory ${run.runDir} is gone`,
          pid: null,
        })
        continue
      }
      this.ingest(run)
      const outcome = lostRunOutcome(run.runDir, this.foreignRequests.get(run.id) ?? null)
      this.foreignRequests.delete(run.id)
      const patch = outcomePatch(run, outcome, this.policy, false)
      if (this.wanted.delete(run.id) && (patch.status === 'paused' || patch.status === 'interrupted'))
        this.update(run.id, { ...patch, status: 'queued', statusReason: 'resumed', attempts: 0, endedAt: null })
      else this.update(run.id, patch)
    }
    for (const id of this.deadOnce) if (!seen.has(id)) this.deadOnce.delete(id)
  }

  /** Catches the database up with a run directory that a process other than ours writes. */
  private ingest(run: RunRow): void {
    if (!existsSync(join(run.runDir, EVENTS_FILE))) return
    this.safely(() => {
      if (this.opts.store.ingestRunDir(run.runDir).added) this.emitRow(run.id)
    })
  }

  // ---- submitting -------------------------------------------------------------------------

  /** Creates a run directory and queues the run. Throws RunInputError for a bad preset or setting. */
  submit(spec: SubmitSpec): RunRow {
    const sets = spec.seed === undefined ? spec.sets : [...(spec.sets ?? []), `seed=${spec.seed}`]
    const { dir, run } = (this.opts.createRunFile ?? createRunDir)(this.opts.runsDir, { ...spec, sets })
    return this.enqueue(dir, run, spec)
  }

  /**
   * Queues a run directory already written (any kind: the worker dispatches on run.json's `kind`), e.g.
   * an evaluation made by submitEval (evalSubmit.ts). From here on it is scheduled like any run.
   */
  enqueue(dir: string, run: RunFile, over: Pick<SubmitSpec, 'priority' | 'experimentId'> = {}): RunRow {
    this.opts.store.insertRun(newRunRow(dir, run, { experimentId: over.experimentId ?? null, priority: over.priority ?? 0 }))
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
    // Evaluations are created from a genotype (submitEval, `runs.evaluate`, `hdarts eval`), not copied.
    if (run.kind !== 'search')
      throw new RunInputError(`run ${id} is an evaluation; only searches can be duplicated (evaluate its genotype again instead)`)
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
    if (a) {
      // Marked before the signal, as the store expects: its 'stopped' event then keeps the status.
      this.update(id, { status: 'paused', statusReason: 'pausing' })
      return a.session.stop('pause', this.opts.stopTimeoutMs)
    }
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
    refuseClusterRun(run)
    this.owned.add(id)
    if (run.status === 'queued') return this.scheduleSoon()
    // Still running (pausing, or in a process that is not ours, e.g. a worker of a service that died): resume it once it exits.
    if (run.status === 'running' || this.active.has(id)) return void this.wanted.add(id)
    if (run.status !== 'paused' && run.status !== 'interrupted')
      throw new RunStateError(
        `run ${id} is ${run.status}; ${run.status === 'finished' ? 'nothing to resume' : `use 'retry' to run it again`}`,
      )
    this.requeue(id, 'resumed')
  }

  /** A failed, interrupted, cancelled or paused run runs again: from its checkpoint if it has one, else from the start. */
  retry(id: string): void {
    const run = this.mustGet(id)
    refuseClusterRun(run)
    if (run.status === 'finished') throw new RunStateError(`run ${id} is finished; duplicate it to run it again`)
    // Queued (e.g. requeued after a crash) or still running somewhere: the same as resume.
    if (run.status === 'queued' || run.status === 'running' || this.active.has(id)) return this.resume(id)
    this.owned.add(id)
    this.requeue(id, 'retried')
  }

  /** Cancels a run; a running worker checkpoints first, so the run can still be retried. */
  cancel(id: string): void {
    const a = this.active.get(id)
    if (a) {
      this.update(id, { status: 'cancelled', statusReason: 'cancelling' })
      return a.session.stop('cancel', this.opts.stopTimeoutMs)
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
    if (opts.deleteFiles) deleteRunDir(run.runDir, id)
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
      // A database error must not take the service (and its workers' bookkeeping) down.
      this.safely(() => this.schedule())
    })
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
    const used = [...this.active.values()].map((a) => a.slot)
    const free = freeSlots(this.gpus, this.cpuSlots, this.opts.maxWorkers ?? Infinity, used)
    for (const run of free.total > 0 ? this.candidates() : []) {
      if (free.total <= 0) break
      const slot = this.active.has(run.id) ? null : takeSlot(run.config.backend, free, this.gpus.length > 0)
      if (slot) this.launch(run, slot)
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
      statusReason: null,
      // The slot until the worker reports its backend's own device name.
      device: slot.kind === 'gpu' ? `gpu ${slot.id}` : 'cpu',
      pid: session.pid,
      error: null,
      startedAt: run.startedAt ?? Date.now(),
      endedAt: null,
    })
    void session.ended.then((end) => {
      this.active.delete(run.id)
      this.safely(() => this.ended(run.id, session, end))
      this.scheduleSoon()
    })
  }

  /** Writes the row of a run whose worker exited, applying the recovery policy. */
  private ended(id: string, session: WorkerSession, end: SessionEnd): void {
    const now = this.opts.store.getRun(id)
    if (!now) return // deleted meanwhile
    const policy = this.stopping ? { ...this.policy, autoResume: false } : this.policy
    const patch = endedPatch(now, end.outcome, end.madeProgress, policy)
    // Stopped because the service shuts down: back to the queue, so the next service continues it.
    if (session.requested === 'shutdown' && patch.status === 'paused' && this.requeueOnShutdown)
      this.update(id, { ...patch, status: 'queued', endedAt: null })
    else if (this.wanted.delete(id) && (patch.status === 'paused' || patch.status === 'interrupted'))
      this.update(id, { ...patch, status: 'queued', statusReason: 'resumed', attempts: 0, endedAt: null })
    else this.update(id, patch)
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

/**
 * Runs imported from a Slurm array (`hdarts slurm import`) belong to the cluster until they end:
 * running one here too would write to the same run directory from two places.
 */
function refuseClusterRun(run: RunRow): void {
  if (run.statusReason?.startsWith('slurm:') && run.status !== 'finished' && run.status !== 'failed')
    throw new RunStateError(
      `run ${run.id} belongs to a Slurm job (${run.statusReason}); let the array finish it, then import again`,
    )
}
