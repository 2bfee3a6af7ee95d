/**
 * Small-sample statistics for comparing runs across seeds: mean ± std, Welch's t-test, the Student t
 * CDF (own implementation, so core needs no stats package), TensorBoard-style smoothing and seed bands.
 */

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

// Lanczos approximation (g = 7, n = 9): ~15 significant digits for x > 0, enough for the beta prefactor.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** ln Γ(x) for x > 0 (reflection below 0.5). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  const z = x - 1
  let a = LANCZOS[0]!
  const t = z + 7.5
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i)
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

const TINY = 1e-300
const EPS = 1e-15

/** Continued fraction for I_x(a, b) by the modified Lentz method (Numerical Recipes §6.4, `betacf`). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b
  const qap = a + 1
  const qam = a - 1
  let c = 1
  let d = 1 - (qab * x) / qap
  if (Math.abs(d) < TINY) d = TINY
  d = 1 / d
  let h = d
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))
    d = 1 + aa * d
    if (Math.abs(d) < TINY) d = TINY
    c = 1 + aa / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < EPS) break
  }
  return h
}

/** Regularized incomplete beta I_x(a, b) for a, b > 0 and x ∈ [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return NaN
  if (x <= 0) return 0
  if (x >= 1) return 1
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x))
  // The fraction converges fast only below (a+1)/(a+b+2); above it use I_x(a,b) = 1 − I_{1−x}(b,a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b
}

// Numerical Recipes' `erfcc` Chebyshev coefficients, highest power last (relative error < 1.2e-7).
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
]

/** erfc(x), only used for df = ∞ (the normal limit). */
function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const poly = ERFC.reduceRight((acc, c) => c + t * acc, 0)
  const r = t * Math.exp(-z * z + poly)
  return x >= 0 ? r : 2 - r
}

/** Two-sided tail P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2); computed directly so tiny p keep their digits. */
function twoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN
  if (!Number.isFinite(t)) return 0
  if (df === Infinity) return erfc(Math.abs(t) / Math.SQRT2)
  return incompleteBeta(df / (df + t * t), df / 2, 0.5)
}

/** P(T ≤ t) for Student's t with `df` > 0 degrees of freedom (df may be fractional, as Welch's is; ∞ = normal). */
export function studentTCdf(t: number, df: number): number {
  const tail = twoSidedP(t, df) / 2
  return t > 0 ? 1 - tail : tail
}

export interface WelchResult {
  readonly t: number
  readonly df: number
  readonly p: number
}

/**
 * Welch's unequal-variance t-test of mean(a) vs mean(b), two-sided. Non-finite values are dropped
 * first. Null when either side has fewer than 2 values or both variances are 0 (t is undefined), or
 * when the values overflow double precision.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | null {
  const xa = finite(a)
  const xb = finite(b)
  if (xa.length < 2 || xb.length < 2) return null
  const va = std(xa) ** 2 / xa.length
  const vb = std(xb) ** 2 / xb.length
  const se2 = va + vb
  if (!(se2 > 0)) return null
  const t = (mean(xa) - mean(xb)) / Math.sqrt(se2)
  // Welch–Satterthwaite, written in the shares va/se², vb/se² so tiny variances do not underflow to 0/0.
  const [ra, rb] = [va / se2, vb / se2]
  const df = 1 / ((ra * ra) / (xa.length - 1) + (rb * rb) / (xb.length - 1))
  if (Number.isNaN(t) || !Number.isFinite(df)) return null
  const p = Math.min(1, Math.max(0, twoSidedP(t, df)))
  return { t, df, p }
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
