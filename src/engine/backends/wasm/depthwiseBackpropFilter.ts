/**
 * DepthwiseConv2dNativeBackpropFilter for wasm — why: tfjs-backend-wasm 4.22 has no such kernel, and the cpu
 * backend's version ignores `dilations`.
 *
 * dW[i, j, c, m] = Σ_{n,oy,ox} x[n, oy·sh + i·dh − top, ox·sw + j·dw − left, c] · dy[n, oy, ox, c·M + m] is,
 * for each (n, c), a correlation of x with dy used as an Ho×Wo filter, evaluated at the kh×kw offsets (i, j):
 * stride and dilation swap roles. Viewing x as one image [1, H, W, N·C] and dy as a depthwise filter
 * [Ho, Wo, N·C, M] makes it one XNNPack depthwise conv, then a sum over n (REPORT §5.3: 1.5–2.3× a naive
 * JS loop). For multiplier 1 and 3×3/5×5 filters a JS loop that shares each dy load between the taps of a
 * filter row beats it (see filterGradMode); the XNNPack route takes the rest.
 */
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import { explicitPad, input, type KernelArgs, shape4, withScratch } from './util'

export function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = input(inputs, 'x', DepthwiseConv2dNativeBackpropFilter)
  const dy = input(inputs, 'dy', DepthwiseConv2dNativeBackpropFilter)
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs
  const info = backend_util.computeConv2DInfo(shape4(x), filterShape, strides, dilations, pad, dimRoundingMode, true)
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
  const mult = filterShape[3]
  const { top, left } = info.padInfo
  // Trailing pads just large enough for kh×kw outputs; negative means the forward never read those rows,
  // and XNNPack takes no negative pads, so pad 0 and crop the extra outputs instead.
  const needB = (kh - 1) * dh + (Ho - 1) * sh + 1 - H - top
  const needR = (kw - 1) * dw + (Wo - 1) * sw + 1 - W - left

  const m = filterGradMode
  if (mult === 1 && m.js && (kh * kw <= m.jsMaxTaps || (m.rowTaps && kw === 5 && C <= m.wideMaxChannels))) {
    return withScratch(backend, (s) => {
      const dW = s.alloc([kh, kw, C, 1])
      jsFilterGrad(s.view(x), s.view(dy), s.view(dW), info)
      return dW
    })
  }
  return withScratch(backend, (s) => {
    const xT = s.reshape(s.run('Transpose', { x }, { perm: [1, 2, 0, 3] }), [1, H, W, N * C])
    const dyT = s.reshape(s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }), [Ho, Wo, N * C, mult])
    let out = s.run(
      'DepthwiseConv2dNative',
      { x: xT, filter: dyT },
      { strides: [dh, dw], dilations: [sh, sw], pad: explicitPad(top, Math.max(0, needB), left, Math.max(0, needR)) },
    )
    const [, oh = 0, ow = 0] = out.shape
    if (oh !== kh || ow !== kw) out = s.run('Slice', { x: out }, { begin: [0, 0, 0, 0], size: [1, kh, kw, N * C * mult] })
    if (N === 1) return s.reshape(out, filterShape)
    const summed = s.run('Sum', { x: s.reshape(out, [kh, kw, N, C * mult]) }, { axis: [2], keepDims: false })
    return s.reshape(summed, filterShape)
  })
}

/**
 * Which implementation runs for channel multiplier 1 (ms per call at fmnist-small b32 shapes, scripts/_prof.ts
 * DWBENCH): the JS loops with one accumulator per tap of a filter row (`rowTaps`) take 3×3 filters and 5×5
 * filters up to `wideMaxChannels` channels, 1.7–3.7× faster than the XNNPack route (two transposes, a
 * depthwise conv with dy as an Ho×Wo filter, a sum over N) from C=8 to C=64; the plain tap-by-tap JS loop is
 * 1.1–1.7× slower than XNNPack on 5×5. `jsMaxTaps` lets any filter take the JS loops, `js: false` forces XNNPack.
 */
export const filterGradMode = { js: true, jsMaxTaps: 9, rowTaps: true, wideMaxChannels: 64 }

