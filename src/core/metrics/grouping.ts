/**
 * Grouping runs by a config parameter (method, lr, …) and the seed-aggregated summary table the
 * compare view shows: mean ± std per group and metric, with Welch p-values against a baseline group.
 */
import { finite, mean, std, type TestUndefined, welchTTest } from './stats'

export interface Groupable {
  readonly id: string
  readonly params: Readonly<Record<string, string>>
}

export interface RunGroup<T extends Groupable> {
  /** The parameter the runs were grouped by. */
  readonly key: string
  /** This group's value of that parameter; `'(none)'` for runs that lack it. Unique within a grouping. */
  readonly value: string
  /** `key=value`, for legends. */
  readonly label: string
  readonly runs: readonly T[]
}

export const NO_VALUE = '(none)'

/** A value that reads as a number ('0.025', '1e-3'); blank strings do not, although Number('') is 0. */
const numeric = (v: string): boolean => v.trim() !== '' && Number.isFinite(Number(v))

/**
 * Groups runs by `params[key]`. When every present value is numeric the groups are sorted numerically
 * (so lr 0.1 comes after 0.025, unlike a string sort), with `(none)` last; otherwise they keep the
 * order of first appearance. Runs keep their input order within a group.
 */
export function groupRuns<T extends Groupable>(runs: readonly T[], key: string): RunGroup<T>[] {
  const byValue = new Map<string, T[]>()
  for (const run of runs) {
    const value = run.params[key] ?? NO_VALUE
    const list = byValue.get(value)
    if (list) list.push(run)
    else byValue.set(value, [run])
  }
  let values = [...byValue.keys()]
  const present = values.filter((v) => v !== NO_VALUE)
  if (present.length > 0 && present.every(numeric)) {
    // Array.prototype.sort is stable, so '0.1' and '0.10' stay in appearance order.
    values = [...present.sort((a, b) => Number(a) - Number(b)), ...(byValue.has(NO_VALUE) ? [NO_VALUE] : [])]
  }
  return values.map((value) => ({ key, value, label: `${key}=${value}`, runs: byValue.get(value)! }))
}

const FIRST_KEYS = ['method', 'preset']

/**
 * Parameters worth grouping by: those whose value (a missing one counts as `(none)`) differs across
 * runs. `seed` is left out because runs differing only by seed are what a group aggregates.
 * `method` then `preset` come first when they qualify; the rest are sorted by name.
 */
export function groupableKeys(runs: readonly Groupable[]): string[] {
  const keys = new Set<string>()
  for (const run of runs) for (const k of Object.keys(run.params)) keys.add(k)
  keys.delete('seed')
  const differs = (k: string): boolean => new Set(runs.map((r) => r.params[k] ?? NO_VALUE)).size > 1
  const varying = [...keys].filter(differs)
  const first = FIRST_KEYS.filter((k) => varying.includes(k))
  const rest = varying.filter((k) => !FIRST_KEYS.includes(k)).sort()
  return [...first, ...rest]
}

export interface SummaryCell {
  readonly mean: number | null
  readonly std: number | null
  /** Runs with a finite value for this metric. */
  readonly n: number
  /** Two-sided Welch p vs the baseline group; null for the baseline itself or when the test is undefined. */
  readonly p: number | null
  /** Why there is no p although a baseline was named (e.g. 'n too small'); absent otherwise. */
  readonly pUndefined?: TestUndefined
}

export interface SummaryRow {
  /** The group's value (`RunGroup.value`). */
  readonly group: string
  readonly label: string
  /** Runs in the group (a metric's cell may have fewer values). */
  readonly n: number
  readonly cells: Readonly<Record<string, SummaryCell>>
}

/**
 * One row per group, one cell per metric. `value` returns null (or a non-finite number) for runs
 * without that metric; those are left out of the cell. `baseline` is a group value; when it names no
 * group every p is null.
 */
export function summaryTable<T extends Groupable>(
  groups: readonly RunGroup<T>[],
  metrics: readonly string[],
  value: (run: T, metric: string) => number | null,
  baseline: string | null,
): SummaryRow[] {
  const valuesOf = (g: RunGroup<T>, metric: string): number[] =>
    finite(g.runs.map((r) => value(r, metric)).filter((v): v is number => v !== null))
  const base = baseline === null ? undefined : groups.find((g) => g.value === baseline)
  return groups.map((g) => {
    const cells: Record<string, SummaryCell> = {}
    for (const metric of metrics) {
      const xs = valuesOf(g, metric)
      const test = base && base !== g ? welchTTest(xs, valuesOf(base, metric)) : null
      const p = test?.ok ? test.p : null
      const why = test && !test.ok ? { pUndefined: test.reason } : {}
      cells[metric] =
        xs.length === 0 ? { mean: null, std: null, n: 0, p, ...why } : { mean: mean(xs), std: std(xs), n: xs.length, p, ...why }
    }
    return { group: g.value, label: g.label, n: g.runs.length, cells }
  })
}

/** toFixed without a '-0.00' for values that round to zero. */
function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits)
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s
}

/**
 * `72.51 ± 0.84` (values × `scale`, e.g. 100 for accuracies stored as fractions); `—` without a mean.
 * A single run shows the mean alone, since its std of 0 says nothing about spread.
 */
export function formatMeanStd(cell: SummaryCell, digits = 2, scale = 1): string {
  if (cell.mean === null || !Number.isFinite(cell.mean)) return '—'
  const m = fixed(cell.mean * scale, digits)
  if (cell.std === null || cell.n < 2 || !Number.isFinite(cell.std)) return m
  return `${m} ± ${fixed(cell.std * scale, digits)}`
}

/** `< 0.001`, `0.034`; without a p, why not ('n too small') or `—`. */
export function formatP(p: number | null, why?: TestUndefined): string {
  if (p === null || !Number.isFinite(p)) return why ?? '—'
  if (p < 0.001) return '< 0.001'
  return p.toFixed(3)
}
