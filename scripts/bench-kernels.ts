#!/usr/bin/env -S npx tsx
// Micro-benchmark of the wasm kernel pack on fmnist-small-like shapes: one JSON line per kernel and shape,
// with ms per call for the pack's kernel, the stock wasm kernel where one exists, and the forward op the
// gradient belongs to (a gradient costing many forwards is where search time goes, REPORT §5).
// Run: npx tsx scripts/bench-kernels.ts [--quick]
import * as tf from '@tensorflow/tfjs-core'
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core'
import { describeBackend, initBackend, stockWasmKernel } from '../src/engine/backends'

type Shape4 = [number, number, number, number]
const quick = process.argv.includes('--quick')
const MIN_MS = quick ? 60 : 400

const info = await initBackend('wasm')
const backend = tf.findBackend('wasm')
console.error(`# ${describeBackend(info)}`)

function write(shape: number[], seed: number): TensorInfo {
  const n = shape.reduce((a, b) => a * b, 1)
  const values = new Float32Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    values[i] = (s >>> 8) / 2 ** 23 - 1
  }
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' }
}

/** Median ms per call of `kernel` after warm-up, repeating until MIN_MS of samples. */
function time(kernel: KernelConfig | undefined, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap): number | null {
  if (kernel == null) return null
  const once = () => {
    const t0 = performance.now()
    const out = kernel.kernelFunc({ inputs, attrs, backend }) as TensorInfo
    const ms = performance.now() - t0
    backend.disposeData(out.dataId)
    return ms
  }
  once()
  once()
  const samples: number[] = []
  for (let total = 0; total < MIN_MS || samples.length < 5;) total += samples[samples.push(once()) - 1]!
  samples.sort((a, b) => a - b)
  return Number(samples[samples.length >> 1]!.toFixed(3))
}

function report(
  kernel: string,
  shape: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap,
  forward?: [string, Record<string, TensorInfo>, NamedAttrMap],
): void {
  const customMs = time(tf.getKernel(kernel, 'wasm'), inputs, attrs)
  const stockMs = time(stockWasmKernel(kernel), inputs, attrs)
  const forwardMs = forward ? time(tf.getKernel(forward[0], 'wasm'), forward[1], forward[2]) : null
  const line: Record<string, unknown> = { kernel, shape, customMs, stockMs, forwardMs }
  if (stockMs != null && customMs != null) line.speedup = Number((stockMs / customMs).toFixed(2))
  if (forwardMs != null && customMs != null) line.vsForward = Number((customMs / forwardMs).toFixed(2))
  console.log(JSON.stringify(line))
  const owned = new Set([...Object.values(inputs), ...Object.values(forward?.[1] ?? {})].map((t) => t.dataId))
  for (const dataId of owned) backend.disposeData(dataId)
}

function convCase(x: Shape4, k: number, co: number, stride: number, pad: 'same' | 'valid'): void {
  const filterShape: Shape4 = [k, k, x[3], co]
  const conv = tf.backend_util.computeConv2DInfo(x, filterShape, stride, 1, pad)
  const dyShape: Shape4 = [x[0], conv.outHeight, conv.outWidth, co]
  const shape = `x${x.join('x')} k${k} s${stride} ${pad} Co${co}`
  const base = { strides: stride, pad, dataFormat: 'NHWC' }
  const fwd = (): [string, Record<string, TensorInfo>, NamedAttrMap] => [
    'Conv2D',
    { x: write(x, 1), filter: write(filterShape, 2) },
    { ...base, dilations: 1 },
  ]
  report('Conv2DBackpropFilter', shape, { x: write(x, 3), dy: write(dyShape, 4) }, { ...base, filterShape }, fwd())
  report(
    'Conv2DBackpropInput',
    shape,
    { dy: write(dyShape, 5), filter: write(filterShape, 6) },
    { ...base, inputShape: x },
    fwd(),
  )
}

function depthwiseCase(x: Shape4, k: number, stride: number, dilation: number): void {
  const filterShape: Shape4 = [k, k, x[3], 1]
  const attrs = { strides: stride, dilations: dilation, pad: 'same' }
  const conv = tf.backend_util.computeConv2DInfo(x, filterShape, stride, dilation, 'same', undefined, true)
  const dyShape: Shape4 = [x[0], conv.outHeight, conv.outWidth, x[3]]
  const shape = `x${x.join('x')} k${k} s${stride} d${dilation}`
  const fwd = (): [string, Record<string, TensorInfo>, NamedAttrMap] => [
    'DepthwiseConv2dNative',
    { x: write(x, 1), filter: write(filterShape, 2) },
    attrs,
  ]
  report(
    'DepthwiseConv2dNativeBackpropInput',
    shape,
    { dy: write(dyShape, 3), filter: write(filterShape, 4) },
    { ...attrs, inputShape: x },
    fwd(),
  )
  report(
    'DepthwiseConv2dNativeBackpropFilter',
    shape,
    { x: write(x, 5), dy: write(dyShape, 6) },
    { ...attrs, filterShape },
    fwd(),
  )
}

function maxPoolCase(x: Shape4, stride: number): void {
  const attrs = { filterSize: 3, strides: stride, pad: 'same' }
  const input = write(x, 7)
  const y = tf.getKernel('MaxPool', 'wasm').kernelFunc({ inputs: { x: input }, attrs, backend }) as TensorInfo
  const shape = `x${x.join('x')} k3 s${stride} same`
  report('MaxPoolGrad', shape, { dy: write(y.shape, 8), input, output: y }, attrs, ['MaxPool', { x: write(x, 9) }, attrs])
}

const batches = quick ? [8] : [8, 32]
for (const n of batches) {
  convCase([n, 28, 28, 8], 1, 8, 1, 'valid')
  convCase([n, 14, 14, 32], 1, 32, 1, 'valid')
  convCase([n, 28, 28, 16], 1, 16, 2, 'valid')
  convCase([n, 28, 28, 1], 3, 24, 1, 'same')
  depthwiseCase([n, 28, 28, 16], 3, 1, 1)
  depthwiseCase([n, 28, 28, 16], 5, 1, 1)
  depthwiseCase([n, 28, 28, 16], 3, 2, 1)
  depthwiseCase([n, 14, 14, 32], 3, 1, 2)
  depthwiseCase([n, 14, 14, 32], 5, 1, 2)
  maxPoolCase([n, 28, 28, 16], 1)
  maxPoolCase([n, 14, 14, 32], 2)
}
