/**
 * Small-sample statistics for comparing runs across seeds: mean ± std, Welch's t-test with its
 * confidence interval (the t distribution from jStat), TensorBoard-style smoothing and seed bands.
 */
import jStat from 'jstat'

/** Arithmetic mean; NaN for an empty list. Callers drop non-finite values first (see `finite`). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  let s = 0
  for (const x of xs) s += x
  return s / xs.length
}

/** Sample standard deviation (n − 1); 0 for one value, NaN for none. Two-pass, so large offsets do not cancel. */
export function std(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  if (xs.length === 1) return 0
  const m = mean(xs)
  let ss = 0
  for (const x of xs) ss += (x - m) * (x - m)
  return Math.sqrt(ss / (xs.length - 1))
}

/** Drops NaN and ±Infinity. */
export const finite = (xs: readonly number[]): number[] => xs.filter((x) => Number.isFinite(x))

/** P(T ≤ t) for Student's t with `df` > 0 degrees of freedom (df may be fractional, as Welch's is; ∞ = normal). */
export function studentTCdf(t: number, df: number): number {
  const tail = twoSidedP(t, df) / 2
  return t > 0 ? 1 - tail : tail
}

/**
 * Two-sided tail P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2), with jStat's regularized incomplete beta.
 * Written through the tail rather than jStat.studentt.cdf, whose (t + √(t²+df)) form cancels for large
 * |t| and loses the digits of tiny p.
 */
function twoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN
  if (!Number.isFinite(t)) return 0
  if (df === Infinity) return 2 * jStat.normal.cdf(-Math.abs(t), 0, 1)
  return jStat.ibeta(df / (df + t * t), df / 2, 0.5)
}

/** The t quantile: P(T ≤ q) = prob. */
export function studentTQuantile(prob: number, df: number): number {
  if (!(prob > 0 && prob < 1) || !(df > 0)) return NaN
  return df === Infinity ? jStat.normal.inv(prob, 0, 1) : jStat.studentt.inv(prob, df)
}

/** Why a test gave no number; the dashboard prints it instead of a p-value. */
export type TestUndefined = 'n too small' | 'no variance' | 'overflow'

export interface WelchResult {
  readonly ok: true
  readonly t: number
  readonly df: number
  readonly p: number
  /** mean(a) − mean(b). */
  readonly diff: number
  /** Confidence interval of mean(a) − mean(b) at `level` (0.95 unless asked). */
  readonly ci: readonly [number, number]
}

/** Fewer than 2 finite values per group. */
export const MIN_N = 2

/**
 * Welch's unequal-variance t-test of mean(a) vs mean(b), two-sided, as SciPy's
 * `ttest_ind(a, b, equal_var=False)` (checked against it in tests/fixtures/stats). Non-finite values
 * are dropped first. Undefined — a reason instead of a number — when either side has fewer than 2
 * values, when both variances are 0 (t is undefined), or when the values overflow double precision.
 */
export function welchTTest(
  a: readonly number[],
  b: readonly number[],
  level = 0.95,
): WelchResult | { readonly ok: false; readonly reason: TestUndefined } {
  const xa = finite(a)
  const xb = finite(b)
  if (xa.length < MIN_N || xb.length < MIN_N) return { ok: false, reason: 'n too small' }
  const va = std(xa) ** 2 / xa.length
  const vb = std(xb) ** 2 / xb.length
  const se2 = va + vb
  if (se2 === 0) return { ok: false, reason: 'no variance' }
  if (!Number.isFinite(se2)) return { ok: false, reason: 'overflow' }
  const diff = mean(xa) - mean(xb)
  const se = Math.sqrt(se2)
  const t = diff / se
  // Welch–Satterthwaite, written in the shares va/se², vb/se² so tiny variances do not underflow to 0/0.
  const [ra, rb] = [va / se2, vb / se2]
  const df = 1 / ((ra * ra) / (xa.length - 1) + (rb * rb) / (xb.length - 1))
  if (Number.isNaN(t) || !Number.isFinite(df)) return { ok: false, reason: 'overflow' }
  const p = Math.min(1, Math.max(0, twoSidedP(t, df)))
  const half = studentTQuantile(0.5 + level / 2, df) * se
  return { ok: true, t, df, p, diff, ci: [diff - half, diff + half] }
}

/**
 * TensorBoard's scalar smoothing: an EMA debiased by 1 − weightⁿ so the first points are not pulled
 * towards 0. Non-finite points are returned as they are and do not enter the average. `weight` is
 * clamped to [0, 0.999] (TensorBoard's slider range); weight 1 would divide by zero.
 */
export function emaSmooth(ys: readonly number[], weight: number): number[] {
  const w = Number.isFinite(weight) ? Math.min(0.999, Math.max(0, weight)) : 0
  let last = 0
  let n = 0
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y
    last = last * w + (1 - w) * y
    n++
    return last / (1 - w ** n)
  })
}

export interface BandPoint {
  readonly step: number
  readonly mean: number
  readonly std: number
  readonly lo: number
  readonly hi: number
  /** Runs with a finite value at this step. */
  readonly n: number
}

/**
 * Mean ± std across runs at each step, for a seed band. Only finite values count; steps where no run
 * has one are omitted. If a run logs a step twice (a resumed run) its last finite value wins.
 */
export function meanStdBand(series: readonly (readonly { readonly step: number; readonly value: number }[])[]): BandPoint[] {
  const byStep = new Map<number, number[]>()
  for (const run of series) {
    const last = new Map<number, number>()
    for (const { step, value } of run) if (Number.isFinite(step) && Number.isFinite(value)) last.set(step, value)
    for (const [step, value] of last) {
      const list = byStep.get(step)
      if (list) list.push(value)
      else byStep.set(step, [value])
    }
  }
  return [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, values]) => {
      const m = mean(values)
      const s = std(values)
      return { step, mean: m, std: s, lo: m - s, hi: m + s, n: values.length }
    })
}
