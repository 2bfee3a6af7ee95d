// Shared test helpers: seeded tensors, a finite-difference gradient check and plain-loop references
// of the PyTorch layers (NHWC, float64) that the TF.js ops are compared with.
import * as tf from '@tensorflow/tfjs-core'
// tfjs-core's Node build registers no gradients; the umbrella bundle registers all of them (as
// src/engine/backends/init.ts does for the app).
import '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-cpu'
import { Rng } from '../../../src/core/rng'
import { contextFromWeights, initWeights, type Op, ParamScope } from '../../../src/engine/ops/index'
import type { ForwardOptions } from '../../../src/engine/types'

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu')
}

export const randn = (shape: number[], rng: Rng, scale = 1): tf.Tensor =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()),
    shape,
  )

export const randn4 = (shape: [number, number, number, number], rng: Rng, scale = 1): tf.Tensor4D =>
  randn(shape, rng, scale) as tf.Tensor4D

/** Distinct values 0.1 apart in random order: no max-pool ties and no argmax flips under small perturbations. */
export function distinct4(shape: [number, number, number, number], rng: Rng, offset = 0): tf.Tensor4D {
  const n = shape.reduce((a, b) => a * b, 1)
  const idx = Array.from({ length: n }, (_, i) => i)
  rng.shuffle(idx)
  return tf.tensor4d(
    Float32Array.from(idx, (i) => offset + 0.1 * i),
    shape,
  )
}

export const values = (t: tf.Tensor): number[] => Array.from(t.dataSync())

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

export interface GradCheck {
  analytic: number
  numeric: number
  relError: number
}

/**
 * Central finite differences in one random unit direction per input. The checked function is the
 * scalar f = Σ y·R for the tensor y = fy(...xs) and a fixed random R (so BN outputs, whose plain sum
 * is constant, still have non-zero gradients): ⟨∇_i f, v⟩ from tf.grads against
 * (f(x_i + εv) − f(x_i − εv)) / 2ε, with Σ y·R accumulated in float64 so that only y's own float32
 * rounding remains.
 *
 * Error = |analytic − numeric| / max(|analytic|, |numeric|, ‖∇_i f‖/√n_i).
 *
 * ε = 1e-3 by default: after a train-mode BN over a few pixels, a weight step of 1e-2 already pushes
 * many activations across ReLU kinks (a float64 reference put the ε = 1e-2 quotient 30 % off in such
 * a direction, converging at 1e-3). Piecewise-linear ops without BN can use 1e-2; `epsilon` may be
 * given per input.
 */
export function gradCheck(
  fy: (...xs: tf.Tensor[]) => tf.Tensor,
  xs: tf.Tensor[],
  seed: number,
  epsilon: number | readonly number[] = 1e-3,
): GradCheck[] {
  const rng = new Rng(seed)
  const R = tf.tidy(() => randn(fy(...xs).shape, rng))
  const Rd = Float64Array.from(R.dataSync())
  const f = (...args: tf.Tensor[]) => {
    const y = tf.tidy(() => fy(...args))
    const data = y.dataSync()
    y.dispose()
    let sum = 0
    for (let k = 0; k < data.length; k++) sum += data[k]! * Rd[k]!
    return sum
  }
  const grads = tf.tidy(() => tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(fy(...args), R)) as tf.Scalar)(xs))
  const out = xs.map((x, i) => {
    const eps = typeof epsilon === 'number' ? epsilon : epsilon[i]!
    const v = tf.tidy(() => {
      const r = randn(x.shape, rng)
      return tf.div(r, tf.norm(r))
    })
    const at = (sign: number) => {
      const shifted = tf.add(x, tf.mul(v, sign * eps))
      const value = f(...xs.map((y, k) => (k === i ? shifted : y)))
      shifted.dispose()
      return value
    }
    const numeric = (at(1) - at(-1)) / (2 * eps)
    const analytic = tf.tidy(() => tf.sum(tf.mul(grads[i]!, v))).dataSync()[0]!
    // ‖∇‖/√n is the typical size of ⟨∇, v⟩ for a random unit v: a direction that happens to be nearly
    // orthogonal to ∇ must not turn float32 round-off into a large relative error.
    const typical = tf.tidy(() => tf.norm(grads[i]!)).dataSync()[0]! / Math.sqrt(x.size)
    v.dispose()
    const relError = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), typical, 1e-6)
    return { analytic, numeric, relError }
  })
  tf.dispose([...grads, R])
  return out
}

/** Runs `op` on x with its own weights (in `op.params` order) and an optional folded weight. */
export function runOp(op: Op, x: tf.Tensor4D, weights: readonly tf.Tensor[], opts: ForwardOptions, mix?: tf.Tensor): tf.Tensor4D {
  const scope = new ParamScope(contextFromWeights(op.params, weights, opts))
  return op.apply(x, scope, mix)
}

export const opWeights = (op: Op, seed: number): tf.Tensor[] => initWeights(op.params, new Rng(seed))

// ---- plain-loop references (NHWC, float64) ----

export interface Arr4 {
  data: Float64Array
  shape: [number, number, number, number]
}

export const arr4 = (t: tf.Tensor): Arr4 => ({ data: Float64Array.from(t.dataSync()), shape: t.shape as Arr4['shape'] })
const at4 = (a: Arr4, n: number, h: number, w: number, c: number) =>
  a.data[((n * a.shape[1] + h) * a.shape[2] + w) * a.shape[3] + c]!