/**
 * dW[i, j, c] = Σ_{n,oy,ox} x[n, oy·sh + i·dh − top, ox·sw + j·dw − left, c] · dy[n, oy, ox, c], one tap and
 * channel at a time with a scalar float64 accumulator over stride-C walks (V8 keeps it in a register).
 */
export function jsFilterGrad(x: Float32Array, dy: Float32Array, dW: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
  const { top, left } = info.padInfo
  const xStep = sw * C
  const rows = (kw === 3 || kw === 5) && filterGradMode.rowTaps
  for (let i = 0; i < kh; i++) {
    // Output rows whose input row oy·sh + i·dh − top lies inside [0, H).
    const oyMin = Math.max(0, Math.ceil((top - i * dh) / sh))
    const oyMax = Math.min(Ho, Math.floor((H - 1 + top - i * dh) / sh) + 1)
    if (rows) {
      ;(kw === 3 ? rowOfThreeTaps : rowOfFiveTaps)(x, dy, dW, info, i, oyMin, oyMax)
      continue
    }
    for (let j = 0; j < kw; j++) {
      const oxMin = Math.max(0, Math.ceil((left - j * dw) / sw))
      const oxMax = Math.min(Wo, Math.floor((W - 1 + left - j * dw) / sw) + 1)
      const count = oxMax - oxMin
      for (let c = 0; c < C; c++) {
        let acc = 0
        if (count > 0) {
          for (let n = 0; n < N; n++) {
            for (let oy = oyMin; oy < oyMax; oy++) {
              const iy = oy * sh + i * dh - top
              let xo = ((n * H + iy) * W + oxMin * sw + j * dw - left) * C + c
              let yo = ((n * Ho + oy) * Wo + oxMin) * C + c
              const end = yo + count * C
              for (; yo < end; yo += C, xo += xStep) acc += x[xo]! * dy[yo]!
            }
          }
        }
        dW[(i * kw + j) * C + c] = acc
      }
    }
  }
}

/**
 * Filter row i of a 3- or 5-wide filter: the taps of the row share each dy load, with one scalar accumulator
 * per tap and channel (two channels at a time, adjacent in NHWC), over the output columns where all taps
 * read inside x; the border columns go tap by tap. Generated from one template (keep both in step).
 */
