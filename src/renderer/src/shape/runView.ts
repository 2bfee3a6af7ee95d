/**
 * The run view's data: live events merged into a RunDetail, chart rows, the epoch scrubber's snapshots
 * (pure; no React). Merging is append-only and keyed by step, so a replayed event changes nothing.
 */
import { isNb201MetricKey } from '../../../core/benchmark/nb201Columns'
import { benchmarkMetricPoints } from '../../../core/benchmark/nb201Events'
import { EPOCH_METRIC_KEYS, EVAL_EPOCH_METRIC_KEYS, type RunEvent } from '../../../core/events'
import type { AlphaSnapshotDto, LiveEvent, MetricPoint, RunDetail } from '../../../shared/api'

/** Metric keys of an 'epoch' event, as the store names them. */
export const EPOCH_KEYS = EPOCH_METRIC_KEYS

/** Inserts or replaces the point at `step`, keeping steps ascending. Returns the same array when nothing changed. */
export function upsertPoint(series: readonly MetricPoint[], point: MetricPoint): readonly MetricPoint[] {
  const last = series[series.length - 1]
  if (!last || last.step < point.step) return [...series, point]
  const i = series.findIndex((p) => p.step >= point.step)
  if (series[i]!.step === point.step) {
    if (Object.is(series[i]!.value, point.value)) return series
    const next = series.slice()
    next[i] = point
    return next
  }
  return [...series.slice(0, i), point, ...series.slice(i)]
}

/** Method scalars are stored as `m.<name>`; a detail that already has the bare name keeps using it. */
export function methodMetricKey(metrics: Readonly<Record<string, readonly MetricPoint[]>>, name: string): string {
  return name in metrics && !(`m.${name}` in metrics) ? name : `m.${name}`
}

/** Applies one run event to a detail; the same object back when the event changes nothing it shows. */
export function applyRunEvent(d: RunDetail, e: RunEvent): RunDetail {
  switch (e.type) {
    case 'epoch': {
      const metrics = { ...d.metrics }
      for (const k of EPOCH_KEYS) {
        const v = Number(e[k])
        metrics[k] = upsertPoint(metrics[k] ?? [], { step: e.epoch, value: v })
      }
      return { ...d, metrics }
    }
    case 'evalEpoch': {
      const metrics = { ...d.metrics }
      for (const k of EVAL_EPOCH_METRIC_KEYS) metrics[k] = upsertPoint(metrics[k] ?? [], { step: e.epoch, value: Number(e[k]) })
      return { ...d, metrics }
    }
    case 'method': {
      const metrics = { ...d.metrics }
      for (const [name, v] of Object.entries(e.scalars)) {
        const key = methodMetricKey(d.metrics, name)
        metrics[key] = upsertPoint(metrics[key] ?? [], { step: e.epoch, value: Number(v) })
      }
      const matrices = Object.entries(e.matrices).map(([name, matrix]) => ({ epoch: e.epoch, name, matrix }))
      const kept = d.methodMatrices.filter((m) => !(m.epoch === e.epoch && name(m.name, matrices)))
      return { ...d, metrics, methodMatrices: matrices.length ? [...kept, ...matrices] : d.methodMatrices }
    }
    case 'benchmark': {
      const metrics = { ...d.metrics }
      for (const p of benchmarkMetricPoints(e))
        metrics[p.key] = upsertPoint(metrics[p.key] ?? [], { step: p.step, value: p.value })
      return { ...d, metrics }
    }
    case 'alphas': {
      const snaps: AlphaSnapshotDto[] = [
        { epoch: e.epoch, cell: 'normal', ops: e.ops, matrix: e.normal },
        { epoch: e.epoch, cell: 'reduce', ops: e.ops, matrix: e.reduce },
      ]
      const kept = d.alphas.filter((a) => a.epoch !== e.epoch)
      return { ...d, alphas: [...kept, ...snaps].sort((a, b) => a.epoch - b.epoch) }
    }
    case 'genotype': {
      const kept = d.genotypes.filter((g) => g.epoch !== e.epoch)
      const g = { epoch: e.epoch, text: e.text, format: e.format ?? null }
      return { ...d, genotypes: [...kept, g].sort((a, b) => a.epoch - b.epoch) }
    }
    case 'checkpoint': {
      if (d.checkpoints.some((c) => c.file === e.file && c.step === e.step && c.epoch === e.epoch)) return d
      const c = { epoch: e.epoch, step: e.step, file: e.file, bytes: e.bytes, reason: e.reason, time: e.time }
      return { ...d, checkpoints: [...d.checkpoints, c] }
    }
    case 'started':
      return d.weights === null ? { ...d, weights: e.weights } : d
    case 'finished': {
      // An evaluation's result (test accuracy, parameters, FLOPs) arrives with its last event.
      if (!('kind' in e) || !d.evaluation) return d
      const { testAcc, seconds, params, paramsWithAux, flops, auxiliary } = e
      return { ...d, evaluation: { ...d.evaluation, result: { testAcc, seconds, params, paramsWithAux, flops, auxiliary } } }
    }
    default:
      return d
  }
}

