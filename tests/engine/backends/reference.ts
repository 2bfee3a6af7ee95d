/**
 * Test helpers: plain-loop references for the depthwise backprops (the cpu backend ignores `dilations`, so
 * it cannot be the reference for dilated cases), and a way to run one kernel on one backend directly.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { backend_util, NamedAttrMap } from '@tensorflow/tfjs-core'

export type Shape4 = [number, number, number, number]
export interface Arr {
  shape: number[]
  values: Float32Array
}

/** Deterministic values in [lo, hi) (a small LCG: tests must not depend on Math.random). */
export function filled(shape: number[], seed: number, lo = -1, hi = 1): Arr {
  const n = shape.reduce((a, b) => a * b, 1)
  const values = new Float32Array(n)
  let s = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    values[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo)
  }
  return { shape, values }
}

/**
 * Runs `kernelName` as registered for `backendName` on fresh copies of `inputs`, straight on that backend
 * (no engine, no backend switch), and reports how many backend buffers the call left behind besides its output.
 */
export function runKernelOn(
  backendName: 'cpu' | 'wasm',
  kernelName: string,
  inputs: Record<string, Arr>,
  attrs: NamedAttrMap,
  kernel = tf.getKernel(kernelName, backendName),
): { out: Arr; leaked: number } {
  const backend = tf.findBackend(backendName)
  if (backend == null) throw new Error(`backend ${backendName} is not initialised`)
  if (kernel == null) throw new Error(`kernel ${kernelName} is not registered for ${backendName}`)
  const infos = Object.fromEntries(
    Object.entries(inputs).map(([k, a]) => [
      k,
      { dataId: backend.write(a.values, a.shape, 'float32'), shape: a.shape, dtype: 'float32' as const },
    ]),
  )
  const before = backend.numDataIds()
  const res = kernel.kernelFunc({ inputs: infos, attrs, backend })
  const info = Array.isArray(res) ? res[0]! : res
  const leaked = backend.numDataIds() - before - 1
  const values = new Float32Array(backend.readSync(info.dataId) as Float32Array)
  backend.disposeData(info.dataId)
  for (const i of Object.values(infos)) backend.disposeData(i.dataId)
  return { out: { shape: info.shape, values }, leaked }
}

/** max |a − b| / max(1, max |b|). */
export function relError(a: Arr, b: Arr): number {
  if (a.shape.join() !== b.shape.join()) return Infinity
  let err = 0
  let mag = 1
  for (let i = 0; i < b.values.length; i++) {
    err = Math.max(err, Math.abs(a.values[i]! - b.values[i]!))
    mag = Math.max(mag, Math.abs(b.values[i]!))
  }
  return err / mag
}

/** Visits every (n, oy, ox, i, j) with the x pixel it reads (skipping padding) for a depthwise conv. */
function forEachTap(info: backend_util.Conv2DInfo, visit: (xOff: number, dyOff: number, i: number, j: number) => void): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
  const mult = info.outChannels / C
  for (let n = 0; n < N; n++)
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++)
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh + i * dh - info.padInfo.top
          if (iy < 0 || iy >= H) continue
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw + j * dw - info.padInfo.left
            if (ix < 0 || ix >= W) continue
            visit(((n * H + iy) * W + ix) * C, ((n * Ho + oy) * Wo + ox) * C * mult, i, j)
          }
        }
}

const addAt = (a: Float32Array, i: number, v: number): void => {
  a[i] = a[i]! + v
}

export function depthwiseInfo(xShape: Shape4, filterShape: Shape4, attrs: NamedAttrMap): backend_util.Conv2DInfo {
  const { strides, dilations, pad } = attrs as { strides: number; dilations: number; pad: 'valid' }
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, undefined, true)
}

/** dx of a depthwise conv, honouring dilations, by direct accumulation. */
export function depthwiseBackpropInputRef(xShape: Shape4, dy: Arr, filter: Arr, attrs: NamedAttrMap): Arr {
  const info = depthwiseInfo(xShape, filter.shape as Shape4, attrs)
  const [, kw = 1, C = 1, mult = 1] = filter.shape
  const dx = new Float32Array(xShape.reduce((a, b) => a * b, 1))
  forEachTap(info, (xOff, dyOff, i, j) => {
    for (let c = 0; c < C; c++)
      for (let m = 0; m < mult; m++)
        addAt(dx, xOff + c, dy.values[dyOff + c * mult + m]! * filter.values[((i * kw + j) * C + c) * mult + m]!)
  })
  return { shape: xShape, values: dx }
}

/** dW of a depthwise conv, honouring dilations, by direct accumulation. */
export function depthwiseBackpropFilterRef(x: Arr, dy: Arr, filterShape: Shape4, attrs: NamedAttrMap): Arr {
  const info = depthwiseInfo(x.shape as Shape4, filterShape, attrs)
  const [, kw, C, mult] = filterShape
  const dW = new Float32Array(filterShape.reduce((a, b) => a * b, 1))
  forEachTap(info, (xOff, dyOff, i, j) => {
    for (let c = 0; c < C; c++)
      for (let m = 0; m < mult; m++)
        addAt(dW, ((i * kw + j) * C + c) * mult + m, x.values[xOff + c]! * dy.values[dyOff + c * mult + m]!)
  })
  return { shape: filterShape, values: dW }
}