function rowOfThreeTaps(
  x: Float32Array,
  dy: Float32Array,
  dW: Float32Array,
  info: backend_util.Conv2DInfo,
  i: number,
  oyMin: number,
  oyMax: number,
): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
  const { top, left } = info.padInfo
  const D = dw * C
  const xStep = sw * C
  // Columns where all taps of the row read inside x: [lo_0, hi_last).
  const inLo = Math.max(0, Math.ceil(left / sw))
  const inHi = Math.max(inLo, Math.min(Wo, Math.floor((W - 1 + left - 2 * dw) / sw) + 1))
  const base = i * 3 * C
  let c = 0
  for (; c + 1 < C; c += 2) {
    let a0 = 0
    let a1 = 0
    let a2 = 0
    let b0 = 0
    let b1 = 0
    let b2 = 0
    for (let n = 0; n < N; n++) {
      for (let oy = oyMin; oy < oyMax; oy++) {
        const iy = oy * sh + i * dh - top
        const xRow = (n * H + iy) * W * C + c
        const yRow = (n * Ho + oy) * Wo * C + c
        let xo = xRow + (inLo * sw - left) * C
        for (let yo = yRow + inLo * C, end = yRow + inHi * C; yo < end; yo += C, xo += xStep) {
          const g0 = dy[yo]!
          const g1 = dy[yo + 1]!
          a0 += x[xo]! * g0
          b0 += x[xo + 1]! * g1
          a1 += x[xo + 1 * D]! * g0
          b1 += x[xo + 1 * D + 1]! * g1
          a2 += x[xo + 2 * D]! * g0
          b2 += x[xo + 2 * D + 1]! * g1
        }
        // Border columns, tap by tap: [0, inLo) then [inHi, Wo), jumping over the interior.
        for (let ox = inLo > 0 ? 0 : inHi; ox < Wo; ox = ox + 1 === inLo ? inHi : ox + 1) {
          const g0 = dy[yRow + ox * C]!
          const g1 = dy[yRow + ox * C + 1]!
          const ix = ox * sw - left
          if (ix >= 0 && ix < W) {
            const q = xRow + ix * C
            a0 += x[q]! * g0
            b0 += x[q + 1]! * g1
          }
          if (ix + 1 * dw >= 0 && ix + 1 * dw < W) {
            const q = xRow + (ix + 1 * dw) * C
            a1 += x[q]! * g0
            b1 += x[q + 1]! * g1
          }
          if (ix + 2 * dw >= 0 && ix + 2 * dw < W) {
            const q = xRow + (ix + 2 * dw) * C
            a2 += x[q]! * g0
            b2 += x[q + 1]! * g1
          }
        }
      }
    }
    dW[base + 0 * C + c] = a0
    dW[base + 0 * C + c + 1] = b0
    dW[base + 1 * C + c] = a1
    dW[base + 1 * C + c + 1] = b1
    dW[base + 2 * C + c] = a2
    dW[base + 2 * C + c + 1] = b2
  }
  for (; c < C; c++) {
    let a0 = 0
    let a1 = 0
    let a2 = 0
    for (let n = 0; n < N; n++) {
      for (let oy = oyMin; oy < oyMax; oy++) {
        const iy = oy * sh + i * dh - top
        const xRow = (n * H + iy) * W * C + c
        const yRow = (n * Ho + oy) * Wo * C + c
        let xo = xRow + (inLo * sw - left) * C
        for (let yo = yRow + inLo * C, end = yRow + inHi * C; yo < end; yo += C, xo += xStep) {
          const g0 = dy[yo]!
          a0 += x[xo]! * g0
          a1 += x[xo + 1 * D]! * g0
          a2 += x[xo + 2 * D]! * g0
        }
        for (let ox = inLo > 0 ? 0 : inHi; ox < Wo; ox = ox + 1 === inLo ? inHi : ox + 1) {
          const g0 = dy[yRow + ox * C]!
          const ix = ox * sw - left
          if (ix >= 0 && ix < W) a0 += x[xRow + ix * C]! * g0
          if (ix + 1 * dw >= 0 && ix + 1 * dw < W) a1 += x[xRow + (ix + 1 * dw) * C]! * g0
          if (ix + 2 * dw >= 0 && ix + 2 * dw < W) a2 += x[xRow + (ix + 2 * dw) * C]! * g0
        }
      }
    }
    dW[base + 0 * C + c] = a0
    dW[base + 1 * C + c] = a1
    dW[base + 2 * C + c] = a2
  }
}