export interface ConvOpts {
  stride?: [number, number]
  pad?: [number, number]
  dilation?: [number, number]
  /** groups = C_in with W `[kh, kw, C, 1]` (depthwise). */
  depthwise?: boolean
}

/** PyTorch Conv2d(bias=False) semantics with W in TF layout `[kh, kw, C_in, C_out]` (or `[kh, kw, C, 1]` depthwise). */
export function refConv(x: Arr4, W: Arr4, o: ConvOpts = {}): Arr4 {
  const [sh, sw] = o.stride ?? [1, 1]
  const [ph, pw] = o.pad ?? [0, 0]
  const [dh, dw] = o.dilation ?? [1, 1]
  const [N, H, Wd, C] = x.shape
  const [kh, kw, , Cw] = W.shape
  const Cout = o.depthwise ? C : Cw
  const Ho = Math.floor((H + 2 * ph - dh * (kh - 1) - 1) / sh) + 1
  const Wo = Math.floor((Wd + 2 * pw - dw * (kw - 1) - 1) / sw) + 1
  const out: Arr4 = { data: new Float64Array(N * Ho * Wo * Cout), shape: [N, Ho, Wo, Cout] }
  for (let n = 0; n < N; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let co = 0; co < Cout; co++) {
          let s = 0
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) {
              const [r, c] = [i * sh - ph + a * dh, j * sw - pw + b * dw]
              if (r < 0 || r >= H || c < 0 || c >= Wd) continue
              if (o.depthwise) s += at4(x, n, r, c, co) * at4(W, a, b, co, 0)
              else for (let ci = 0; ci < C; ci++) s += at4(x, n, r, c, ci) * at4(W, a, b, ci, co)
            }
          out.data[((n * Ho + i) * Wo + j) * Cout + co] = s
        }
  return out
}

/** 3×3 pool, padding 1; avg with count_include_pad=False. */
export function refPool(x: Arr4, kind: 'max' | 'avg', stride: number): Arr4 {
  const [N, H, W, C] = x.shape
  const [Ho, Wo] = [Math.floor((H - 1) / stride) + 1, Math.floor((W - 1) / stride) + 1]
  const out: Arr4 = { data: new Float64Array(N * Ho * Wo * C), shape: [N, Ho, Wo, C] }
  for (let n = 0; n < N; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let c = 0; c < C; c++) {
          let [acc, count] = [kind === 'max' ? -Infinity : 0, 0]
          for (let r = i * stride - 1; r <= i * stride + 1; r++)
            for (let q = j * stride - 1; q <= j * stride + 1; q++) {
              if (r < 0 || r >= H || q < 0 || q >= W) continue
              const v = at4(x, n, r, q, c)
              acc = kind === 'max' ? Math.max(acc, v) : acc + v
              count++
            }
          out.data[((n * Ho + i) * Wo + j) * C + c] = kind === 'max' ? acc : acc / count
        }
  return out
}

/** Training-mode BN (biased variance, eps 1e-5), no affine. */
export function refBnTrain(x: Arr4, eps = 1e-5): Arr4 {
  const [N, H, W, C] = x.shape
  const M = N * H * W
  const out: Arr4 = { data: new Float64Array(x.data.length), shape: x.shape }
  for (let c = 0; c < C; c++) {
    let [s, s2] = [0, 0]
    for (let p = 0; p < M; p++) s += x.data[p * C + c]!
    const mean = s / M
    for (let p = 0; p < M; p++) s2 += (x.data[p * C + c]! - mean) ** 2
    const rstd = 1 / Math.sqrt(s2 / M + eps)
    for (let p = 0; p < M; p++) out.data[p * C + c] = (x.data[p * C + c]! - mean) * rstd
  }
  return out
}

export const refRelu = (x: Arr4): Arr4 => ({ data: x.data.map((v) => Math.max(v, 0)), shape: x.shape })

/** `x[:, r0::s, c0::s, :]` */
export function refSubsample(x: Arr4, s: number, r0 = 0, c0 = 0): Arr4 {
  const [N, H, W, C] = x.shape
  const [Ho, Wo] = [Math.ceil((H - r0) / s), Math.ceil((W - c0) / s)]
  const out: Arr4 = { data: new Float64Array(N * Ho * Wo * C), shape: [N, Ho, Wo, C] }
  for (let n = 0; n < N; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++)
        for (let c = 0; c < C; c++) out.data[((n * Ho + i) * Wo + j) * C + c] = at4(x, n, r0 + i * s, c0 + j * s, c)
  return out
}

export function refConcat(a: Arr4, b: Arr4): Arr4 {
  const [N, H, W, Ca] = a.shape
  const Cb = b.shape[3]
  const out: Arr4 = { data: new Float64Array(N * H * W * (Ca + Cb)), shape: [N, H, W, Ca + Cb] }
  for (let p = 0; p < N * H * W; p++) {
    for (let c = 0; c < Ca; c++) out.data[p * (Ca + Cb) + c] = a.data[p * Ca + c]!
    for (let c = 0; c < Cb; c++) out.data[p * (Ca + Cb) + Ca + c] = b.data[p * Cb + c]!
  }
  return out
}
