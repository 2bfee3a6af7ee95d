// The MaxPoolGrad override: the stock wasm kernel misroutes gradients of all-negative windows; ours must
// match the cpu backend there, on ties, and everywhere else.
import * as tf from '@tensorflow/tfjs-core'
import type { NamedAttrMap } from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/engine/backends/init'
import { stockWasmKernel } from '../../../src/engine/backends/wasm'
import { type Arr, filled, relError, runKernelOn, type Shape4 } from './reference'

beforeAll(async () => {
  await initBackend('wasm')
})

/** inputs of MaxPoolGrad for x: dy (filled), input and the forward output (computed on cpu). */
function gradInputs(x: Arr, attrs: NamedAttrMap, seed: number): Record<string, Arr> {
  const output = runKernelOn('cpu', 'MaxPool', { x }, attrs).out
  return { dy: filled(output.shape, seed, 0.5, 1.5), input: x, output }
}

describe('MaxPoolGrad (override)', () => {
  const combos = [
    { size: [7, 7], filterSize: 3, strides: 1, pad: 'same' },
    { size: [7, 7], filterSize: 3, strides: 2, pad: 'same' },
    { size: [8, 6], filterSize: 3, strides: 2, pad: 'valid' },
    { size: [8, 6], filterSize: 2, strides: 2, pad: 'valid' },
    { size: [8, 8], filterSize: 3, strides: 1, pad: 1 },
    { size: [9, 5], filterSize: 2, strides: 1, pad: 'same' },
  ]
  const offsets = [
    { name: 'mixed signs', lo: -1, hi: 1 },
    { name: 'all negative', lo: -3, hi: -1 },
    { name: 'all positive', lo: 1, hi: 3 },
    { name: 'tiny negative', lo: -2e-6, hi: -1e-6 },
  ]
  const cases = combos.flatMap((c) => offsets.flatMap((o) => [1, 3, 8].map((ch) => ({ ...c, ...o, ch }))))

  it.each(cases)(
    '$size.0x$size.1 k$filterSize s$strides pad $pad, $name, C$ch',
    ({ size, filterSize, strides, pad, lo, hi, ch }) => {
      const x = filled([2, size[0]!, size[1]!, ch], 7 + ch, lo, hi)
      const attrs: NamedAttrMap = { filterSize, strides, pad: pad as 'same' }
      const inputs = gradInputs(x, attrs, 9)
      const want = runKernelOn('cpu', 'MaxPoolGrad', inputs, attrs).out
      const got = runKernelOn('wasm', 'MaxPoolGrad', inputs, attrs)
      expect(got.leaked).toBe(0)
      expect(relError(got.out, want)).toBeLessThanOrEqual(1e-6)
    },
  )

  it('fixes all-negative windows that the stock wasm kernel gets wrong', () => {
    // One 2×2 window per channel, all negative, max at a different position in each channel.
    const x: Arr = {
      shape: [1, 2, 2, 4] as Shape4,
      values: Float32Array.from([-3, -1, -2, -4, -1, -3, -4, -2, -2, -4, -1, -3, -4, -2, -3, -1]),
    }
    const attrs: NamedAttrMap = { filterSize: 2, strides: 2, pad: 'valid' }
    const inputs = gradInputs(x, attrs, 3)
    const want = runKernelOn('cpu', 'MaxPoolGrad', inputs, attrs).out
    const stock = runKernelOn('wasm', 'MaxPoolGrad', inputs, attrs, stockWasmKernel('MaxPoolGrad'))
    const ours = runKernelOn('wasm', 'MaxPoolGrad', inputs, attrs)
    expect(relError(stock.out, want)).toBeGreaterThan(0.1)
    expect(relError(ours.out, want)).toBe(0)
  })

  it('breaks exact ties towards the first element, like cpu (the stock kernel takes the last)', () => {
    const x: Arr = { shape: [1, 2, 2, 3], values: Float32Array.from([5, 0, -1, 5, 0, -1, 5, 0, -1, 5, 0, -1]) }
    const attrs: NamedAttrMap = { filterSize: 2, strides: 2, pad: 'valid' }
    const inputs = gradInputs(x, attrs, 4)
    const want = runKernelOn('cpu', 'MaxPoolGrad', inputs, attrs).out
    expect(relError(runKernelOn('wasm', 'MaxPoolGrad', inputs, attrs).out, want)).toBe(0)
    expect(Array.from(want.values).filter((v) => v !== 0)).toHaveLength(3)
  })

  it('gives the true gradient through tf.grad on wasm', () => {
    expect(tf.getBackend()).toBe('wasm')
    const x = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1])
    const g = tf.grad((a) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').sum())(x)
    expect(Array.from(g.dataSync())).toEqual([0, 1, 0, 0])
    tf.dispose([x, g])
  })
})