const name = (n: string, list: readonly { name: string }[]) => list.some((m) => m.name === n)

/** Applies a live event addressed to this run (run-updated replaces the summary). */
export function applyLiveToDetail(d: RunDetail, e: LiveEvent): RunDetail {
  if (e.type === 'run-updated' && e.run.id === d.run.id) return { ...d, run: e.run }
  if (e.type === 'run-event' && e.runId === d.run.id) return applyRunEvent(d, e.event)
  return d
}

export type ChartRow = { step: number } & Record<string, number | null>

/**
 * Rows for a line chart: one per step present in any series, `null` where a series has no point.
 * Non-finite values become null too (recharts cannot plot them); `nonFinite` counts them for a warning.
 */
export function chartRows(
  metrics: Readonly<Record<string, readonly MetricPoint[]>>,
  keys: readonly string[],
): { rows: ChartRow[]; nonFinite: number } {
  const byStep = new Map<number, ChartRow>()
  let nonFinite = 0
  for (const k of keys)
    for (const p of metrics[k] ?? []) {
      let row = byStep.get(p.step)
      if (!row) byStep.set(p.step, (row = { step: p.step } as ChartRow))
      const v = Number(p.value)
      if (!Number.isFinite(v)) nonFinite++
      row[k] = Number.isFinite(v) ? v : null
    }
  const rows = [...byStep.values()].sort((a, b) => a.step - b.step)
  for (const row of rows) for (const k of keys) if (!(k in row)) row[k] = null
  return { rows, nonFinite }
}

/** Keys shown by the fixed charts; every other key is offered in the series picker. */
export const STANDARD_KEYS = new Set<string>([
  'lr',
  'trainLoss',
  'trainAcc',
  'valLoss',
  'valAcc',
  'skipsNormal',
  'skipsReduce',
  'lambdaMax',
  'm.lambdaMax',
  // An evaluation's fixed charts.
  'testLoss',
  'testAcc',
  'dropPath',
])

/** The picker's default: the first two method-specific series (not the generic epoch extras). */
export const defaultExtraKeys = (extras: readonly string[]): string[] =>
  extras.filter((k) => !(EPOCH_KEYS as readonly string[]).includes(k)).slice(0, 2)

/** Metric keys without a fixed chart (method scalars, archLoss, epochSec, …), method scalars first. */
export function extraMetricKeys(metrics: Readonly<Record<string, readonly MetricPoint[]>>): string[] {
  return (
    Object.keys(metrics)
      // Benchmark lookups have their own panel (shape/benchmark.ts).
      .filter((k) => !STANDARD_KEYS.has(k) && !isNb201MetricKey(k) && (metrics[k]?.length ?? 0) > 0)
      .sort(
        (a, b) =>
          Number((EPOCH_KEYS as readonly string[]).includes(a)) - Number((EPOCH_KEYS as readonly string[]).includes(b)) ||
          a.localeCompare(b),
      )
  )
}

/** 'm.lambdaMax' → 'lambdaMax'. */
export const metricLabel = (key: string): string => (key.startsWith('m.') ? key.slice(2) : key)

/** λ_max's key in this detail, if it has one. */
export function lambdaMaxKey(metrics: Readonly<Record<string, readonly MetricPoint[]>>): string | null {
  if (metrics['lambdaMax']?.length) return 'lambdaMax'
  if (metrics['m.lambdaMax']?.length) return 'm.lambdaMax'
  return null
}

/** Every epoch with an α snapshot or a genotype, ascending: the scrubber's stops. */
export function scrubEpochs(d: Pick<RunDetail, 'alphas' | 'genotypes'>): number[] {
  const set = new Set<number>()
  for (const a of d.alphas) set.add(a.epoch)
  for (const g of d.genotypes) set.add(g.epoch)
  return [...set].sort((a, b) => a - b)
}

