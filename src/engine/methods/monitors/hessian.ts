/**
 * R-DARTS (METHODS.md §3.5): λ_max of ∇²_arch L_val, the quantity its monitor (rdarts.ts) watches.
 *
 * λ_max follows the TF.js recommendation of §3.5: double backprop through the supernet is not available,
 * so Hessian-vector products are central differences of ∇_arch L_val (alphaGrads),
 * Hv ≈ [g(α + hv) − g(α − hv)]/2h with h = 1e-4/‖v‖ (see FD_STEP), on ONE fixed batch: the first batch of
 * the validation half in index order, un-augmented (`valEval`'s first batch), in train-mode BN without
 * touching the running statistics, and with the method's deterministic ('eval') mixing. Then either
 * power iteration (Rayleigh quotient, relative tolerance 1e-3) or, for `hessian.method: 'full'`, the
 * whole matrix from basis HVPs, symmetrised, with all its eigenvalues (Jacobi). As R-DARTS does
 * (`arch_weight_decay·α` is added before its second differentiation), the reported λ_max includes
 * `archWeightDecay`: it is the top eigenvalue of ∇²L_val + archWeightDecay·I.
 *
 * Nothing here draws from the run's random stream or changes the weights, α, optimizers or BN
 * statistics, so enabling `hessian.every` leaves the search itself unchanged (until a stop or a rollback).
 */
import * as tf from '@tensorflow/tfjs-core'
import { Rng } from '../../../core/rng'
import { alphaGrads, type Batch } from '../../search/architect'
import type { SearcherView } from '../../search/plugin'

/** A symmetric linear operator on flat vectors: v ↦ Hv. */
export type Hvp = (v: Float64Array) => Float64Array

const norm = (v: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!
  return Math.sqrt(s)
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

/**
 * Length of the finite-difference step along a unit direction. ReLU and max-pool make ∇_α L only
 * piecewise smooth: a step that moves units across their kinks adds a spurious, asymmetric term that
 * does not shrink with the step (an exact, double-backprop Hessian has none). Measured on the tiny test
 * supernet, the FD Hessian is 92 % asymmetric (relative Frobenius norm) at 1e-3 and 1.2 % at 1e-4; float32
 * rounding of gradients of ~1e-2 stays far below that at 1e-4. METHODS.md §3.5 suggests 1e-3·‖α‖. On
 * bigger supernets (the quick preset) no step avoids the kinks: λ_max varies 10× with the step and the
 * start vector there (docs/methods/r-darts.md); an exact fix needs HVPs with frozen activation patterns.
 */
export const FD_STEP = 1e-4

/** Central-difference HVP of `grad` at θ (tensors, flattened in order), step FD_STEP/‖v‖. Every tensor it makes is freed. */
export function finiteDifferenceHvp(grad: (theta: tf.Tensor[]) => tf.Tensor[], theta: readonly tf.Tensor[], step = FD_STEP): Hvp {
  const flat = (ts: readonly tf.Tensor[]): Float64Array => {
    const parts = ts.map((t) => t.dataSync())
    const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
    let o = 0
    for (const p of parts) out.set(p, (o += p.length) - p.length)
    return out
  }
  return (v) => {
    const h = step / Math.max(1e-30, norm(v))
    const at = (sign: number): Float64Array => {
      let offset = 0
      const shifted = theta.map((t) => {
        const dv = Float32Array.from(v.subarray(offset, (offset += t.size)), (x) => sign * h * x)
        return tf.tidy(() => tf.add(t, tf.tensor(dv, t.shape)))
      })
      const g = grad(shifted)
      const out = flat(g)
      tf.dispose([...shifted, ...g])
      return out
    }
    const plus = at(1)
    const minus = at(-1)
    return plus.map((p, i) => (p - minus[i]!) / (2 * h))
  }
}

export interface PowerOptions {
  readonly iterations: number
  /** Stop when |λ_k − λ_{k−1}| ≤ tol·|λ_k| (1e-3). */
  readonly tol?: number
  /** Start vector: N(0, 1) from this seed. */
  readonly seed?: number
}

/**
 * Power iteration v ← Hv/‖Hv‖ with the Rayleigh quotient λ = vᵀHv. It finds the eigenvalue of largest
 * magnitude; when that is negative, a second run on H − λ·I finds the largest (algebraic) one.
 */
export function powerIteration(hvp: Hvp, n: number, opts: PowerOptions): { value: number; iterations: number } {
  const tol = opts.tol ?? 1e-3
  // `offset`: the shift added back, so the tolerance is relative to the eigenvalue reported.
  const run = (op: Hvp, offset: number): { value: number; iterations: number } => {
    const rng = new Rng(opts.seed ?? 1)
    let v = Float64Array.from({ length: n }, () => rng.normal())
    let nv = norm(v)
    v = v.map((x) => x / nv)
    let lambda = NaN
    let k = 0
    while (k < opts.iterations) {
      k += 1
      const hv = op(v)
      const next = dot(v, hv)
      const converged = Math.abs(next - lambda) <= tol * Math.abs(next + offset)
      lambda = next
      nv = norm(hv)
      if (converged || nv === 0) break
      v = hv.map((x) => x / nv)
    }
    return { value: lambda, iterations: k }
  }
  const first = run(hvp, 0)
  if (!(first.value < 0)) return first
  const shift = first.value
  const second = run((v) => hvp(v).map((x, i) => x - shift * v[i]!), shift)
  return { value: second.value + shift, iterations: first.iterations + second.iterations }
}

/**
 * The whole Hessian from basis HVPs (column j = H·e_j), symmetrised (H + Hᵀ)/2, row-major n×n, and the
 * relative asymmetry ‖H − Hᵀ‖/(2‖H‖) of the raw columns (a check on the finite differences).
 */
export function fullHessian(hvp: Hvp, n: number): { H: Float64Array; asymmetry: number } {
  const H = new Float64Array(n * n)
  const e = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    e[j] = 1
    const col = hvp(e)
    e[j] = 0
    for (let i = 0; i < n; i++) H[i * n + j] = col[i]!
  }
  let [diff, total] = [0, 0]
  for (let i = 0; i < n; i++) {
    total += H[i * n + i]! ** 2
    for (let j = i + 1; j < n; j++) {
      const m = (H[i * n + j]! + H[j * n + i]!) / 2
      diff += 2 * (H[i * n + j]! - m) ** 2
      total += H[i * n + j]! ** 2 + H[j * n + i]! ** 2
      H[i * n + j] = m
      H[j * n + i] = m
    }
  }
  return { H, asymmetry: total > 0 ? Math.sqrt(diff / total) : 0 }
}

