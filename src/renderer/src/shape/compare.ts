/**
 * Data shaping for the regularization comparison dashboard (no React): a `runs.compare` response →
 * groups of runs → mean ± std band series per metric (smoothing applied per run before banding) and
 * the final table (mean ± std, n, Welch's p vs the baseline group).
 */
import { NB201_HEADLINE_COLUMN, nb201Column, nb201Key, nb201ScoreLabel } from '../../../core/benchmark/nb201Columns'
import { groupableKeys, groupRuns, type SummaryCell, summaryTable } from '../../../core/metrics/grouping'
import { type BandPoint, emaSmooth, meanStdBand } from '../../../core/metrics/stats'
import type { CompareResponse, MetricPoint } from '../../../shared/api'
import { derivedParamsM } from './cells'

export type CompareRun = CompareResponse['runs'][number]
export type { BandPoint, SummaryCell }

/** Curves drawn by default; any other metric key can be added. */
export const CURVE_METRICS = ['valAcc', 'trainLoss', 'valLoss'] as const
export const SKIP_METRICS = ['skipsNormal', 'skipsReduce'] as const
/** Keys `runs.compare` must return for the dashboard (curves, skips, λ_max). */
/** The store keeps method scalars as `m.<name>` (R-DARTS's λ_max is `m.lambdaMax`); both spellings are asked for. */
/** NB201 searches: the derived cell's benchmark lookup per epoch, and the final cell's. */
export const BENCHMARK_CURVE = nb201Key.acc(NB201_HEADLINE_COLUMN)
const BENCHMARK_FINAL = nb201Key.final(NB201_HEADLINE_COLUMN)
const BENCHMARK_FINAL_PCT = nb201Key.finalPct(NB201_HEADLINE_COLUMN)
export const BASE_KEYS = [
  ...CURVE_METRICS,
  ...SKIP_METRICS,
  'lambdaMax',
  'm.lambdaMax',
  BENCHMARK_CURVE,
  BENCHMARK_FINAL,
  BENCHMARK_FINAL_PCT,
] as const

/** One colour per group, by index; distinguishable in both themes. */
export const GROUP_COLORS = [
  '#2f6fdf',
  '#e0632b',
  '#2e9e57',
  '#b8409c',
  '#c99a06',
  '#1aa3a3',
  '#7a5bd6',
  '#d0434f',
  '#6b8e23',
  '#8a6d3b',
]
export const groupColor = (index: number): string => GROUP_COLORS[index % GROUP_COLORS.length]!

export interface MetricInfo {
  readonly label: string
  /** Multiply values for display (fractions → %). */
  readonly scale: number
  readonly digits: number
  readonly unit?: string
  /** Values can never be negative (counts, losses, accuracies): bands are clipped at 0. */
  readonly nonNegative?: boolean
}

const METRIC_INFO: Readonly<Record<string, MetricInfo>> = {
  valAcc: { label: 'Validation accuracy', scale: 100, digits: 2, unit: '%', nonNegative: true },
  trainAcc: { label: 'Train accuracy', scale: 100, digits: 2, unit: '%', nonNegative: true },
  trainLoss: { label: 'Train loss', scale: 1, digits: 3, nonNegative: true },
  valLoss: { label: 'Validation loss', scale: 1, digits: 3, nonNegative: true },
  archLoss: { label: 'Arch loss', scale: 1, digits: 3 },
  skipsNormal: { label: 'Skips (normal)', scale: 1, digits: 2, nonNegative: true },
  skipsReduce: { label: 'Skips (reduce)', scale: 1, digits: 2, nonNegative: true },
  lambdaMax: { label: 'λ_max', scale: 1, digits: 3 },
  // Table values are percentages already.
  [BENCHMARK_CURVE]: { label: 'NB201 CIFAR-10 test of the derived cell', scale: 1, digits: 2, unit: '%', nonNegative: true },
}
export const metricInfo = (key: string): MetricInfo =>
  METRIC_INFO[key] ?? METRIC_INFO[key.replace(/^m\./, '')] ?? { label: key.replace(/^m\./, ''), scale: 1, digits: 3 }

