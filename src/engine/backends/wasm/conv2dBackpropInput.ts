/**
 * Conv2DBackpropInput override for 1×1 filters — why: the stock wasm kernel is a scalar C loop, 12× slower
 * than XNNPack for the pointwise convs that make up most of a DARTS cell (REPORT §5).
 *
 * For a 1×1 filter W [1,1,Ci,Co], dx at the input pixel each output pixel reads is dy · Wᵀ, and every other
 * dx pixel is 0. So: one XNNPack 1×1 Conv2D of dy with Wᵀ [1,1,Co,Ci], then (when strided or padded) a
 * scatter into a zeroed dx. Other filter sizes and NCHW go to the stock kernel.
 */
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import { input, type KernelArgs, shape4, withScratch } from './util'

export function makeConv2DBackpropInput(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo | TensorInfo[] => {
    const { inputs, backend, attrs } = args
    const dy = input(inputs, 'dy', Conv2DBackpropInput)
    const filter = input(inputs, 'filter', Conv2DBackpropInput)
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs
    const [kh, kw, Ci, Co] = shape4(filter)
    if (kh !== 1 || kw !== 1 || dataFormat === 'NCHW') {
      if (stock == null) throw new Error('Conv2DBackpropInput: no stock wasm kernel to fall back to')
      return stock.kernelFunc(args)
    }
    const info = backend_util.computeConv2DInfo(inputShape, [1, 1, Ci, Co], strides, 1, pad, dimRoundingMode, false)
    const { batchSize: N, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo } = info
    const { strideHeight: sh, strideWidth: sw } = info
    const { top, left } = info.padInfo

    return withScratch(backend, (s) => {
      const wT = s.reshape(s.run('Transpose', { x: s.reshape(filter, [Ci, Co]) }, { perm: [1, 0] }), [1, 1, Co, Ci])
      const y = s.run('Conv2D', { x: dy, filter: wT }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 })
      if (sh === 1 && sw === 1 && top === 0 && left === 0 && Ho === H && Wo === W) return y
      const dx = s.alloc([N, H, W, Ci], true)
      scatter(s.view(y), s.view(dx), info)
      return dx
    })
  }
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc, setupFunc: stock?.setupFunc }
}

/** dx[n, oy·sh − top, ox·sw − left, :] = y[n, oy, ox, :] wherever that pixel lies inside dx. */
function scatter(y: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info
  const { strideHeight: sh, strideWidth: sw } = info
  const { top, left } = info.padInfo
  const oxMin = Math.max(0, Math.ceil(left / sw))
  const oxMax = Math.min(Wo, Math.floor((W - 1 + left) / sw) + 1)
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      const iy = oy * sh - top
      if (iy < 0 || iy >= H) continue
      const src = (n * Ho + oy) * Wo * C
      const dst = (n * H + iy) * W * C
      if (sw === 1) {
        dx.set(y.subarray(src + oxMin * C, src + oxMax * C), dst + (oxMin - left) * C)
        continue
      }
      for (let ox = oxMin; ox < oxMax; ox++) {
        const a = src + ox * C
        const b = dst + (ox * sw - left) * C
        for (let c = 0; c < C; c++) dx[b + c] = y[a + c]!
      }
    }
  }
}
