/**
 * Conv2DBackpropFilter for wasm — why: tfjs-backend-wasm 4.22 has no such kernel, so the weight gradient of
 * every conv2d throws on wasm.
 *
 * dW[tap, ci, co] = Σ_m xTap[m, ci] · dy[m, co] with m = (n, oy, ox): the input pixels each tap sees are
 * gathered into [taps, M, Ci], transposed by the wasm Transpose kernel to [taps·Ci, M], and multiplied with
 * dy [M, Co] by one BatchMatMul (REPORT §5.3: explicit Transpose + plain BatchMatMul beats
 * BatchMatMul(transposeA) 3–7×). A 1×1 stride-1 unpadded conv needs no gather at all: x itself is xTap.
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import { input, type KernelArgs, type Scratch, shape4, withScratch } from './util'

/** Caps the gathered taps at 64 MiB per chunk so a large k×k filter does not double the heap footprint (tests lower it). */
export const gatherLimit = { floats: 16 * 1024 * 1024 }

export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = input(inputs, 'x', Conv2DBackpropFilter)
  const dy = input(inputs, 'dy', Conv2DBackpropFilter)
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs
  const info = backend_util.computeConv2DInfo(
    shape4(x),
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  )
  if (info.dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter (wasm kernel pack): only NHWC is supported')
  const { batchSize, outHeight, outWidth, inChannels, outChannels, filterHeight, filterWidth } = info
  const M = batchSize * outHeight * outWidth
  const taps = filterHeight * filterWidth

  return withScratch(backend, (s) => {
    const dy2 = s.reshape(dy, [M, outChannels])
    const identityTap =
      taps === 1 &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      outHeight === info.inHeight &&
      outWidth === info.inWidth
    if (identityTap) {
      const xT = s.run('Transpose', { x: s.reshape(x, [M, inChannels]) }, { perm: [1, 0] })
      return s.reshape(s.run('BatchMatMul', { a: xT, b: dy2 }, { transposeA: false, transposeB: false }), filterShape)
    }
    const perChunk = Math.max(1, Math.floor(gatherLimit.floats / (M * inChannels)))
    if (perChunk >= taps) return s.reshape(tapsGradient(s, x, dy2, info, 0, taps), filterShape)
    // Chunks of consecutive taps give consecutive row blocks of dW [taps·Ci, Co]: copy them in place.
    const dW = s.alloc([taps * inChannels, outChannels])
    for (let t0 = 0; t0 < taps; t0 += perChunk) {
      const part = tapsGradient(s, x, dy2, info, t0, Math.min(perChunk, taps - t0))
      s.view(dW).set(s.view(part), t0 * inChannels * outChannels)
      s.release(dW, dy2)
    }
    return s.reshape(dW, filterShape)
  })
}

/** dW rows for taps [t0, t0+count): gather → Transpose → BatchMatMul. */
function tapsGradient(
  s: Scratch,
  x: TensorInfo,
  dy2: TensorInfo,
  info: backend_util.Conv2DInfo,
  t0: number,
  count: number,
): TensorInfo {
  const M = info.batchSize * info.outHeight * info.outWidth
  const cols = s.alloc([count, M, info.inChannels], true)
  gatherTaps(s.view(x), s.view(cols), info, t0, count)
  const colsT = s.run('Transpose', { x: cols }, { perm: [0, 2, 1] })
  const a = s.reshape(colsT, [count * info.inChannels, M])
  return s.run('BatchMatMul', { a, b: dy2 }, { transposeA: false, transposeB: false })
}

/**
 * out[t, n, oy, ox, :] = x[n, oy·sh + i − top, ox·sw + j − left, :] for tap t0+t = (i, j), left at zero
 * where that pixel is padding. `out` must be zero-filled.
 */
export function gatherTaps(x: Float32Array, out: Float32Array, info: backend_util.Conv2DInfo, t0: number, count: number): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info
  const { strideHeight: sh, strideWidth: sw, filterWidth: kw } = info
  const { top, left } = info.padInfo
  for (let t = 0; t < count; t++) {
    const i = Math.floor((t0 + t) / kw)
    const j = (t0 + t) % kw
    // Output columns whose input column ox·sw + j − left falls inside [0, W).
    const oxMin = Math.max(0, Math.ceil((left - j) / sw))
    const oxMax = Math.min(Wo, Math.floor((W - 1 + left - j) / sw) + 1)
    if (oxMax <= oxMin) continue
    for (let n = 0; n < N; n++) {
      for (let oy = 0; oy < Ho; oy++) {
        const iy = oy * sh + i - top
        if (iy < 0 || iy >= H) continue
        const dst = ((t * N + n) * Ho + oy) * Wo * C
        const srcRow = (n * H + iy) * W * C
        if (sw === 1) {
          // Stride 1: the whole valid run of the row is contiguous in NHWC.
          const src = srcRow + (oxMin + j - left) * C
          out.set(x.subarray(src, src + (oxMax - oxMin) * C), dst + oxMin * C)
        } else {
          for (let ox = oxMin; ox < oxMax; ox++) {
            const src = srcRow + (ox * sw + j - left) * C
            const d = dst + ox * C
            for (let c = 0; c < C; c++) out[d + c] = x[src + c]!
          }
        }
      }
    }
  }
}
