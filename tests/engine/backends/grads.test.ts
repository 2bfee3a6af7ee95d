// Gradients of small conv/depthwise networks on wasm with the kernel pack, against the cpu backend.
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/engine/backends/init'
import { isPackKernel, registerWasmKernels, stockWasmKernel, WASM_KERNEL_PACK } from '../../../src/engine/backends/wasm'
import {
  conv2d,
  depthwise,
  dilatedDepthwisePadded,
  dilatedDepthwiseValid,
  pointwise,
  subsample2,
} from '../../../src/engine/ops/conv'
import { relu } from '../../../src/engine/ops/customGrad'
import { avgPool3x3, maxPool3x3 } from '../../../src/engine/ops/pool'
import { batchNormTrain } from '../../../src/engine/ops/batchNorm'
import { filled } from './reference'

const t4 = (shape: [number, number, number, number], seed: number) => tf.tensor4d(filled(shape, seed).values, shape)

/** conv 3×3 → relu → depthwise 3×3 s2 → conv 1×1 s1 → conv 1×1 s2 → max pool → mean; all weights + x. */
function network(x: tf.Tensor4D, w1: tf.Tensor4D, dw: tf.Tensor4D, pw: tf.Tensor4D, red: tf.Tensor4D): tf.Scalar {
  let h = tf.relu(tf.conv2d(x, w1, 1, 'same'))
  h = tf.depthwiseConv2d(h, dw, 2, 'same')
  h = tf.conv2d(h, pw, 1, 'valid')
  h = tf.maxPool(h.sub(tf.scalar(1)) as tf.Tensor4D, 3, 1, 'same')
  h = tf.conv2d(h, red, 2, 'valid')
  return tf.mean(h.mul(h)) as tf.Scalar
}

/** Dilated depthwise conv with the pack's backprop kernels (core's own gradient rejects dilations > 1). */
const dilatedDepthwise = tf.customGrad((x, w, save) => {
  const [x4, w4] = [x as tf.Tensor4D, w as tf.Tensor4D]
  ;(save as tf.GradSaveFunc)([x4, w4])
  return {
    value: tf.depthwiseConv2d(x4, w4, 1, 'same', 'NHWC', 2),
    gradFunc: (dy, [sx, sw]) => {
      const attrs = { strides: 1, pad: 'same', dilations: 2 }
      const run = (name: string, inputs: tf.NamedTensorMap, extra: tf.NamedAttrMap) =>
        tf.engine().runKernel(name, inputs, { ...attrs, ...extra }) as tf.Tensor
      return [
        run('DepthwiseConv2dNativeBackpropInput', { dy: dy as tf.Tensor, filter: sw! }, { inputShape: sx!.shape }),
        run('DepthwiseConv2dNativeBackpropFilter', { x: sx!, dy: dy as tf.Tensor }, { filterShape: sw!.shape }),
      ]
    },
  }
})

async function gradsOn(backend: string, f: (...a: tf.Tensor[]) => tf.Scalar, inputs: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend)
  return tf.tidy(() =>
    tf
      .grads(f)(inputs())
      .map((g) => g.dataSync() as Float32Array),
  )
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let err = 0
  let mag = 1e-6
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!))
    mag = Math.max(mag, Math.abs(b[i]!))
  }
  return err / mag
}

beforeAll(async () => {
  await initBackend('wasm')
})
afterAll(async () => {
  await tf.setBackend('wasm')
})

