/**
 * Training-mode BatchNorm as two kernels for wasm — why: composed from stock kernels, one BN forward and
 * backward is ~20 kernel calls (Mean over NHWC axes [0,1,2] transposes first, REPORT §6.6), each with its
 * own full-size pass and per-call overhead. These are tight JS loops over the wasm heap: three passes
 * forward (shifted float64 sums for mean and variance, then x̂) and two backward.
 *
 *  - BN_TRAIN_KERNEL: x → [x̂, mean, biased variance, rstd]
 *  - BN_GRAD_KERNEL: (dy, x̂, k = rstd·γ per channel) → [dx, Σdy, Σdy·x̂] with
 *    dx = k·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core'
import { BN_GRAD_KERNEL, BN_TRAIN_KERNEL } from '../../ops/batchNorm'
import { asWasm, input, type KernelArgs } from './util'

const f32 = (b: ReturnType<typeof asWasm>, info: TensorInfo): Float32Array => b.typedArrayFromHeap(info) as Float32Array

function bnTrain({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const b = asWasm(backend)
  const x = input(inputs, 'x', BN_TRAIN_KERNEL)
  const eps = Number((attrs as { eps?: number }).eps ?? 1e-5)
  const C = x.shape[x.shape.length - 1]!
  const outs = [b.makeOutput(x.shape, 'float32'), ...[0, 1, 2].map(() => b.makeOutput([C], 'float32'))] as const
  // Views only after the last allocation: growing the heap detaches earlier ones.
  const [xv, xh, mv, vv, rv] = [f32(b, x), ...outs.map((o) => f32(b, o))] as Float32Array[]
  const n = xv!.length
  const M = n / C
  // Channel by channel over a stride-C walk (faster in V8 than one pass with per-channel accumulators).
  // Sums are shifted by the channel's first value, so one float64 pass gives mean and variance stably.
  for (let c = 0; c < C; c++) {
    const K = xv![c]!
    let s1 = 0
    let s2 = 0
    for (let i = c; i < n; i += C) {
      const d = xv![i]! - K
      s1 += d
      s2 += d * d
    }
    const dm = s1 / M
    const v = Math.max(0, s2 / M - dm * dm)
    const mean = K + dm
    const rstd = 1 / Math.sqrt(v + eps)
    mv![c] = mean
    vv![c] = v
    rv![c] = rstd
    for (let i = c; i < n; i += C) xh![i] = (xv![i]! - mean) * rstd
  }
  return [...outs]
}

function bnGrad({ inputs, backend }: KernelArgs): TensorInfo[] {
  const b = asWasm(backend)
  const dy = input(inputs, 'dy', BN_GRAD_KERNEL)
  const xhat = input(inputs, 'xhat', BN_GRAD_KERNEL)
  const k = input(inputs, 'k', BN_GRAD_KERNEL)
  const C = xhat.shape[xhat.shape.length - 1]!
  const outs = [b.makeOutput(xhat.shape, 'float32'), b.makeOutput([C], 'float32'), b.makeOutput([C], 'float32')] as const
  const [dyv, xv, kv, dxv, sdv, sxv] = [f32(b, dy), f32(b, xhat), f32(b, k), ...outs.map((o) => f32(b, o))] as Float32Array[]
  const n = xv!.length
  const M = n / C
  for (let c = 0; c < C; c++) {
    let sDy = 0
    let sDyX = 0
    for (let i = c; i < n; i += C) {
      const g = dyv![i]!
      sDy += g
      sDyX += g * xv![i]!
    }
    sdv![c] = sDy
    sxv![c] = sDyX
    const k = kv!.length === 1 ? kv![0]! : kv![c]!
    const c1 = (k * sDy) / M
    const c2 = (k * sDyX) / M
    for (let i = c; i < n; i += C) dxv![i] = k * dyv![i]! - xv![i]! * c2 - c1
  }
  return [...outs]
}

export const bnTrainConfig: KernelConfig = { kernelName: BN_TRAIN_KERNEL, backendName: 'wasm', kernelFunc: bnTrain }
export const bnGradConfig: KernelConfig = { kernelName: BN_GRAD_KERNEL, backendName: 'wasm', kernelFunc: bnGrad }