/**
 * Eigenvalues of a symmetric n×n matrix (row-major), ascending: cyclic Jacobi rotations until the
 * off-diagonal mass is below 1e-22 of the total (or 100 sweeps). O(n³) a sweep; 224×224 takes well under a second.
 */
export function symmetricEigenvalues(A: ArrayLike<number>, n: number): number[] {
  const a = Float64Array.from(A)
  const total = a.reduce((s, x) => s + x * x, 0)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q]! ** 2
    if (off <= 1e-22 * total || off === 0) break
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!
        if (apq === 0) continue
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq)
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        // A ← PᵀAP with the rotation in the (p, q) plane: columns, then rows.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!
          const akq = a[k * n + q]!
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!
          const aqk = a[q * n + k]!
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
      }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]!).sort((x, y) => x - y)
}

export interface LambdaMax {
  readonly value: number
  /** HVPs spent (power iterations, or n for the full Hessian). */
  readonly hvps: number
  /** 'full' only: relative asymmetry of the finite-difference Hessian before symmetrising. */
  readonly asymmetry?: number
}

/** λ_max of the operator by the configured method. */
export function dominantEigenvalue(hvp: Hvp, n: number, method: 'power' | 'full', iterations: number, seed = 1): LambdaMax {
  if (method === 'full') {
    const { H, asymmetry } = fullHessian(hvp, n)
    return { value: symmetricEigenvalues(H, n).at(-1)!, hvps: n, asymmetry }
  }
  const r = powerIteration(hvp, n, { iterations, tol: 1e-3, seed })
  return { value: r.value, hvps: r.iterations }
}

/** λ_max of ∇²_arch L on batch b at the searcher's current weights and α (without any weight-decay term). */
export function archHessianLambda(
  s: Pick<SearcherView, 'ctx' | 'method' | 'state'>,
  b: Batch,
  method: 'power' | 'full',
  iterations: number,
  seed = 1,
): LambdaMax {
  const ctx = s.ctx('eval')
  const grad = (arch: tf.Tensor[]): tf.Tensor[] => {
    const r = alphaGrads(s.method, s.state.weights, arch as tf.Tensor2D[], b, ctx, false)
    r.loss.dispose()
    return r.grads
  }
  const n = s.state.arch.reduce((k, a) => k + a.size, 0)
  return dominantEigenvalue(finiteDifferenceHvp(grad, s.state.arch), n, method, iterations, seed)
}
