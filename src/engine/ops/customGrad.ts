/**
 * Memory discipline for `tf.customGrad` backwards (TF.js 4.22 engine behaviour):
 *  - the engine calls a customGrad's gradFunc eagerly and outside any tidy, so every intermediate it
 *    creates lives until the whole backward pass ends (registered gradients run inside a tidy);
 *  - tensors saved for the backward are freed only when the backward pass ends, although each is read
 *    by exactly one gradFunc.
 * `tidyGrad` runs the gradFunc in a tidy and frees its saved tensors as soon as it has used them, when
 * that is safe: in a first-order backward (gradientDepth 0, the engine frees them right after anyway).
 * Under a higher-order gradient the tape may run again, so the saved tensors are left to the engine.
 *
 * It also frees `dy` once used: the engine keeps every node's output gradient until the backward ends
 * (about as much memory again as all saved activations). dy is freed only when it was allocated by this
 * backward pass (not a caller's dy) and is not itself returned. Clones share buffers, so freeing one
 * tensor object never frees data another still references.
 */
import * as tf from '@tensorflow/tfjs-core'

export type GradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[]

/** True while the outermost gradient's backward pass runs (no enclosing tape records). */
export const inFirstOrderBackward = (): boolean => tf.engine().state.gradientDepth === 0

export function tidyGrad(gradFunc: GradFunc): GradFunc {
  return (dy, saved) => {
    flushPending()
    const out = tf.tidy(() => gradFunc(dy, saved))
    if (inFirstOrderBackward()) {
      for (const t of saved) t.dispose()
      const outs = Array.isArray(out) ? out : [out]
      if (ownedByBackward(dy) && !outs.includes(dy)) dy.dispose()
    }
    return out
  }
}

/** dy was created inside the running backward pass (tf.tidy scope 'backward' of engine.gradients). */
function ownedByBackward(dy: tf.Tensor): boolean {
  const scope = (tf.engine().state as unknown as { activeScope?: { id: number; name: string } | null }).activeScope
  return scope?.name === 'backward' && (dy as unknown as { scopeId?: number }).scopeId === scope.id && !dy.kept
}

interface KernelFuncParams {
  forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor
  backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, () => tf.Tensor>
  inputs: Record<string, tf.Tensor>
}

/** Saved tensors and dy of the last lazily differentiated node: freed when the next node's backward starts. */
let pending: tf.Tensor[] = []

function flushPending(): void {
  for (const t of pending) t.dispose()
  pending = []
}

/**
 * A one-output op with an explicit backward, like tf.customGrad but with one lazy gradient per input:
 * the engine asks only for the inputs on a path from the differentiated tensors, so e.g. the α-gradient
 * pass skips every filter gradient (a customGrad computes them all). Built on the engine's
 * `runKernelFunc`, which tf.customGrad itself uses (tfjs-core 4.22). `save(inputs, value)` picks what the
 * backward reads.
 *
 * Memory as tidyGrad: in a first-order backward, this node's saved tensors and dy (when owned by the
 * backward) are freed as soon as the next node's backward starts, after all of this node's gradients.
 */
export function withGrad(
  inputs: tf.Tensor[],
  forward: (xs: tf.Tensor[]) => tf.Tensor,
  save: (xs: tf.Tensor[], value: tf.Tensor) => tf.Tensor[],
  grads: (dy: tf.Tensor, saved: tf.Tensor[]) => (() => tf.Tensor)[],
): tf.Tensor {
  const inputMap: Record<string, tf.Tensor> = {}
  inputs.forEach((t, i) => (inputMap[i] = t))
  const params: KernelFuncParams = {
    inputs: inputMap,
    forwardFunc: (_backend, saveFn) => {
      const value = forward(inputs)
      saveFn(save(inputs, value))
      return value
    },
    backwardsFunc: (dy, saved) => {
      flushPending()
      if (inFirstOrderBackward()) {
        pending = [...saved]
        if (ownedByBackward(dy)) pending.push(dy)
      }
      const fs = grads(dy, saved)
      const out: Record<string, () => tf.Tensor> = {}
      fs.forEach((f, i) => (out[i] = f))
      return out
    },
  }
  const engine = tf.engine() as unknown as { runKernelFunc?: (p: KernelFuncParams) => tf.Tensor }
  if (typeof engine.runKernelFunc !== 'function') throw new Error('withGrad needs tfjs-core 4.x (engine.runKernelFunc)')
  return engine.runKernelFunc(params)
}

/** ReLU whose backward reads its output (kept anyway by the conv that consumes it) and frees dy early. */
export function relu<T extends tf.Tensor>(x: T): T {
  return withGrad(
    [x],
    ([a]) => tf.relu(a!),
    (_, y) => [y],
    (dy, [y]) => [() => tf.mul(dy, tf.step(y!))],
  ) as T
}

/**
 * Σ terms, as `tf.addN` but with nothing saved for the backward: core's AddN gradient saves every input
 * (only to count them), which keeps each candidate op's output alive until the backward ends.
 */
export function sumN<T extends tf.Tensor>(terms: readonly T[]): T {
  if (terms.length === 1) return terms[0]!
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args.slice(0, terms.length) as tf.Tensor[]
    // Clones share the buffer: every term's gradient is dy itself, as distinct tensor objects.
    return { value: tf.addN(xs), gradFunc: (dy: tf.Tensor) => xs.map(() => tf.clone(dy)) }
  })
  return op(...terms) as T
}
