/**
 * E2NAS's probabilistic exploration enhancement (METHODS.md §3.3), the parts that are plain math:
 * the η schedule, per-dimension generalized-normal fits to the archive's latents (P_z), the histogram
 * density of the archive's reconstruction distances (P_e) and architecture complementation. The
 * engine turns log P_z into a differentiable term; log|D| and log P_e enter as constants, because the
 * decoded cell is piecewise constant in z.
 */
import type { Rng } from '../rng'

/** η = 1 − sigmoid(r), r = (2·epoch/epochs − 1)·sharpness: ≈ 1 (explore) early, ≈ 0 (exploit) late. */
export function etaAt(epoch: number, epochs: number, sharpness = 10): number {
  const r = ((2 * epoch) / Math.max(1, epochs) - 1) * sharpness
  return 1 - 1 / (1 + Math.exp(-r))
}

/** Generalized normal: density β / (2α Γ(1/β)) · exp(−(|x − μ| / α)^β). β = 2 is a normal, β = 1 a Laplace. */
export interface GenNormal {
  readonly mu: number
  readonly alpha: number
  readonly beta: number
}

/** log Γ(x) for x > 0 (Lanczos, g = 7; 15 significant digits is far more than the fits need). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  const y = x - 1
  let a = c[0]!
  const t = y + 7.5
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i)
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a)
}

/** β ≥ 1 keeps |z − μ|^β differentiable at μ (its gradient in z is what drives exploration). */
const BETAS = Array.from({ length: 13 }, (_, i) => 1 + i * 0.25)
/** A floor on the scale: an archive of identical latents would otherwise give an infinite density. */
export const MIN_SCALE = 1e-4

/**
 * Fits one dimension by maximum likelihood over a β grid (1 … 4), with μ the sample mean (the MLE for
 * β = 2; scipy's `gennorm.fit` optimises μ too) and α in closed form given β: α = (β/n · Σ|x − μ|^β)^(1/β).
 */
export function fitGenNormal(xs: readonly number[]): GenNormal {
  const n = xs.length
  if (n === 0) throw new Error('cannot fit a generalized normal to no samples')
  const mu = xs.reduce((a, b) => a + b, 0) / n
  let best: GenNormal & { ll: number } = { mu, alpha: MIN_SCALE, beta: 2, ll: -Infinity }
  for (const beta of BETAS) {
    const m = xs.reduce((s, x) => s + Math.abs(x - mu) ** beta, 0) / n
    const alpha = Math.max(MIN_SCALE, (beta * m) ** (1 / beta))
    const ll = xs.reduce((s, x) => s + genNormalLogPdf(x, { mu, alpha, beta }), 0)
    if (ll > best.ll) best = { mu, alpha, beta, ll }
  }
  return { mu: best.mu, alpha: best.alpha, beta: best.beta }
}

/** The log-normalizer log(β / (2α Γ(1/β))) of a fit. */
export const genNormalLogNorm = (p: GenNormal): number => Math.log(p.beta) - Math.log(2 * p.alpha) - logGamma(1 / p.beta)

export function genNormalLogPdf(x: number, p: GenNormal): number {
  return genNormalLogNorm(p) - (Math.abs(x - p.mu) / p.alpha) ** p.beta
}

/**
 * log of a histogram density estimate at x: √n equal bins over the samples' range (widened by one bin
 * on each side), with one pseudo-count spread over all bins so an unseen distance has a finite density.
 */
export function histogramLogDensity(samples: readonly number[], x: number): number {
  const n = samples.length
  if (n === 0) throw new Error('cannot estimate a density from no samples')
  const bins = Math.max(1, Math.round(Math.sqrt(n)))
  let lo = Math.min(...samples)
  let hi = Math.max(...samples)
  const width0 = (hi - lo) / bins || Math.max(1e-6, Math.abs(lo) * 1e-3)
  lo -= width0
  hi += width0
  const total = bins + 2
  const width = (hi - lo) / total
  const binOf = (v: number) => Math.min(total - 1, Math.max(0, Math.floor((v - lo) / width)))
  const counts = new Array<number>(total).fill(0)
  for (const s of samples) counts[binOf(s)]! += 1
  const inside = x >= lo && x <= hi ? counts[binOf(x)]! : 0
  return Math.log((inside + 1 / total) / ((n + 1) * width))
}

/**
 * Architecture complementation: the previous cell with every edge that equals the current cell's
 * replaced by a random different op, so the supernet keeps being trained away from the current path.
 */
export function complementCell(previous: readonly number[], current: readonly number[], numOps: number, rng: Rng): number[] {
  if (previous.length !== current.length) throw new Error('complement: cells of different sizes')
  return previous.map((op, e) => {
    if (op !== current[e]) return op
    const other = rng.int(numOps - 1)
    return other >= op ? other + 1 : other
  })
}