describe('gradients on wasm', () => {
  it('registers the three missing kernels and both overrides', () => {
    for (const { kernelName, kind } of WASM_KERNEL_PACK) {
      expect(isPackKernel(kernelName)).toBe(true)
      expect(stockWasmKernel(kernelName) != null).toBe(kind === 'override')
    }
    expect(registerWasmKernels()).toEqual([])
  })

  it('tf.grads of a conv/depthwise/pool network matches the cpu backend', async () => {
    const inputs = () => [t4([2, 9, 9, 3], 1), t4([3, 3, 3, 8], 2), t4([3, 3, 8, 1], 3), t4([1, 1, 8, 6], 4), t4([1, 1, 6, 4], 5)]
    const f = (...a: tf.Tensor[]) => network(...(a as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]))
    const onCpu = await gradsOn('cpu', f, inputs)
    await tf.setBackend('wasm')
    const before = tf.memory().numTensors
    const onWasm = await gradsOn('wasm', f, inputs)
    expect(tf.memory().numTensors).toBe(before)
    expect(onWasm.length).toBe(5)
    onWasm.forEach((g, i) => expect(maxRelDiff(g, onCpu[i]!), `input ${i}`).toBeLessThan(1e-4))
  })

  it('a dilated depthwise conv (customGrad + pack kernels) matches a zero-inserted 5×5 filter on cpu', async () => {
    const x = () => t4([2, 8, 7, 3], 6)
    const w3 = filled([3, 3, 3, 1], 7).values
    // The same filter with the dilation made explicit: taps at 0, 2, 4 of a 5×5 filter.
    const w5 = new Float32Array(5 * 5 * 3)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) for (let c = 0; c < 3; c++) w5[(2 * i * 5 + 2 * j) * 3 + c] = w3[(i * 3 + j) * 3 + c]!
    const loss = (y: tf.Tensor) => tf.sum(y.mul(tf.range(0, y.size).reshape(y.shape).mul(0.01)).sin()) as tf.Scalar
    const [gx5, gw5] = await gradsOn(
      'cpu',
      (a, w) => loss(tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')),
      () => [x(), tf.tensor4d(w5, [5, 5, 3, 1])],
    )
    const [gx, gw] = await gradsOn(
      'wasm',
      (a, w) => loss(dilatedDepthwise(a, w)),
      () => [x(), tf.tensor4d(w3, [3, 3, 3, 1])],
    )
    expect(maxRelDiff(gx!, gx5!)).toBeLessThan(1e-4)
    const gwFrom5 = new Float32Array(27)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) for (let c = 0; c < 3; c++) gwFrom5[(i * 3 + j) * 3 + c] = gw5![(2 * i * 5 + 2 * j) * 3 + c]!
    expect(maxRelDiff(gw!, gwFrom5)).toBeLessThan(1e-4)
  })

  it("ops/conv's dilated depthwise conv uses the pack on wasm and matches its cpu gradient", async () => {
    const inputs = () => [t4([2, 10, 9, 4], 10), t4([3, 3, 4, 1], 11)]
    const loss = (xp: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.sin(dilatedDepthwiseValid(xp as tf.Tensor4D, w as tf.Tensor4D, 2))) as tf.Scalar
    const onCpu = await gradsOn('cpu', loss, inputs)
    const onWasm = await gradsOn('wasm', loss, inputs)
    onWasm.forEach((g, i) => expect(maxRelDiff(g, onCpu[i]!), `input ${i}`).toBeLessThan(1e-4))
    const profile = await tf.profile(() => tf.tidy(() => void tf.grads(loss)(inputs())))
    expect(profile.kernelNames).toContain('DepthwiseConv2dNativeBackpropFilter')
  })

  it('padded dilated depthwise conv, subsample2 and the 3×3 pools: wasm gradients match cpu', async () => {
    const inputs = () => [t4([2, 10, 10, 4], 12), t4([5, 5, 4, 1], 13)]
    const loss = (x: tf.Tensor, w: tf.Tensor) => {
      const x4 = x as tf.Tensor4D
      const a = dilatedDepthwisePadded(x4, w as tf.Tensor4D, 2, 4)
      const b = tf.add(maxPool3x3(x4, 2), avgPool3x3(x4, 2))
      const odd = subsample2(tf.slice(x4, [0, 0, 0, 0], [2, 9, 9, 4]) as tf.Tensor4D)
      const c = tf.mul(tf.mul(subsample2(x4, 0, 0), subsample2(x4, 1, 1)), odd)
      return tf.add(tf.add(tf.sum(tf.sin(a)), tf.sum(tf.cos(b))), tf.sum(tf.sin(c))) as tf.Scalar
    }
    const onCpu = await gradsOn('cpu', loss, inputs)
    const onWasm = await gradsOn('wasm', loss, inputs)
    onWasm.forEach((g, i) => expect(maxRelDiff(g, onCpu[i]!), `input ${i}`).toBeLessThan(1e-4))
  })

  it("ops' conv, pointwise, depthwise and relu (explicit backwards that free dy early): wasm gradients match cpu", async () => {
    const inputs = () => [t4([2, 9, 9, 4], 18), t4([3, 3, 4, 6], 19), t4([1, 1, 6, 4], 20), t4([5, 5, 4, 1], 21)]
    const loss = (x: tf.Tensor, w: tf.Tensor, pw: tf.Tensor, dw: tf.Tensor) => {
      const a = relu(conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 1))
      const b = depthwise(relu(pointwise(a, pw as tf.Tensor4D)), dw as tf.Tensor4D, 2, 2)
      return tf.sum(tf.sin(b)) as tf.Scalar
    }
    const onCpu = await gradsOn('cpu', loss, inputs)
    const onWasm = await gradsOn('wasm', loss, inputs)
    onWasm.forEach((g, i) => expect(maxRelDiff(g, onCpu[i]!), `input ${i}`).toBeLessThan(1e-4))
  })

  it('train-mode BN (fused pack kernels on wasm): outputs, statistics and gradients of x, γ, β, scalar γ match cpu', async () => {
    const inputs = () => [
      t4([3, 5, 4, 6], 14),
      tf.tensor1d(filled([6], 15).values),
      tf.tensor1d(filled([6], 16).values),
      tf.scalar(0.7),
    ]
    const loss = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, w: tf.Tensor) => {
      const r = batchNormTrain(tf.add(x, 2) as tf.Tensor4D, g, b, true)
      const y2 = batchNormTrain(tf.sin(r.y) as tf.Tensor4D, w).y
      const stats = tf.add(tf.sum(tf.mul(r.mean!, r.variance!)), 0)
      tf.dispose([r.mean!, r.variance!])
      return tf.add(tf.sum(tf.mul(tf.cos(y2), tf.sin(r.y))), stats) as tf.Scalar
    }
    const onCpu = await gradsOn('cpu', loss, inputs)
    const onWasm = await gradsOn('wasm', loss, inputs)
    expect(tf.getKernel('HdartsBatchNormGrad', 'wasm')).toBeDefined()
    onWasm.forEach((g, i) => expect(maxRelDiff(g, onCpu[i]!), `input ${i}`).toBeLessThan(1e-4))
    const values = (backend: string) =>
      tf.setBackend(backend).then(() =>
        tf.tidy(() => {
          const r = batchNormTrain(t4([3, 5, 4, 6], 17), undefined, undefined, true)
          const out = [r.y, r.mean!, r.variance!].map((t) => t.dataSync() as Float32Array)
          tf.dispose([r.mean!, r.variance!])
          return out
        }),
      )
    const [a, b] = [await values('cpu'), await values('wasm')]
    a.forEach((v, i) => expect(maxRelDiff(b[i]!, v), `output ${i}`).toBeLessThan(1e-5))
  })

  it('without the pack the conv2d weight gradient has no wasm kernel', () => {
    expect(stockWasmKernel('Conv2DBackpropFilter')).toBeUndefined()
    const pack = tf.getKernel('Conv2DBackpropFilter', 'wasm')
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm')
    try {
      const w = t4([1, 1, 2, 2], 8)
      expect(() => tf.grad((v) => tf.conv2d(t4([1, 4, 4, 2], 9), v as tf.Tensor4D, 1, 'valid').sum())(w)).toThrow(
        /Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'/,
      )
    } finally {
      tf.registerKernel(pack)
    }
    expect(isPackKernel('Conv2DBackpropFilter')).toBe(true)
  })
})
