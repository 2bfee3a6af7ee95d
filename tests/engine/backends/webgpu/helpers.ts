// WebGPU test helpers: whether an adapter exists here (software included: the suite runs on Mesa's llvmpipe
// in CI), and a cpu-vs-webgpu runner for one function of freshly made inputs.
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../../../src/engine/backends/init'

let probed: Promise<string | null> | null = null

/** null when WebGPU runs here; otherwise the one-line reason, printed by the suites that skip. */
export function webGpuUnavailable(): Promise<string | null> {
  probed ??= initBackend('webgpu').then(
    () => null,
    (err: Error) => err.message,
  )
  return probed
}

/**
 * Top-level-await friendly: `const skip = await skipWithoutWebGpu('suite name')`, then
 * `describe.skipIf(skip)(...)`. Prints why it skips, so a skip is never mistaken for a pass.
 */
export async function skipWithoutWebGpu(suite: string): Promise<boolean> {
  const reason = await webGpuUnavailable()
  if (reason != null) console.warn(`[skip] ${suite}: WebGPU unavailable here: ${reason}`)
  await tf.setBackend('cpu')
  return reason != null
}

/** Runs `f` on a backend and returns every output as a Float32Array (the inputs are made inside, per backend). */
export async function on(backend: 'cpu' | 'webgpu' | 'wasm', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend(backend)
  const outs = tf.tidy(f)
  const read = outs.map((t) => Float32Array.from(t.dataSync()))
  tf.dispose(outs)
  return read
}

/** max |a − b| / max(1, max |b|): relative to the reference's scale, absolute near zero. */
export function scaledDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let d = 0
  let scale = 1
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) return Number.POSITIVE_INFINITY
    d = Math.max(d, Math.abs(a[i]! - b[i]!))
    scale = Math.max(scale, Math.abs(b[i]!))
  }
  return d / scale
}