/** The keys to request: the dashboard's own plus the user's extra metrics (deduplicated, ≤ 50). */
export const compareKeys = (extra: readonly string[] = []): string[] => [...new Set([...BASE_KEYS, ...extra])].slice(0, 50)

/** A run's params with its summary fields (method, preset, dataset, seed) filled in when the config lacks them. */
export function runParams(r: CompareRun): Record<string, string> {
  const base: Record<string, string> = { method: r.run.method, dataset: r.run.dataset, seed: String(r.run.seed) }
  if (r.run.preset) base.preset = r.run.preset
  return { ...base, ...r.params }
}

const REGULARIZER_PREFIXES = ['regularization.', 'perturbation.', 'hessian.', 'selection', 'pt.']

/** Group-by choices: method and preset first, then regularizer-related params, then every other groupable key. */
export function groupByOptions(runs: readonly CompareRun[]): { key: string; label: string; regularizer: boolean }[] {
  const keys = groupableKeys(runs.map((r) => ({ id: r.run.id, params: runParams(r) }))).filter((k) => k !== 'seed')
  const isReg = (k: string) => REGULARIZER_PREFIXES.some((p) => k.startsWith(p))
  const first = ['method', 'preset']
  const reg = keys.filter((k) => !first.includes(k) && isReg(k)).sort()
  const rest = keys.filter((k) => !first.includes(k) && !isReg(k)).sort()
  return [
    ...first.map((key) => ({ key, label: key, regularizer: false })),
    ...reg.map((key) => ({ key, label: key, regularizer: true })),
    ...rest.map((key) => ({ key, label: key, regularizer: false })),
  ]
}

export interface CompareGroup {
  readonly value: string
  readonly label: string
  readonly color: string
  readonly runs: readonly CompareRun[]
}

export function makeGroups(runs: readonly CompareRun[], key: string): CompareGroup[] {
  const byId = new Map(runs.map((r) => [r.run.id, r]))
  const groups = groupRuns(
    runs.map((r) => ({ id: r.run.id, params: runParams(r) })),
    key,
  )
  return groups.map((g, i) => ({
    value: g.value,
    label: g.value,
    color: groupColor(i),
    runs: g.runs.map((r) => byId.get(r.id)).filter((r): r is CompareRun => r !== undefined),
  }))
}

export interface GroupBand {
  readonly group: string
  readonly label: string
  readonly color: string
  readonly points: readonly BandPoint[]
}

/** Finite points of one run's series, smoothed with TensorBoard's EMA when `smoothing` > 0. */
export function runSeries(series: readonly MetricPoint[] | undefined, smoothing = 0): MetricPoint[] {
  const pts = (series ?? []).filter((p) => Number.isFinite(p.value) && Number.isFinite(p.step))
  if (smoothing <= 0 || pts.length === 0) return pts
  const ys = emaSmooth(
    pts.map((p) => p.value),
    smoothing,
  )
  return pts.map((p, i) => ({ step: p.step, value: ys[i]! }))
}

/** Mean ± std over the runs (seeds) of each group, per step; groups without data are left out. */
export function bandSeries(groups: readonly CompareGroup[], metric: string, smoothing = 0): GroupBand[] {
  return groups
    .map((g) => {
      const series = g.runs.map((r) => runSeries(r.series[metric], smoothing)).filter((s) => s.length > 0)
      return { group: g.value, label: g.label, color: g.color, points: series.length ? meanStdBand(series) : [] }
    })
    .filter((b) => b.points.length > 0)
}

/** Recharts rows: one per step, `<group>` → mean and `<group>:band` → [lo, hi] (clamped positive for log scale). */
export function bandChartRows(
  bands: readonly GroupBand[],
  opts: { scale?: number; log?: boolean; nonNegative?: boolean } = {},
): Record<string, unknown>[] {
  const scale = opts.scale ?? 1
  const floor = opts.log ? minPositive(bands) * scale : opts.nonNegative ? 0 : -Infinity
  const rows = new Map<number, Record<string, unknown>>()
  for (const b of bands) {
    for (const p of b.points) {
      const row = rows.get(p.step) ?? { step: p.step }
      row[b.group] = opts.log && p.mean <= 0 ? null : p.mean * scale
      row[`${b.group}:band`] = [Math.max(floor, p.lo * scale), Math.max(floor, p.hi * scale)]
      row[`${b.group}:n`] = p.n
      rows.set(p.step, row)
    }
  }
  return [...rows.values()].sort((a, b) => (a.step as number) - (b.step as number))
}

