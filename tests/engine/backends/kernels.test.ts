// Each kernel of the wasm pack against the cpu backend's kernel (or a plain-loop reference where cpu is
// wrong: it ignores dilations), over strides, dilations, paddings, odd/even sizes and channel counts.
import * as tf from '@tensorflow/tfjs-core'
import type { NamedAttrMap } from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/engine/backends/init'
import { gatherLimit } from '../../../src/engine/backends/wasm/conv2dBackpropFilter'
import { filterGradMode } from '../../../src/engine/backends/wasm/depthwiseBackpropFilter'
import {
  depthwiseBackpropFilterRef,
  depthwiseBackpropInputRef,
  depthwiseInfo,
  filled,
  relError,
  runKernelOn,
  type Arr,
  type Shape4,
} from './reference'

const TOL = 1e-4
const EXPLICIT = [
  [0, 0],
  [1, 2],
  [2, 0],
  [0, 0],
]
const PADS = ['valid', 'same', EXPLICIT] as const
const SIZES: [number, number][] = [
  [7, 7],
  [8, 6],
]
/** (stride, dilation): TF.js forbids stride > 1 together with dilation > 1. */
const STRIDE_DIL: [number, number][] = [
  [1, 1],
  [2, 1],
  [1, 2],
]
const CHANNELS = [1, 3, 8]

interface Case {
  name: string
  x: Shape4
  k: number
  stride: number
  dilation: number
  pad: (typeof PADS)[number]
  c: number
}

function cases(kernelSizes: number[], withDilation: boolean): Case[] {
  const out: Case[] = []
  let seed = 1
  for (const [h, w] of SIZES)
    for (const k of kernelSizes)
      for (const [stride, dilation] of STRIDE_DIL)
        for (const pad of PADS)
          for (const c of CHANNELS) {
            if (dilation > 1 && (!withDilation || k === 1)) continue
            const padName = typeof pad === 'string' ? pad : 'explicit'
            const x: Shape4 = [2, h, w, c]
            const info = depthwiseInfo(x, [k, k, c, 1], { strides: stride, dilations: dilation, pad: pad as 'valid' })
            if (info.outHeight <= 0 || info.outWidth <= 0) continue
            out.push({
              name: `${h}x${w} k${k} s${stride} d${dilation} ${padName} C${c} #${seed++}`,
              x,
              k,
              stride,
              dilation,
              pad,
              c,
            })
          }
  return out
}

function outShape(c: Case, filter: Shape4): Shape4 {
  const info = depthwiseInfo(c.x, filter, { strides: c.stride, dilations: c.dilation, pad: c.pad as 'valid' })
  return [c.x[0], info.outHeight, info.outWidth, filter[2] * filter[3]]
}

function expectClose(got: { out: Arr; leaked: number }, want: Arr): void {
  expect(got.leaked).toBe(0)
  expect(got.out.shape).toEqual(want.shape)
  expect(relError(got.out, want)).toBeLessThanOrEqual(TOL)
}

beforeAll(async () => {
  await initBackend('wasm')
  tf.findBackend('cpu')
})

describe('Conv2DBackpropFilter (added)', () => {
  it.each(cases([1, 3, 5], false))('$name', (c) => {
    const filterShape: Shape4 = [c.k, c.k, c.c, 5]
    const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.stride, 1, c.pad as 'valid')
    const x = filled(c.x, 11)
    const dy = filled([c.x[0], info.outHeight, info.outWidth, 5], 12)
    const attrs: NamedAttrMap = { strides: c.stride, pad: c.pad as 'valid', dataFormat: 'NHWC', filterShape }
    const want = runKernelOn('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs).out
    expectClose(runKernelOn('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs), want)
  })

  it('gives the same result when the taps are gathered in chunks', () => {
    const x = filled([2, 9, 8, 3], 13)
    const filterShape: Shape4 = [3, 3, 3, 4]
    const dy = filled([2, 9, 8, 4], 14)
    const attrs: NamedAttrMap = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape }
    const want = runKernelOn('cpu', 'Conv2DBackpropFilter', { x, dy }, attrs).out
    const saved = gatherLimit.floats
    gatherLimit.floats = 2 * 9 * 8 * 3 * 2 // two taps per chunk: 5 chunks, the last one short
    try {
      expectClose(runKernelOn('wasm', 'Conv2DBackpropFilter', { x, dy }, attrs), want)
    } finally {
      gatherLimit.floats = saved
    }
  })
})

describe('DepthwiseConv2dNativeBackpropInput (added)', () => {
  it.each(cases([3, 5], true))('$name', (c) => {
    for (const mult of c.c === 3 ? [1, 2] : [1]) {
      const filterShape: Shape4 = [c.k, c.k, c.c, mult]
      const filter = filled(filterShape, 21)
      const dy = filled(outShape(c, filterShape), 22)
      const attrs: NamedAttrMap = { strides: c.stride, dilations: c.dilation, pad: c.pad as 'valid', inputShape: c.x }
      const got = runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs)
      expectClose(got, depthwiseBackpropInputRef(c.x, dy, filter, attrs))
      if (c.dilation === 1) expectClose(got, runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, attrs).out)
    }
  })
})

