/**
 * SDARTS (METHODS.md §3.6; `SmoothDARTS/sota/cnn/train_search.py`, `attacker/perturb.py`): the weight
 * step trains under a perturbed architecture ᾱ + δ, where ᾱ is the method's simplex mixing (softmax(α),
 * partial-channel's softmax(α)) and δ is uniform noise (RS) or an L∞ PGD attack on L_train (ADV), both
 * projected back to the simplex by `clip()`. The α step is the base method's, unchanged.
 *
 * The perturbed matrices are the mixing's `normal` and `reduce` fields (DartsMixing); any other field
 * (DARTS-'s auxSkip, PC-DARTS's edge weights) passes through unperturbed, as SmoothDARTS perturbs
 * only the α it softmaxes. Random numbers come from `ctx.rng`, the searcher's checkpointed stream.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import type { Rng } from '../../../core/rng'
import type { SearchPlugin } from '../../search/plugin'
import { overrideMethod } from '../override'
import type { MethodContext, MethodState, SearchMethod } from '../types'

export type PerturbationConfig = SearchConfig['perturbation']

/** The mixing fields SDARTS perturbs: one `[edges, ops]` simplex matrix per cell type. */
export const SIMPLEX_KEYS = ['normal', 'reduce'] as const

/** ε_t = ε_min + (ε_max − ε_min)·epoch/epochs (`train_search.py`: 0.03 + (0.3 − 0.03)·epoch/epochs). */
export function epsilonAt(p: Pick<PerturbationConfig, 'epsilonMin' | 'epsilonMax'>, epoch: number, epochs: number): number {
  return p.epsilonMin + ((p.epsilonMax - p.epsilonMin) * epoch) / Math.max(1, epochs)
}

/**
 * SmoothDARTS `Network.clip()` on one matrix, row by row: clamp to [0, 1]; a row that is then all
 * zero gets 1 at the argmax of its values *before* the clamp; divide by the row sum (back onto the simplex).
 */
export function clipSimplex(m: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [, ops] = m.shape
    const clamped = tf.clipByValue(m, 0, 1)
    const sums = tf.sum(clamped, 1, true)
    const empty = tf.equal(sums, 0)
    const fallback = tf.oneHot(tf.argMax(m, 1), ops).toFloat()
    const filled = tf.where(tf.tile(empty, [1, ops]), fallback, clamped)
    return tf.div(filled, tf.sum(filled, 1, true)) as tf.Tensor2D
  })
}

/** U(−ε, ε) noise of a shape, drawn from `rng` in row-major order. */
export function uniformNoise(shape: readonly [number, number], eps: number, rng: Rng): tf.Tensor2D {
  const values = new Float32Array(shape[0] * shape[1])
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * eps
  return tf.tensor2d(values, [...shape])
}

/** SDARTS-RS (`Random_alpha`): clip(ᾱ + U(−ε, ε)) for every matrix. */
export function randomPerturbation(bars: readonly tf.Tensor2D[], eps: number, rng: Rng): tf.Tensor2D[] {
  return bars.map((b) => tf.tidy(() => clipSimplex(tf.add(b, uniformNoise(b.shape, eps, rng)))))
}

/**
 * SDARTS-ADV (`Linf_PGD_alpha`): random start clip(ᾱ₀ + U(−ε, ε)), then `steps` ascent steps
 * ᾱ ← clip(ᾱ₀ + clamp(ᾱ + (2ε/steps)·sign(∇_ᾱ L) − ᾱ₀, −ε, ε)); if L at the result is below L(ᾱ₀),
 * ᾱ₀ is returned instead. `loss` maps the matrices to L_train (a scalar under the caller's tape).
 */
