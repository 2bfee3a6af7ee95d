/**
 * DARTS's 3×3 pools with PyTorch semantics (METHODS.md §6.2): padding 1, stride 1 or 2, output
 * floor((H − 1)/s) + 1.
 */
import * as tf from '@tensorflow/tfjs-core'
import { cachedConstant } from './constants'
import { padHW } from './conv'
import { tidyGrad } from './customGrad'

/** PyTorch's `floor((H + 2·1 − 3)/s) + 1` for the 3×3 pools. */
export const poolOutputSize = (size: number, stride: number): number => Math.floor((size - 1) / stride) + 1

/**
 * `MaxPool2d(3, stride, padding=1)`. The padding is TF.js's explicit numeric padding (symmetric, like
 * PyTorch's), which both the forward and MaxPoolGrad treat as −∞ (checked on all-negative inputs).
 * We do not materialise a −∞ (or huge negative) border: the shift-based wasm MaxPoolGrad fix of
 * REPORT §6.5 (x − min(x) + 1) would turn −∞ into NaN and a −1e30 border into ties.
 */
export function maxPool3x3(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  // Core's MaxPool gradient saves x and the output y; the cpu kernel and the wasm pack's MaxPoolGrad read
  // only x, so on those the output is not kept (it would stay alive until the backward ends).
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, save] = args as [tf.Tensor4D, tf.GradSaveFunc]
    const value = tf.maxPool(xIn, 3, stride, 1)
    const readsOutput = !XONLY_MAXPOOL_GRAD.includes(tf.getBackend())
    save(readsOutput ? [xIn, value] : [xIn])
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sy] = saved as [tf.Tensor4D, tf.Tensor4D | undefined]
      const attrs = { filterSize: 3, strides: stride, pad: 1 }
      return tf.engine().runKernel('MaxPoolGrad', { dy, input: sx, output: sy ?? sx }, attrs) as tf.Tensor
    }
    return { value, gradFunc: tidyGrad(gradFunc) }
  })
  return op(x) as tf.Tensor4D
}

/** Backends whose MaxPoolGrad reads only the input (cpu; wasm with the project's kernel pack). */
const XONLY_MAXPOOL_GRAD = ['cpu', 'wasm']

/** Backends whose AvgPoolGrad divides by the full window everywhere, padded or not (REPORT §6.4). */
const FULL_WINDOW_AVGPOOL_GRAD = ['cpu', 'wasm']

/**
 * 9 / (number of real pixels in each window), `[1, Ho, Wo, 1]`: what turns a sum over the
 * zero-padded window into PyTorch's count_include_pad=False average.
 */
export function avgPoolCountMap(H: number, W: number, stride: number): tf.Tensor4D {
  return cachedConstant(`avgPool3x3:${H}x${W}/${stride}`, () => {
    const [Ho, Wo] = [poolOutputSize(H, stride), poolOutputSize(W, stride)]
    const inside = (c: number, n: number) => Math.min(c + 1, n - 1) - Math.max(c - 1, 0) + 1
    const values = new Float32Array(Ho * Wo)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++) values[i * Wo + j] = 9 / (inside(i * stride, H) * inside(j * stride, W))
    return tf.tensor4d(values, [1, Ho, Wo, 1])
  })
}

/**
 * `AvgPool2d(3, stride, padding=1, count_include_pad=False)`. TF.js's padded avgPool excludes the pad
 * in the forward but its AvgPoolGrad divides by 9 everywhere (REPORT §6.4), so we zero-pad, pool with
 * 'valid' (an exact 1/9 average whose gradient is right) and rescale by the constant 9/count map;
 * both forward and gradient then match PyTorch. `weight` (a scalar, e.g. the mixed op's softmax
 * weight) is folded into the Ho×Wo map instead of multiplying the full output.
 */
export function avgPool3x3(x: tf.Tensor4D, stride: number, weight?: tf.Tensor): tf.Tensor4D {
  const [, H, W] = x.shape
  if (FULL_WINDOW_AVGPOOL_GRAD.includes(tf.getBackend())) {
    const y = avgPoolExcludePad(x, stride)
    return weight ? (tf.mul(y, weight) as tf.Tensor4D) : y
  }
  let map: tf.Tensor = avgPoolCountMap(H, W, stride)
  if (weight) map = tf.mul(map, weight)
  return tf.mul(tf.avgPool(padHW(x, 1), 3, stride, 'valid'), map) as tf.Tensor4D
}

/**
 * The padded avgPool forward already excludes the pad (count_include_pad=False); only its gradient is
 * wrong. With AvgPoolGrad dividing by 9 everywhere, the exact gradient is AvgPoolGrad(dy · 9/count):
 * no pad copy, no full-size multiply in the forward, and nothing but x (kept by its other users) saved.
 */
function avgPoolExcludePad(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [, H, W] = x.shape
  const map = avgPoolCountMap(H, W, stride)
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, save] = args as [tf.Tensor4D, tf.GradSaveFunc]
    save([xIn])
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const dyScaled = tf.mul(dy, map)
      const attrs = { filterSize: 3, strides: stride, pad: 1 }
      return tf.engine().runKernel('AvgPoolGrad', { dy: dyScaled, input: saved[0]! }, attrs) as tf.Tensor
    }
    return { value: tf.avgPool(xIn, 3, stride, 1), gradFunc: tidyGrad(gradFunc) }
  })
  return op(x) as tf.Tensor4D
}