function rowOfFiveTaps(
  x: Float32Array,
  dy: Float32Array,
  dW: Float32Array,
  info: backend_util.Conv2DInfo,
  i: number,
  oyMin: number,
  oyMax: number,
): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
  const { top, left } = info.padInfo
  const D = dw * C
  const xStep = sw * C
  // Columns where all taps of the row read inside x: [lo_0, hi_last).
  const inLo = Math.max(0, Math.ceil(left / sw))
  const inHi = Math.max(inLo, Math.min(Wo, Math.floor((W - 1 + left - 4 * dw) / sw) + 1))
  const base = i * 5 * C
  let c = 0
  for (; c + 1 < C; c += 2) {
    let a0 = 0
    let a1 = 0
    let a2 = 0
    let a3 = 0
    let a4 = 0
    let b0 = 0
    let b1 = 0
    let b2 = 0
    let b3 = 0
    let b4 = 0
    for (let n = 0; n < N; n++) {
      for (let oy = oyMin; oy < oyMax; oy++) {
        const iy = oy * sh + i * dh - top
        const xRow = (n * H + iy) * W * C + c
        const yRow = (n * Ho + oy) * Wo * C + c
        let xo = xRow + (inLo * sw - left) * C
        for (let yo = yRow + inLo * C, end = yRow + inHi * C; yo < end; yo += C, xo += xStep) {
          const g0 = dy[yo]!
          const g1 = dy[yo + 1]!
          a0 += x[xo]! * g0
          b0 += x[xo + 1]! * g1
          a1 += x[xo + 1 * D]! * g0
          b1 += x[xo + 1 * D + 1]! * g1
          a2 += x[xo + 2 * D]! * g0
          b2 += x[xo + 2 * D + 1]! * g1
          a3 += x[xo + 3 * D]! * g0
          b3 += x[xo + 3 * D + 1]! * g1
          a4 += x[xo + 4 * D]! * g0
          b4 += x[xo + 4 * D + 1]! * g1
        }
        // Border columns, tap by tap: [0, inLo) then [inHi, Wo), jumping over the interior.
        for (let ox = inLo > 0 ? 0 : inHi; ox < Wo; ox = ox + 1 === inLo ? inHi : ox + 1) {
          const g0 = dy[yRow + ox * C]!
          const g1 = dy[yRow + ox * C + 1]!
          const ix = ox * sw - left
          if (ix >= 0 && ix < W) {
            const q = xRow + ix * C
            a0 += x[q]! * g0
            b0 += x[q + 1]! * g1
          }
          if (ix + 1 * dw >= 0 && ix + 1 * dw < W) {
            const q = xRow + (ix + 1 * dw) * C
            a1 += x[q]! * g0
            b1 += x[q + 1]! * g1
          }
          if (ix + 2 * dw >= 0 && ix + 2 * dw < W) {
            const q = xRow + (ix + 2 * dw) * C
            a2 += x[q]! * g0
            b2 += x[q + 1]! * g1
          }
          if (ix + 3 * dw >= 0 && ix + 3 * dw < W) {
            const q = xRow + (ix + 3 * dw) * C
            a3 += x[q]! * g0
            b3 += x[q + 1]! * g1
          }
          if (ix + 4 * dw >= 0 && ix + 4 * dw < W) {
            const q = xRow + (ix + 4 * dw) * C
            a4 += x[q]! * g0
            b4 += x[q + 1]! * g1
          }
        }
      }
    }
    dW[base + 0 * C + c] = a0
    dW[base + 0 * C + c + 1] = b0
    dW[base + 1 * C + c] = a1
    dW[base + 1 * C + c + 1] = b1
    dW[base + 2 * C + c] = a2
    dW[base + 2 * C + c + 1] = b2
    dW[base + 3 * C + c] = a3
    dW[base + 3 * C + c + 1] = b3
    dW[base + 4 * C + c] = a4
    dW[base + 4 * C + c + 1] = b4
  }
  for (; c < C; c++) {
    let a0 = 0
    let a1 = 0
    let a2 = 0
    let a3 = 0
    let a4 = 0
    for (let n = 0; n < N; n++) {
      for (let oy = oyMin; oy < oyMax; oy++) {
        const iy = oy * sh + i * dh - top
        const xRow = (n * H + iy) * W * C + c
        const yRow = (n * Ho + oy) * Wo * C + c
        let xo = xRow + (inLo * sw - left) * C
        for (let yo = yRow + inLo * C, end = yRow + inHi * C; yo < end; yo += C, xo += xStep) {
          const g0 = dy[yo]!
          a0 += x[xo]! * g0
          a1 += x[xo + 1 * D]! * g0
          a2 += x[xo + 2 * D]! * g0
          a3 += x[xo + 3 * D]! * g0
          a4 += x[xo + 4 * D]! * g0
        }
        for (let ox = inLo > 0 ? 0 : inHi; ox < Wo; ox = ox + 1 === inLo ? inHi : ox + 1) {
          const g0 = dy[yRow + ox * C]!
          const ix = ox * sw - left
          if (ix >= 0 && ix < W) a0 += x[xRow + ix * C]! * g0
          if (ix + 1 * dw >= 0 && ix + 1 * dw < W) a1 += x[xRow + (ix + 1 * dw) * C]! * g0
          if (ix + 2 * dw >= 0 && ix + 2 * dw < W) a2 += x[xRow + (ix + 2 * dw) * C]! * g0
          if (ix + 3 * dw >= 0 && ix + 3 * dw < W) a3 += x[xRow + (ix + 3 * dw) * C]! * g0
          if (ix + 4 * dw >= 0 && ix + 4 * dw < W) a4 += x[xRow + (ix + 4 * dw) * C]! * g0
        }
      }
    }
    dW[base + 0 * C + c] = a0
    dW[base + 1 * C + c] = a1
    dW[base + 2 * C + c] = a2
    dW[base + 3 * C + c] = a3
    dW[base + 4 * C + c] = a4
  }
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
}
