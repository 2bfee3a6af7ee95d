/**
 * Architecture parameters α: one `[edges, ops]` logit matrix per cell type (METHODS.md §2.2). The
 * forward pass applies the row-wise softmax; α itself stays unnormalised.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../core/rng'

/**
 * DARTS's code draws `1e-3 · randn` (`model_search.py`); the paper says zeros (App. A.1.1). The run
 * metadata records which one was used.
 */
export type AlphaInit = 'randn1e-3' | 'zeros'

export function initAlphas(edges: number, numOps: number, rng: Rng, init: AlphaInit = 'randn1e-3'): tf.Tensor2D {
  const values = new Float32Array(edges * numOps)
  if (init === 'randn1e-3') for (let i = 0; i < values.length; i++) values[i] = 1e-3 * rng.normal()
  else if (init !== 'zeros') throw new Error(`Unknown alpha init "${String(init)}"; valid: randn1e-3, zeros`)
  return tf.tensor2d(values, [edges, numOps])
}

/**
 * softmax(α) split into one scalar per (edge, op): the mixed ops fold these into their last BN. Must
 * run inside the caller's tidy/tape so the softmax's gradient reaches α.
 */
export function mixingWeights(alphas: tf.Tensor2D, edges: number, numOps: number): tf.Scalar[][] {
  const [rows, cols] = alphas.shape
  if (rows !== edges || cols !== numOps) throw new Error(`α must have shape [${edges}, ${numOps}], got [${alphas.shape}]`)
  return tf.unstack(tf.softmax(alphas)).map((row) => tf.unstack(row) as tf.Scalar[])
}
