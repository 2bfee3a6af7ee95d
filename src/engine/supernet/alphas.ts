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

/** A mixing matrix split into one scalar per (edge, op) for the mixed ops. Runs inside the caller's tidy/tape. */
export function unstackMixing(weights: tf.Tensor2D, edges: number, numOps: number): tf.Scalar[][] {
  const [rows, cols] = weights.shape
  if (rows !== edges || cols !== numOps)
    throw new Error(`mixing weights must have shape [${edges}, ${numOps}], got [${weights.shape}]`)
  return tf.unstack(weights).map((row) => tf.unstack(row) as tf.Scalar[])
}

/** DARTS's parametrization: row-wise softmax(α) for both cell types. */
export const softmaxMixing = (alphas: {
  normal: tf.Tensor2D
  reduce: tf.Tensor2D
}): { normal: tf.Tensor2D; reduce: tf.Tensor2D } => ({
  normal: tf.softmax(alphas.normal),
  reduce: tf.softmax(alphas.reduce),
})
