/**
 * PyTorch `BatchNorm2d` over NHWC (METHODS.md §6.3): eps 1e-5, batch statistics in training with the
 * biased variance, running statistics in eval.
 *
 * Training BN is ONE `tf.customGrad` op: `tf.batchNorm` without scale/offset crashes under the tape
 * (REPORT §6.3), and autodiff through moments is Tile-heavy and keeps several full-size tensors alive
 * (REPORT §5 item 2). The custom backward keeps only x̂ and rstd.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BnUpdate } from '../types'
import { tidyGrad } from './customGrad'

export const BN_EPS = 1e-5
/** PyTorch's default: running = (1 − momentum)·running + momentum·batch. */
export const BN_MOMENTUM = 0.1

const AXES = [0, 1, 2]

/**
 * Optional fused kernels a backend pack may register (src/engine/backends/wasm/batchNorm.ts):
 * BN_TRAIN_KERNEL x → [x̂, mean, variance, rstd]; BN_GRAD_KERNEL (dy, x̂, k) → [dx, Σdy, Σdy·x̂].
 * Without them the same math runs as plain ops.
 */
export const BN_TRAIN_KERNEL = 'HdartsBatchNormTrain'
export const BN_GRAD_KERNEL = 'HdartsBatchNormGrad'
const hasKernel = (name: string): boolean => tf.getKernel(name, tf.getBackend()) != null

export interface BatchNormTrainResult {
  readonly y: tf.Tensor4D
  /** Batch mean and biased variance `[C]`, kept (caller disposes); only when `keepStats` was set. */
  readonly mean?: tf.Tensor1D
  readonly variance?: tf.Tensor1D
}

/** Sums `[N,H,W,C]` over N,H,W down to the shape of `gamma` (`[C]`, or `[]` for a folded scalar). */
const sumToGammaShape = (t: tf.Tensor, gamma: tf.Tensor): tf.Tensor => (gamma.rank === 0 ? tf.sum(t) : tf.sum(t, AXES))

/**
 * y = x̂·γ + β with x̂ normalised by the batch statistics. γ may be `[C]` or a scalar (the mixed op's
 * softmax weight folded into a non-affine BN); β is `[C]` and needs γ.
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma?: tf.Tensor,
  beta?: tf.Tensor,
  keepStats = false,
  eps = BN_EPS,
): BatchNormTrainResult {
  if (beta && !gamma) throw new Error('batchNormTrain: beta needs gamma')
  const M = x.shape[0] * x.shape[1] * x.shape[2]
  let mean: tf.Tensor1D | undefined
  let variance: tf.Tensor1D | undefined
  const inputs: tf.Tensor[] = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])]
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc
    const xIn = args[0] as tf.Tensor4D
    const g = gamma ? (args[1] as tf.Tensor) : undefined
    const b = beta ? (args[2] as tf.Tensor) : undefined
    // customGrad runs f inside a tidy and off the tape: intermediates die here unless saved or kept.
    const fused = hasKernel(BN_TRAIN_KERNEL) && hasKernel(BN_GRAD_KERNEL)
    let m: tf.Tensor1D
    let v: tf.Tensor1D
    let rstd: tf.Tensor1D
    let xhat: tf.Tensor4D
    if (fused) {
      ;[xhat, m, v, rstd] = tf.engine().runKernel(BN_TRAIN_KERNEL, { x: xIn }, { eps }) as [
        tf.Tensor4D,
        tf.Tensor1D,
        tf.Tensor1D,
        tf.Tensor1D,
      ]
    } else {
      m = tf.mean(xIn, AXES) as tf.Tensor1D
      const xc = tf.sub(xIn, m)
      v = tf.mean(tf.square(xc), AXES) as tf.Tensor1D
      rstd = tf.rsqrt(tf.add(v, eps))
      xhat = tf.mul(xc, rstd) as tf.Tensor4D
    }
    let value: tf.Tensor4D = xhat
    if (g) value = tf.mul(value, g)
    if (b) value = tf.add(value, b)
    if (keepStats) {
      mean = tf.keep(m)
      variance = tf.keep(v)
    }
    save(g ? [xhat, rstd, g] : [xhat, rstd])
    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sr, sg] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor | undefined]
      // dx = γ·rstd·(dy − mean(dy) − x̂·mean(dy·x̂)), with the per-channel factors formed on [C] vectors
      // so that only three full-size ops remain.
      const k = sg ? tf.mul(sr, sg) : sr
      if (fused) {
        const [dx, sumDy, sumDyXhat] = tf.engine().runKernel(BN_GRAD_KERNEL, { dy, xhat: sx, k }, {}) as tf.Tensor[]
        const grads: tf.Tensor[] = [dx!]
        if (sg) grads.push(sg.rank === 0 ? tf.sum(sumDyXhat!) : sumDyXhat!)
        if (b) grads.push(sumDy!)
        return grads
      }
      const sumDy = tf.sum(dy, AXES)
      const dyXhat = tf.mul(dy, sx)
      const sumDyXhat = tf.sum(dyXhat, AXES)
      const c1 = tf.mul(k, tf.div(sumDy, M))
      const c2 = tf.mul(k, tf.div(sumDyXhat, M))
      const dx = tf.sub(tf.mul(dy, k), tf.add(tf.mul(sx, c2), c1))
      const grads: tf.Tensor[] = [dx]
      if (sg) grads.push(sumToGammaShape(dyXhat, sg))
      if (b) grads.push(sumDy)
      return grads
    }
    return { value, gradFunc: tidyGrad(gradFunc as never) }
  })
  const y = op(...inputs) as tf.Tensor4D
  return mean && variance ? { y, mean, variance } : { y }
}

/**
 * Eval BN with running statistics: an affine map per channel, folded into one scale and one shift
 * on `[C]` vectors before touching the full tensor. Plain ops, so autodiff is fine here.
 */
export function batchNormEval(
  x: tf.Tensor4D,
  runningMean: tf.Tensor,
  runningVar: tf.Tensor,
  gamma?: tf.Tensor,
  beta?: tf.Tensor,
  eps = BN_EPS,
): tf.Tensor4D {
  return tf.tidy(() => {
    let scale: tf.Tensor = tf.rsqrt(tf.add(runningVar, eps))
    if (gamma) scale = tf.mul(scale, gamma)
    let shift: tf.Tensor = tf.neg(tf.mul(runningMean, scale))
    if (beta) shift = tf.add(shift, beta)
    return tf.add(tf.mul(x, scale), shift) as tf.Tensor4D
  })
}

/**
 * Folds one training step's batch statistics into running statistics the way PyTorch does:
 * the running variance takes the unbiased batch variance (n/(n−1)), normalisation used the biased one.
 */
export function applyBnUpdate(
  running: { mean: tf.Variable; variance: tf.Variable },
  update: BnUpdate,
  momentum = BN_MOMENTUM,
): void {
  tf.tidy(() => {
    const unbiased = update.count > 1 ? tf.mul(update.variance, update.count / (update.count - 1)) : update.variance
    running.mean.assign(tf.add(tf.mul(running.mean, 1 - momentum), tf.mul(update.mean, momentum)))
    running.variance.assign(tf.add(tf.mul(running.variance, 1 - momentum), tf.mul(unbiased, momentum)))
  })
}

/** Disposes the kept statistics of a list of updates (after `applyBnUpdate`, or when they are unused). */
export function disposeBnUpdates(updates: readonly BnUpdate[]): void {
  for (const u of updates) {
    u.mean.dispose()
    u.variance.dispose()
  }
}
