// wasm heap size and out-of-memory recognition (a real 4 GiB overflow is too heavy for the unit suite).
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/engine/backends/init'
import {
  describeOutOfMemory,
  guardWasmMalloc,
  isOutOfMemoryError,
  WASM_HEAP_LIMIT_BYTES,
  wasmHeapBytes,
} from '../../../src/engine/backends/memory'

beforeAll(async () => {
  await initBackend('wasm')
})

describe('wasm memory', () => {
  it('reports the heap size, which grows with tensors', () => {
    const before = wasmHeapBytes()!
    expect(before).toBeGreaterThan(0)
    const big = tf.zeros([16 * 1024 * 1024]) // 64 MiB
    const after = wasmHeapBytes()!
    tf.dispose(big)
    expect(after).toBeGreaterThanOrEqual(64 * 1024 * 1024)
    expect(after).toBeLessThanOrEqual(WASM_HEAP_LIMIT_BYTES)
  })

  it.each([
    new WebAssembly.RuntimeError('memory access out of bounds'),
    new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.'),
    new WebAssembly.RuntimeError('Aborted(OOM). Build with -sASSERTIONS for more info.'),
    new RangeError('Array buffer allocation failed'),
    new RangeError('offset is out of bounds'),
    new RangeError('Invalid typed array length: 4613734400'),
    new Error('step failed', { cause: new WebAssembly.RuntimeError('memory access out of bounds') }),
  ])('recognises %s as out of memory', (err) => {
    expect(isOutOfMemoryError(err)).toBe(true)
  })

  it.each([new Error('Error in conv2d: depth of input (3) must match'), null, undefined, 'boom'])('does not flag %s', (err) => {
    expect(isOutOfMemoryError(err)).toBe(false)
  })

  it('turns a failed malloc into an out-of-memory error instead of a tensor at address 0', () => {
    const module = { asm: { malloc: (n: number) => (n > 100 ? 0 : 8) }, _malloc: (_: number) => 0 }
    expect(guardWasmMalloc(module)).toBe(true)
    expect(guardWasmMalloc(module)).toBe(true)
    expect(module._malloc(10)).toBe(8)
    let err: unknown
    try {
      module._malloc(1000)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(RangeError)
    expect(isOutOfMemoryError(err)).toBe(true)
    expect(describeOutOfMemory(err)).toMatch(
      /^the configuration does not fit in the 4 GiB wasm heap; lower batch size or channels/,
    )
  })

  it('guards the live wasm backend', () => {
    const backend = tf.engine().registry['wasm'] as unknown as { wasm: { _malloc: (n: number) => number } }
    expect(guardWasmMalloc(backend.wasm)).toBe(true)
    const t = tf.ones([1000])
    expect(tf.sum(t).dataSync()[0]).toBe(1000)
    tf.dispose(t)
  })
})