/** The latest item at or before `epoch` (items sorted or not). */
export function atEpoch<T extends { readonly epoch: number }>(items: readonly T[], epoch: number): T | undefined {
  let best: T | undefined
  for (const it of items) if (it.epoch <= epoch && (!best || it.epoch >= best.epoch)) best = it
  return best
}

/** The α snapshot of a cell at (or before) an epoch. */
export const alphaAt = (alphas: readonly AlphaSnapshotDto[], cell: 'normal' | 'reduce', epoch: number) =>
  atEpoch(
    alphas.filter((a) => a.cell === cell),
    epoch,
  )

/** Event types present in a log, for the filter select. */
export const EVENT_TYPES = [
  'started',
  'resumed',
  'progress',
  'epoch',
  'evalEpoch',
  'alphas',
  'genotype',
  'method',
  'benchmark',
  'checkpoint',
  'finished',
  'failed',
  'stopped',
] as const

/** One line describing an event's payload for the log (no big matrices). */
export function eventSummary(e: RunEvent): string {
  switch (e.type) {
    case 'started':
      return `${e.backend.name} (${e.backend.device}) · ${e.weights} weights · ${e.epochs} epochs × ${e.stepsPerEpoch} steps`
    case 'resumed':
      return (
        `epoch ${e.epoch} step ${e.step} on ${e.backend.name}; discarded after seq ${e.discardedAfterSeq}` +
        (e.warnings ?? []).map((w) => ` · warning: ${w}`).join('')
      )
    case 'progress':
      return `epoch ${e.epoch} step ${e.step}/${e.stepsPerEpoch} · loss ${fix(e.trainLoss)} · acc ${fix(e.trainAcc)} · ${fix(e.imagesPerSec)} img/s`
    case 'epoch':
      return `epoch ${e.epoch} · val acc ${fix(e.valAcc)} · val loss ${fix(e.valLoss)} · train acc ${fix(e.trainAcc)} · lr ${fix(e.lr)} · skips ${e.skipsNormal}/${e.skipsReduce} · ${fix(e.epochSec)} s`
    case 'alphas':
      return `epoch ${e.epoch} · ${e.normal.length}×${e.ops.length} α per cell`
    case 'genotype':
      return `epoch ${e.epoch} · ${e.text.length > 140 ? `${e.text.slice(0, 139)}…` : e.text}`
    case 'method':
      return `epoch ${e.epoch} · ${Object.entries(e.scalars)
        .map(([k, v]) => `${k}=${fix(v)}`)
        .join(' ')}${Object.keys(e.matrices).length ? ` · matrices ${Object.keys(e.matrices).join(', ')}` : ''}`
    case 'benchmark': {
      const c10 = e.scores['cifar10.test']
      const head = c10 ? ` · NB201 CIFAR-10 test ${fix(c10.accuracy)} (percentile ${c10.percentile.toFixed(1)})` : ''
      return `${e.final ? 'final cell' : `epoch ${e.epoch}`}${head} · ${e.arch} · ${e.table.kind} table`
    }
    case 'checkpoint':
      return `epoch ${e.epoch} step ${e.step} · ${e.reason} · ${e.file} (${e.bytes} B)`
    case 'evalEpoch':
      return `epoch ${e.epoch} · test acc ${fix(e.testAcc)} · test loss ${fix(e.testLoss)} · train acc ${fix(e.trainAcc)} · lr ${fix(e.lr)} · drop path ${fix(e.dropPath)} · ${fix(e.epochSec)} s`
    case 'finished':
      return 'valAcc' in e
        ? `val acc ${fix(e.valAcc)} in ${fix(e.seconds)} s`
        : `test acc ${fix(e.testAcc)} in ${fix(e.seconds)} s · ${e.params} params (${e.paramsWithAux} with aux) · ${e.flops} FLOPs`
    case 'failed':
      return `${e.reason}: ${e.message}`
    case 'stopped':
      return `${e.signal} at epoch ${e.epoch} step ${e.step}`
  }
}

const fix = (v: number): string => {
  const n = Number(v)
  return Number.isFinite(n) ? String(Number(n.toPrecision(4))) : String(v)
}

/** Merges event lists by seq (unique; the later list wins), newest first. */
export function mergeEvents(a: readonly RunEvent[], b: readonly RunEvent[]): RunEvent[] {
  const m = new Map<number, RunEvent>()
  for (const e of a) m.set(e.seq, e)
  for (const e of b) m.set(e.seq, e)
  return [...m.values()].sort((x, y) => y.seq - x.seq)
}