export function adversarialPerturbation(
  bars: readonly tf.Tensor2D[],
  eps: number,
  steps: number,
  rng: Rng,
  loss: (ms: readonly tf.Tensor2D[]) => tf.Scalar,
): tf.Tensor2D[] {
  const scalar = (ms: readonly tf.Tensor2D[]): number => tf.tidy(() => loss(ms).dataSync()[0]!)
  const before = scalar(bars)
  let cur = randomPerturbation(bars, eps, rng)
  const size = (2 * eps) / steps
  for (let k = 0; k < steps; k++) {
    const next = tf.tidy(() => {
      const grads = tf.grads((...ms: tf.Tensor[]) => loss(ms as tf.Tensor2D[]))(cur)
      return cur.map((c, i) => {
        const stepped = tf.add(c, tf.mul(tf.sign(grads[i]!), size))
        return clipSimplex(tf.add(bars[i]!, tf.clipByValue(tf.sub(stepped, bars[i]!), -eps, eps)) as tf.Tensor2D)
      })
    })
    tf.dispose(cur)
    cur = next
  }
  // SmoothDARTS keeps the attack only if it did not lower the loss.
  if (before > scalar(cur)) {
    tf.dispose(cur)
    return bars.map((b) => tf.clone(b))
  }
  return cur
}

/** The simplex matrices of a mixing, in SIMPLEX_KEYS order; throws when it has none. */
export function simplexFields(m: unknown): { keys: string[]; mats: tf.Tensor2D[] } {
  const rec = m as Record<string, unknown>
  const keys = SIMPLEX_KEYS.filter((k) => rec[k] instanceof tf.Tensor && (rec[k] as tf.Tensor).rank === 2)
  if (!keys.length)
    throw new Error(`SDARTS perturbs the mixing's ${SIMPLEX_KEYS.join('/')} matrices; this method's mixing has none`)
  return { keys, mats: keys.map((k) => rec[k] as tf.Tensor2D) }
}

const replaceFields = <M>(m: M, keys: readonly string[], mats: readonly tf.Tensor2D[]): M =>
  ({ ...(m as object), ...Object.fromEntries(keys.map((k, i) => [k, mats[i]])) }) as M

/**
 * SDARTS on top of any method whose mixing holds simplex matrices: `weightMixing` returns the perturbed
 * ᾱ (used by the weight step as is, without softmax) and `epochState` adds the scalar `epsilon`.
 * The loss closure the searcher passes is L_train on the weight step's batch in eval-mode BN (running
 * statistics), as SmoothDARTS runs its attack after `model.eval()`.
 */
export function withPerturbation<M>(base: SearchMethod<M>, p: PerturbationConfig): SearchMethod<M> {
  if (p.kind === 'none') return base
  const weightMixing = (arch: readonly tf.Tensor2D[], ctx: MethodContext, loss: (m: M) => tf.Scalar): M => {
    const m0 = base.weightMixing ? base.weightMixing(arch, ctx, loss) : base.mixing(arch, ctx)
    const { keys, mats } = simplexFields(m0)
    // NAS-Bench-201's mixing holds its one matrix under both names: it is perturbed once.
    const unique = [...new Set(mats)]
    const spread = (ms: readonly tf.Tensor2D[]) => mats.map((m) => ms[unique.indexOf(m)]!)
    const eps = epsilonAt(p, ctx.epoch, ctx.epochs)
    const perturbed =
      p.kind === 'random'
        ? randomPerturbation(unique, eps, ctx.rng)
        : adversarialPerturbation(unique, eps, p.steps, ctx.rng, (ms) => loss(replaceFields(m0, keys, spread(ms))))
    return replaceFields(m0, keys, spread(perturbed))
  }
  const epochState = (arch: readonly number[][][], ctx: MethodContext): MethodState => {
    const inner = base.epochState?.(arch, ctx) ?? { scalars: {}, matrices: {} }
    return { scalars: { ...inner.scalars, epsilon: epsilonAt(p, ctx.epoch, ctx.epochs) }, matrices: inner.matrices }
  }
  return overrideMethod(base, { weightMixing, epochState })
}

/** SDARTS-RS/ADV as a search plugin (perturbation.kind ≠ 'none'), else null. */
export function sdartsPlugin(config: SearchConfig): SearchPlugin | null {
  const p = config.perturbation
  return p.kind === 'none' ? null : { name: 'sdarts', wrapMethod: (m) => withPerturbation(m, p) }
}
