/** Global gradient-norm clipping as `torch.nn.utils.clip_grad_norm_` (one norm over all tensors). */
import * as tf from '@tensorflow/tfjs-core'

/** Returns the pre-clipping norm and the clipped gradients (new tensors; the inputs are left alone). */
export function clipByGlobalNorm(grads: readonly tf.Tensor[], maxNorm: number): { norm: number; grads: tf.Tensor[] } {
  const norm = globalNorm(grads)
  const coef = maxNorm / (norm + 1e-6)
  if (coef >= 1) return { norm, grads: grads.map((g) => g.clone()) }
  return { norm, grads: grads.map((g) => tf.tidy(() => tf.mul(g, coef))) }
}

export function globalNorm(grads: readonly tf.Tensor[]): number {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))))).dataSync()[0]! // one sync per step
}