function minPositive(bands: readonly GroupBand[]): number {
  let m = Infinity
  for (const b of bands) for (const p of b.points) for (const v of [p.lo, p.mean]) if (v > 0 && v < m) m = v
  return Number.isFinite(m) ? m : 1e-6
}

/** Metric keys present in any run's series, for the "add a metric" picker. */
export function availableMetrics(runs: readonly CompareRun[]): string[] {
  const keys = new Set<string>()
  for (const r of runs) for (const [k, s] of Object.entries(r.series)) if (s.length > 0) keys.add(k)
  return [...keys].sort()
}

// ── final table ────────────────────────────────────────────────────────────

export interface FinalColumn {
  readonly metric: string
  readonly label: string
  readonly scale: number
  readonly digits: number
  /** Higher is better (for the direction hint in the header). */
  readonly better?: 'higher' | 'lower'
}

export const FINAL_COLUMNS: readonly FinalColumn[] = [
  { metric: 'valAcc', label: 'Val acc final (%)', scale: 100, digits: 2, better: 'higher' },
  { metric: 'valAccBest', label: 'Val acc best (%)', scale: 100, digits: 2, better: 'higher' },
  { metric: 'skipsNormal', label: 'Skips normal', scale: 1, digits: 2, better: 'lower' },
  { metric: 'skipsReduce', label: 'Skips reduce', scale: 1, digits: 2 },
  { metric: 'params', label: 'Params (M)', scale: 1, digits: 2 },
  { metric: 'lambdaMax', label: 'λ_max', scale: 1, digits: 3, better: 'lower' },
  { metric: 'seconds', label: 'Search time (min)', scale: 1 / 60, digits: 1 },
]

/** The benchmark columns of the final table: only for a comparison where some run has NB201 lookups. */
export const BENCHMARK_COLUMNS: readonly FinalColumn[] = [
  { metric: 'nb201Final', label: 'NB201 C10 test, final cell (%)', scale: 1, digits: 2, better: 'higher' },
  { metric: 'nb201FinalPct', label: 'NB201 percentile', scale: 1, digits: 1, better: 'higher' },
]

export const hasBenchmark = (runs: readonly CompareRun[]): boolean =>
  runs.some((r) => r.latest[BENCHMARK_FINAL] !== undefined || (r.series[BENCHMARK_CURVE]?.length ?? 0) > 0)

/** The final table's columns for these runs: benchmark columns first when there are NB201 lookups. */
export const finalColumns = (runs: readonly CompareRun[]): readonly FinalColumn[] =>
  hasBenchmark(runs) ? [...BENCHMARK_COLUMNS, ...FINAL_COLUMNS] : FINAL_COLUMNS

/**
 * The honest title of the benchmark chart: the cells were searched on the runs' datasets and scored
 * with a table of another protocol (NB201 CIFAR-10 test, 200 epochs).
 */
export function benchmarkTitle(runs: readonly CompareRun[]): string {
  const datasets = [...new Set(runs.filter((r) => (r.series[BENCHMARK_CURVE]?.length ?? 0) > 0).map((r) => r.run.dataset))]
  const label = nb201ScoreLabel(nb201Column(NB201_HEADLINE_COLUMN)!, datasets.length === 1 ? datasets[0]! : null)
  return `${datasets.length > 1 ? `cells searched on ${datasets.join(', ')}, ` : ''}${label}, mean ± std over seeds`
}

const last = (s: readonly MetricPoint[] | undefined): number | null => {
  const pts = (s ?? []).filter((p) => Number.isFinite(p.value))
  return pts.length ? pts[pts.length - 1]!.value : null
}
const best = (s: readonly MetricPoint[] | undefined): number | null => {
  const vs = (s ?? []).map((p) => p.value).filter(Number.isFinite)
  return vs.length ? Math.max(...vs) : null
}
const num = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v)