describe('DepthwiseConv2dNativeBackpropFilter (added)', () => {
  it.each(cases([3, 5], true))('$name', (c) => {
    for (const mult of c.c === 3 ? [1, 2] : [1]) {
      const filterShape: Shape4 = [c.k, c.k, c.c, mult]
      const x = filled(c.x, 31)
      const dy = filled(outShape(c, filterShape), 32)
      const attrs: NamedAttrMap = { strides: c.stride, dilations: c.dilation, pad: c.pad as 'valid', filterShape }
      const got = runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs)
      expectClose(got, depthwiseBackpropFilterRef(x, dy, filterShape, attrs))
      if (c.dilation === 1) expectClose(got, runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs).out)
    }
  })

  it.each([
    { name: 'JS loops for every filter size', mode: { js: true, jsMaxTaps: 99, rowTaps: true } },
    { name: 'JS tap-by-tap loop for every filter size', mode: { js: true, jsMaxTaps: 99, rowTaps: false } },
    { name: 'XNNPack route for every filter size', mode: { js: false, jsMaxTaps: 9, rowTaps: true } },
  ])('$name', ({ mode }) => {
    const saved = { ...filterGradMode }
    Object.assign(filterGradMode, mode)
    try {
      for (const c of cases([3, 5], true)) {
        const filterShape: Shape4 = [c.k, c.k, c.c, 1]
        const x = filled(c.x, 33)
        const dy = filled(outShape(c, filterShape), 34)
        const attrs: NamedAttrMap = { strides: c.stride, dilations: c.dilation, pad: c.pad as 'valid', filterShape }
        expectClose(
          runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, attrs),
          depthwiseBackpropFilterRef(x, dy, filterShape, attrs),
        )
      }
    } finally {
      Object.assign(filterGradMode, saved)
    }
  })

  it('the references agree with cpu at dilation 1 and differ from it at dilation 2 (cpu ignores dilations)', () => {
    const x = filled([1, 9, 9, 2], 41)
    const filterShape: Shape4 = [3, 3, 2, 1]
    const d2: NamedAttrMap = { strides: 1, dilations: 2, pad: 'same', filterShape }
    const dy = filled([1, 9, 9, 2], 42)
    expect(
      relError(
        runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, d2).out,
        depthwiseBackpropFilterRef(x, dy, filterShape, d2),
      ),
    ).toBeGreaterThan(0.01)
  })
})

describe('Conv2DBackpropInput (override)', () => {
  const pads = [
    ...PADS,
    [
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ],
  ] as const
  const combos = SIZES.flatMap(([h, w]) =>
    [1, 3].flatMap((k) => [1, 2].flatMap((stride) => pads.flatMap((pad) => CHANNELS.map((c) => ({ h, w, k, stride, pad, c }))))),
  )
  it.each(combos)('$h x $w k$k s$stride C$c pad %#', ({ h, w, k, stride, pad, c }) => {
    const inputShape: Shape4 = [2, h, w, c]
    const filterShape: Shape4 = [k, k, c, 6]
    const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, stride, 1, pad as 'valid')
    const dy = filled([2, info.outHeight, info.outWidth, 6], 51)
    const filter = filled(filterShape, 52)
    const attrs: NamedAttrMap = { strides: stride, pad: pad as 'valid', dataFormat: 'NHWC', inputShape }
    const want = runKernelOn('cpu', 'Conv2DBackpropInput', { dy, filter }, attrs).out
    expectClose(runKernelOn('wasm', 'Conv2DBackpropInput', { dy, filter }, attrs), want)
  })
})
