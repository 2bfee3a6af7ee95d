/**
 * Applying run events to the tables. The caller holds the transaction; one `apply` call reads the run's
 * summary once, updates it in memory and writes it back once, so a batch costs a few prepared inserts
 * per event. Every derived row records the seq of its event, which makes a resume's truncation exact.
 */
import type { Database, Statement } from 'better-sqlite3'
import { benchmarkMetricPoints, type BenchmarkEvent } from '../../core/benchmark/nb201Events'
import { EPOCH_METRIC_KEYS, EVAL_EPOCH_METRIC_KEYS, type RunEvent } from '../../core/events'
import { encodeMatrix, encodeNumber, toNumber, type StoredNumber } from './codec'
import { StoreError } from './errors'
import { RowBuffer } from './rowBuffer'
import type { IngestResult, RunStatus } from './types'

/** Status reasons the service writes while a worker is being stopped; its own events must not undo them. */
const STOPPING_REASONS = new Set(['pausing', 'cancelling'])

/** Tables whose rows derive from events; a resume deletes their rows after discardedAfterSeq. */
const DERIVED = ['metrics', 'alpha_snapshots', 'matrices', 'genotypes', 'checkpoints', 'run_resumes'] as const

interface Summary {
  num: number
  status: RunStatus
  status_reason: string | null
  error: string | null
  started_at: number | null
  ended_at: number | null
  backend: string | null
  backend_version: string | null
  device: string | null
  weights: number | null
  steps_per_epoch: number | null
  epochs_total: number | null
  epochs_done: number
  best_val_acc: number | null
  last_val_acc: number | null
  final_genotype: string | null
  eta_sec: number | null
  progress: number | null
  last_seq: number
}
const SUMMARY_COLUMNS = [
  'status',
  'status_reason',
  'error',
  'started_at',
  'ended_at',
  'backend',
  'backend_version',
  'device',
  'weights',
  'steps_per_epoch',
  'epochs_total',
  'epochs_done',
  'best_val_acc',
  'last_val_acc',
  'final_genotype',
  'eta_sec',
  'progress',
  'last_seq',
] as const satisfies readonly (keyof Summary)[]

interface Latest {
  step: number
  n: StoredNumber
  time: number
  seq: number
}

type AnyEvent = RunEvent & Record<string, unknown>

export class Ingester {
  private readonly s: Record<string, Statement>
  private readonly metrics: RowBuffer
  private readonly latest: RowBuffer