/** One run's value of a final-table metric; null when the run does not have it. */
export function finalValue(r: CompareRun, metric: string): number | null {
  switch (metric) {
    case 'valAcc':
      return last(r.series.valAcc) ?? num(r.run.lastValAcc) ?? num(r.latest.valAcc)
    case 'valAccBest':
      return best(r.series.valAcc) ?? num(r.run.bestValAcc)
    case 'skipsNormal':
      return last(r.series.skipsNormal) ?? num(r.run.skipsNormal)
    case 'skipsReduce':
      return last(r.series.skipsReduce) ?? num(r.run.skipsReduce)
    case 'params':
      return r.run.finalGenotype ? derivedParamsM(r.run.finalGenotype) : null
    case 'lambdaMax':
      return last(r.series['m.lambdaMax']) ?? last(r.series.lambdaMax) ?? num(r.latest['m.lambdaMax']) ?? num(r.latest.lambdaMax)
    case 'seconds':
      return num(r.seconds)
    case 'nb201Final':
      return num(r.latest[BENCHMARK_FINAL]) ?? num(r.run.benchmarkAcc)
    case 'nb201FinalPct':
      return num(r.latest[BENCHMARK_FINAL_PCT]) ?? num(r.run.benchmarkPct)
    default:
      return last(r.series[metric]) ?? num(r.latest[metric])
  }
}

export interface FinalRow {
  readonly group: string
  readonly label: string
  readonly color: string
  readonly n: number
  readonly cells: Readonly<Record<string, SummaryCell>>
}

/** The final table: per group and metric mean ± std with n, and Welch's p vs `baseline` (null for the baseline itself). */
export function finalTable(
  groups: readonly CompareGroup[],
  baseline: string | null,
  columns: readonly FinalColumn[] = FINAL_COLUMNS,
): FinalRow[] {
  const asGroups = groups.map((g) => ({
    key: '',
    value: g.value,
    label: g.label,
    runs: g.runs.map((r) => ({ id: r.run.id, params: r.params, r })),
  }))
  const rows = summaryTable(
    asGroups,
    columns.map((c) => c.metric),
    (run, metric) => finalValue(run.r, metric),
    baseline,
  )
  const out = rows.map((row, i) => ({ ...row, label: groups[i]!.label, color: groups[i]!.color }))
  // Ranked by the found cell's benchmark accuracy when the comparison has one (best first; stable).
  if (columns.some((c) => c.metric === 'nb201Final'))
    out.sort((a, b) => (b.cells.nb201Final?.mean ?? -Infinity) - (a.cells.nb201Final?.mean ?? -Infinity))
  return out
}

// ── export ─────────────────────────────────────────────────────────────────

export interface TableExport {
  readonly header: string[]
  readonly rows: string[][]
}

/** The final table as plain cells: group, n, each metric as `mean ± std`, then Welch p of `pMetric` vs the baseline. */
export function finalTableCells(
  rows: readonly FinalRow[],
  baseline: string | null,
  pMetric: string,
  format: (cell: SummaryCell, col: FinalColumn) => string,
  formatPValue: (p: number | null, why?: SummaryCell['pUndefined']) => string,
  columns: readonly FinalColumn[] = FINAL_COLUMNS,
): TableExport {
  const pLabel = columns.find((c) => c.metric === pMetric)?.label ?? pMetric
  return {
    header: ['group', 'n', ...columns.map((c) => c.label), `p (${pLabel}) vs ${baseline ?? '—'}`],
    rows: rows.map((r) => [
      r.group === baseline ? `${r.label} (baseline)` : r.label,
      String(r.n),
      ...columns.map((c) => format(r.cells[c.metric] ?? { mean: null, std: null, n: 0, p: null }, c)),
      r.group === baseline ? '—' : formatPValue(r.cells[pMetric]?.p ?? null, r.cells[pMetric]?.pUndefined),
    ]),
  }
}

export function toMarkdown(t: TableExport): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const line = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`
  return [line(t.header), `|${t.header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...t.rows.map(line)].join('\n')
}

export function toCsv(t: TableExport): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)
  return [t.header, ...t.rows].map((r) => r.map(q).join(',')).join('\n')
}
