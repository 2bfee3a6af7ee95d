/**
 * Small constant tensors the ops reuse on every call (avg-pool count maps). They are created once,
 * `tf.keep`-ed so that no tidy scope frees them, and never counted as a leak by callers that warm up first.
 *
 * The cache is keyed by the engine's state object: `tf.engine().reset()` replaces that object and
 * frees every backend, so constants created before a reset are dropped, not reused as dangling tensors.
 */
import * as tf from '@tensorflow/tfjs-core'

let cacheState: object | undefined
const cache = new Map<string, tf.Tensor>()

function currentCache(): Map<string, tf.Tensor> {
  const state = tf.engine().state as object
  if (cacheState !== state) {
    // The old tensors belonged to an engine that no longer exists; disposing them would touch freed backends.
    cache.clear()
    cacheState = state
  }
  return cache
}

/** The constant under `key` on the current backend, built by `make` the first time. */
export function cachedConstant<T extends tf.Tensor>(key: string, make: () => T): T {
  const c = currentCache()
  const fullKey = `${tf.getBackend()}:${key}`
  const hit = c.get(fullKey)
  if (hit && !hit.isDisposed) return hit as T
  const t = tf.keep(make())
  c.set(fullKey, t)
  return t
}

/** Frees every cached constant (e.g. before switching backends for good, or in leak tests). */
export function disposeOpConstants(): void {
  const c = currentCache()
  for (const t of c.values()) if (!t.isDisposed) t.dispose()
  c.clear()
}

/** Number of live cached constants (for tests). */
export const opConstantCount = (): number => [...currentCache().values()].filter((t) => !t.isDisposed).length