  constructor(db: Database) {
    const cols = '(run_num, key, step, value, is_nan, is_inf, time, seq)'
    this.metrics = new RowBuffer(db, `INSERT OR REPLACE INTO metrics ${cols}`, 8)
    this.latest = new RowBuffer(
      db,
      `INSERT INTO latest_metrics ${cols}`,
      8,
      `ON CONFLICT (run_num, key) DO UPDATE SET step = excluded.step, value = excluded.value, is_nan = excluded.is_nan,
         is_inf = excluded.is_inf, time = excluded.time, seq = excluded.seq
       WHERE excluded.step >= latest_metrics.step`,
    )
    const del = Object.fromEntries(DERIVED.map((t) => [t, db.prepare(`DELETE FROM ${t} WHERE run_num = ? AND seq > ?`)]))
    this.s = {
      ...del,
      load: db.prepare(`SELECT num, ${SUMMARY_COLUMNS.join(', ')} FROM runs WHERE id = ?`),
      save: db.prepare(`UPDATE runs SET ${SUMMARY_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE num = @num`),
      alpha: db.prepare(
        `INSERT OR REPLACE INTO alpha_snapshots (run_num, epoch, cell, ops_json, shape_json, matrix, seq, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      matrix: db.prepare(
        `INSERT OR REPLACE INTO matrices (run_num, name, epoch, shape_json, matrix, seq, time) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      genotype: db.prepare(
        `INSERT OR REPLACE INTO genotypes (run_num, epoch, text, format, seq, time) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      checkpoint: db.prepare(
        `INSERT OR REPLACE INTO checkpoints (run_num, seq, epoch, step, file, bytes, reason, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      resume: db.prepare(
        `INSERT OR REPLACE INTO run_resumes (run_num, seq, time, discarded_after_seq, epoch, step, backend) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      resumeKnown: db.prepare(`SELECT 1 FROM run_resumes WHERE run_num = ? AND seq = ? AND time = ?`),
      clearLatest: db.prepare(`DELETE FROM latest_metrics WHERE run_num = ?`),
      // SQLite takes the bare columns from the row holding max(step).
      rebuildLatest: db.prepare(
        `INSERT INTO latest_metrics (run_num, key, step, value, is_nan, is_inf, time, seq)
         SELECT run_num, key, max(step), value, is_nan, is_inf, time, seq FROM metrics WHERE run_num = ? GROUP BY key`,
      ),
      valAcc: db.prepare(
        // An evaluation has testAcc per epoch instead; it counts the epochs done but is no val acc.
        `SELECT max(step) AS last, max(CASE WHEN key = 'valAcc' AND is_nan = 0 AND is_inf = 0 THEN value END) AS best
         FROM metrics WHERE run_num = ? AND key IN ('valAcc', 'testAcc')`,
      ),
      lastValAcc: db.prepare(`SELECT value, is_nan, is_inf FROM latest_metrics WHERE run_num = ? AND key = 'valAcc'`),
    }
  }

  /** Applies `events` (any order, duplicates allowed) to run `runId`. Call inside a transaction. */
  apply(runId: string, events: readonly RunEvent[]): IngestResult & { firstDeferred: RunEvent | null } {
    const sum = this.s.load!.get(runId) as Summary | undefined
    if (!sum) throw new StoreError(`unknown run ${runId}`)
    try {
      return this.applyTo(sum, runId, events)
    } finally {
      this.metrics.clear()
      this.latest.clear()
    }
  }

  private applyTo(sum: Summary, runId: string, events: readonly RunEvent[]): IngestResult & { firstDeferred: RunEvent | null } {
    const sorted = isSorted(events) ? events : [...events].sort((a, b) => a.seq - b.seq)
    const latest = new Map<string, Latest>()
    let added = 0
    let skipped = 0
    let deferred = 0
    let firstDeferred: RunEvent | null = null
    for (const e of sorted as readonly AnyEvent[]) {
      if (!Number.isInteger(e.seq) || e.seq < 1)
        throw new StoreError(`run ${runId}: event without a valid seq: ${JSON.stringify(e)}`)
      if (e.seq <= sum.last_seq) {
        // A resume the store has not seen: the worker cut its log back, so cut the derived rows back too.
        const disc = e.type === 'resumed' ? toNumber(e.discardedAfterSeq) : NaN
        if (disc < sum.last_seq && e.seq === disc + 1 && !this.s.resumeKnown!.get(sum.num, e.seq, e.time)) {
          this.flush(sum.num, latest)
          this.truncate(disc, sum)
        } else {
          skipped++
          continue
        }
      }
      if (e.seq !== sum.last_seq + 1) {
        deferred++
        firstDeferred ??= e
        continue
      }
      this.applyOne(e, sum, latest)
      sum.last_seq = e.seq
      added++
    }
    this.flush(sum.num, latest)
    if (added) this.s.save!.run(sum)
    return { added, skipped, deferred, firstDeferred }
  }

  /** Drops everything derived from events after `afterSeq` (the log on disk was cut back). Call inside a transaction. */
  truncateTo(runId: string, afterSeq: number): void {
    const sum = this.s.load!.get(runId) as Summary | undefined
    if (!sum || afterSeq >= sum.last_seq) return
    this.truncate(afterSeq, sum)
    this.s.save!.run(sum)
  }

  private truncate(afterSeq: number, sum: Summary): void {
    const { num } = sum
    for (const t of DERIVED) this.s[t]!.run(num, afterSeq)
    this.s.clearLatest!.run(num)
    this.s.rebuildLatest!.run(num)
    const acc = this.s.valAcc!.get(num) as { last: number | null; best: number | null }
    const last = this.s.lastValAcc!.get(num) as { value: number; is_nan: number; is_inf: number } | undefined
    sum.epochs_done = acc.last === null ? 0 : acc.last + 1
    sum.best_val_acc = acc.best
    sum.last_val_acc = last && !last.is_nan && !last.is_inf ? last.value : null
    sum.final_genotype = null
    sum.eta_sec = null
    sum.progress = sum.epochs_total ? Math.min(1, sum.epochs_done / sum.epochs_total) : null
    sum.last_seq = afterSeq
  }

  private applyOne(e: AnyEvent, sum: Summary, latest: Map<string, Latest>): void {
    const { seq, time } = e
    const { num } = sum
    const note = (key: string, step: number, n: StoredNumber): void => {
      const prev = latest.get(key)
      if (!prev || step >= prev.step) latest.set(key, { step, n, time, seq })
    }
    const metric = (key: string, step: number, raw: unknown): void => {
      const n = encodeNumber(raw)
      this.metrics.push(num, key, step, n.value, n.isNan, n.isInf, time, seq)
      note(key, step, n)
    }
    switch (e.type) {
      case 'started':
      case 'resumed':
        if (e.type === 'started') {
          sum.weights = finiteOrNull(e.weights)
          sum.steps_per_epoch = finiteOrNull(e.stepsPerEpoch)
          sum.epochs_total = finiteOrNull(e.epochs)
        } else {
          this.s.resume!.run(num, seq, time, toNumber(e.discardedAfterSeq), int(e.epoch), int(e.step), e.backend?.name ?? null)
        }
        // A stop asked for before the worker announced itself (pausing, cancelling) still stands.
        if (!STOPPING_REASONS.has(sum.status_reason ?? '')) {
          sum.status = 'running'
          sum.status_reason = null
        }
        sum.error = null
        sum.ended_at = null
        sum.started_at ??= time
        if (e.backend) {
          sum.backend = e.backend.name
          sum.backend_version = `${e.backend.package}@${e.backend.version}`
          sum.device = e.backend.device
        }
        break
      case 'progress': {
        sum.eta_sec = finiteOrNull(e.etaSec)
        const spe = toNumber(e.stepsPerEpoch) || sum.steps_per_epoch
        if (sum.epochs_total && spe) sum.progress = clamp01((toNumber(e.epoch) + toNumber(e.step) / spe) / sum.epochs_total)
        break
      }
      case 'epoch': {
        const epoch = int(e.epoch)
        for (const k of EPOCH_METRIC_KEYS) metric(k, epoch, e[k])
        const acc = toNumber(e.valAcc)
        sum.epochs_done = Math.max(sum.epochs_done, epoch + 1)
        sum.last_val_acc = Number.isFinite(acc) ? acc : null
        if (Number.isFinite(acc) && (sum.best_val_acc === null || acc > sum.best_val_acc)) sum.best_val_acc = acc
        if (sum.epochs_total) sum.progress = clamp01(sum.epochs_done / sum.epochs_total)
        break
      }
      case 'evalEpoch': {
        // Test metrics, not validation: the val-acc summary columns stay for searches.
        const epoch = int(e.epoch)
        for (const k of EVAL_EPOCH_METRIC_KEYS) metric(k, epoch, e[k])
        sum.epochs_done = Math.max(sum.epochs_done, epoch + 1)
        if (sum.epochs_total) sum.progress = clamp01(sum.epochs_done / sum.epochs_total)
        break
      }
      case 'method': {
        const epoch = int(e.epoch)
        for (const [k, v] of Object.entries(e.scalars ?? {})) metric(`m.${k}`, epoch, v)
        for (const [k, m] of Object.entries(e.matrices ?? {})) {
          const { shape, blob } = encodeMatrix(m)
          this.s.matrix!.run(num, k, epoch, shape, blob, seq, time)
        }
        break
      }
      case 'benchmark':
        // NAS-Bench-201 lookups of the derived cell: metrics like any other, keyed in core.
        for (const p of benchmarkMetricPoints(e as unknown as BenchmarkEvent)) metric(p.key, p.step, p.value)
        break
      case 'alphas': {
        const ops = JSON.stringify(e.ops ?? [])
        for (const cell of ['normal', 'reduce'] as const) {
          const { shape, blob } = encodeMatrix(e[cell] ?? [])
          this.s.alpha!.run(num, int(e.epoch), cell, ops, shape, blob, seq, time)
        }
        break
      }
      case 'genotype':
        this.s.genotype!.run(num, int(e.epoch), String(e.text ?? ''), e.format ?? null, seq, time)
        break
      case 'checkpoint':
        this.s.checkpoint!.run(num, seq, int(e.epoch), int(e.step), String(e.file), int(e.bytes), String(e.reason), time)
        break
      case 'finished':
        sum.status = 'finished'
        sum.status_reason = null
        sum.ended_at = time
        sum.final_genotype = String(e.genotype ?? '')
        sum.eta_sec = 0
        sum.progress = 1
        if (e.kind !== 'eval') sum.last_val_acc ??= finiteOrNull(e.valAcc)
        break
      case 'failed':
        sum.status = 'failed'
        sum.status_reason = String(e.reason)
        sum.error = String(e.message)
        sum.ended_at = time
        sum.eta_sec = null
        break
      case 'stopped':
        // The service marks a pause or cancel before signalling the worker; otherwise the stop came from outside.
        if (sum.status === 'cancelled') sum.ended_at ??= time
        else if (sum.status !== 'paused') {
          sum.status = 'interrupted'
          sum.status_reason = `stopped by ${e.signal}`
        }
        sum.eta_sec = null
        break
      default:
        // An event type this version does not know (a newer worker): its seq still counts.
        break
    }
  }

  /** Writes the buffered metric rows, then the batch's latest value per key. */
  private flush(num: number, latest: Map<string, Latest>): void {
    this.metrics.flush()
    for (const [key, l] of latest) this.latest.push(num, key, l.step, l.n.value, l.n.isNan, l.n.isInf, l.time, l.seq)
    this.latest.flush()
    latest.clear()
  }
}

function isSorted(events: readonly RunEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i]!.seq < events[i - 1]!.seq) return false
  return true
}

const finiteOrNull = (x: unknown): number | null => {
  const v = toNumber(x)
  return Number.isFinite(v) ? v : null
}
const int = (x: unknown): number => {
  const v = toNumber(x)
  return Number.isFinite(v) ? Math.trunc(v) : 0
}
const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0)
