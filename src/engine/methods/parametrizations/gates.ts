/**
 * Hard-concrete gates (Louizos, Welling, Kingma 2018) as PR-DARTS uses them (METHODS.md §3.2): a
 * stretched, clamped binary-concrete sample per (edge, op), a top-k selection per edge with gate
 * dropout, and the straight-through estimator that makes the forward exactly 0/1 while the gradient
 * reaches α through the continuous gate. Random numbers come from the searcher's `Rng` (drawn in
 * JS, then a tensor), so a resumed run draws the same gates.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../../core/rng'

/** The stretch interval (a, b) of the hard-concrete distribution; a < 0 < 1 < b (PR-DARTS: −0.1, 1.1). */
export interface Stretch {
  readonly a: number
  readonly b: number
}

/**
 * Logistic noise log u − log(1 − u), u ~ U(0, 1), one per entry. Computed in float64 with u at the
 * centre of its 2⁻³² bin, so u is never exactly 0 or 1 and the noise stays finite.
 */
export function logisticNoise(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const u = (rng.nextU32() + 0.5) / 4294967296
    out[i] = Math.log(u) - Math.log1p(-u)
  }
  return out
}

/** g = clamp(sigmoid((α + noise)/τ)·(b − a) + a, 0, 1): a sample of the hard-concrete gate. */
export function hardConcreteGates(alpha: tf.Tensor2D, noise: tf.Tensor2D, tau: number, s: Stretch): tf.Tensor2D {
  return tf.tidy(() => {
    const soft = tf.sigmoid(tf.div(tf.add(alpha, noise), tau))
    return tf.clipByValue(tf.add(tf.mul(soft, s.b - s.a), s.a), 0, 1) as tf.Tensor2D
  })
}

/** ln(−a/b): the shift of the gate's non-zero probability (−2.3979 for PR-DARTS's a, b). */
export const logRatio = (s: Stretch): number => Math.log(-s.a / s.b)

/** P(g > 0) = sigmoid(α − τ·ln(−a/b)), differentiable in α (Louizos et al. eq. 12). */
export function gateProbability(alpha: tf.Tensor2D, tau: number, s: Stretch): tf.Tensor2D {
  return tf.sigmoid(tf.sub(alpha, tau * logRatio(s)))
}

/** The same probability on plain numbers (events, derivation displays). */
export function gateProbabilityRows(alpha: readonly (readonly number[])[], tau: number, s: Stretch): number[][] {
  const shift = tau * logRatio(s)
  return alpha.map((row) => row.map((x) => 1 / (1 + Math.exp(-(x - shift)))))
}

/**
 * The k largest entries of each row as a 0/1 mask (row-major `[rows, cols]`). Ties go to the entry
 * that comes first in `order` (a column permutation shared by all rows, as PR-DARTS's `randperm`).
 */
export function topKMask(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  k: number,
  order: readonly number[] = [...Array(cols).keys()],
): Float32Array {
  const mask = new Float32Array(rows * cols)
  const kk = Math.min(k, cols)
  for (let r = 0; r < rows; r++) {
    // Array.prototype.sort is stable: equal values keep their permuted order.
    const ranked = [...order].sort((p, q) => values[r * cols + q]! - values[r * cols + p]!)
    for (const c of ranked.slice(0, kk)) mask[r * cols + c] = 1
  }
  return mask
}

/**
 * PR-DARTS's selection with gate dropout (`get_gumbel_prob`, dropout branch): g' = g − Bernoulli(p)
 * knocks ~p of the candidates down by 1, a random column permutation breaks ties (gates clamped at 0
 * or 1 are common), then the top k of g' per row. Draws rows·cols uniforms, then the permutation.
 */
export function selectTopK(g: ArrayLike<number>, rows: number, cols: number, k: number, dropout: number, rng: Rng): Float32Array {
  const dropped = new Float32Array(rows * cols)
  for (let i = 0; i < rows * cols; i++) dropped[i] = g[i]! - (rng.next() < dropout ? 1 : 0)
  const order = rng.shuffle([...Array(cols).keys()])
  return topKMask(dropped, rows, cols, k, order)
}

/**
 * Straight-through: the forward value is exactly `onehot` (a constant built from values, never
 * `onehot − g + g`, whose float rounding is not exactly 0/1), the backward passes dy to g unchanged,
 * as `onehot − g.detach() + g` does (TF.js has no stop_gradient).
 */
export function straightThrough(g: tf.Tensor2D, onehot: Float32Array): tf.Tensor2D {
  const shape = g.shape
  return tf.customGrad((..._args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.tensor2d(onehot, shape),
    gradFunc: (dy: tf.Tensor) => [tf.clone(dy)],
  }))(g) as tf.Tensor2D
}

/** One hard-concrete draw for one `[rows, cols]` α: the sampled gates (on the tape) and the top-k mask. */
export interface GateSample {
  readonly gates: tf.Tensor2D
  readonly mask: Float32Array
}

/** Samples gates for α (noise first, then dropout and permutation, all from `rng`) and selects k per row. */
export function sampleGates(alpha: tf.Tensor2D, tau: number, s: Stretch, k: number, dropout: number, rng: Rng): GateSample {
  const [rows, cols] = alpha.shape
  const noise = tf.tensor2d(logisticNoise(rng, rows * cols), [rows, cols])
  const gates = hardConcreteGates(alpha, noise, tau, s)
  noise.dispose()
  const mask = selectTopK(gates.dataSync(), rows, cols, k, dropout, rng)
  return { gates, mask }
}

/**
 * The mixing weights of a sample: exactly the 0/1 mask forward; gradient M ⊙ ∂g/∂α. The mask on
 * the gradient stands in for PR-DARTS evaluating only the selected ops (an unselected op is absent
 * there, so its gate gets no gradient; here it runs with weight 0, which would otherwise leak one).
 */
export function hardMixing(sample: GateSample): tf.Tensor2D {
  return tf.tidy(() => tf.mul(straightThrough(sample.gates, sample.mask), tf.tensor2d(sample.mask, sample.gates.shape)))
}

/**
 * E[g] of the hard-concrete gate by the midpoint rule over u (the noise quantile): a deterministic
 * reference for tests and displays (there is no closed form with the clamp).
 */
export function expectedGate(alpha: number, tau: number, s: Stretch, points = 20000): number {
  let sum = 0
  for (let i = 0; i < points; i++) {
    const u = (i + 0.5) / points
    const soft = 1 / (1 + Math.exp(-(alpha + Math.log(u) - Math.log1p(-u)) / tau))
    sum += Math.min(1, Math.max(0, soft * (s.b - s.a) + s.a))
  }
  return sum / points
}
