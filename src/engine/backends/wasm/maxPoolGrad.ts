/**
 * MaxPoolGrad override — why: the stock wasm kernel starts its running max at 0 instead of −∞, so in any
 * window whose values are all ≤ 0 the gradient goes to the wrong element (or, in a padded window, is lost).
 * DARTS pools cell states, which are often negative (REPORT §6.5).
 *
 * Instead of shifting x into positive values for the stock kernel, this is one JS pass over the heap that
 * finds each window's first maximum: the same element the cpu backend and PyTorch pick on exact ties (the
 * stock kernel takes the last), no extra Min/Add kernels, and faster than the stock kernel (bench-kernels).
 */
import { backend_util, MaxPoolGrad, type MaxPoolGradAttrs, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core'
import { input, type KernelArgs, shape4, withScratch } from './util'

export function makeMaxPoolGrad(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    const x = input(inputs, 'input', MaxPoolGrad)
    const dy = input(inputs, 'dy', MaxPoolGrad)
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs
    const info = backend_util.computePool2DInfo(shape4(x), filterSize, strides, 1, pad, dimRoundingMode)
    return withScratch(backend, (s) => {
      const dx = s.alloc(x.shape, true)
      scan(s.view(x), s.view(dy), s.view(dx), info)
      return dx
    })
  }
  // MaxPoolGrad has no dilations attribute, so the scan covers every call; the stock setup still runs so
  // that stockWasmKernel('MaxPoolGrad') stays callable (tests show its bug against this kernel).
  return { kernelName: MaxPoolGrad, backendName: 'wasm', kernelFunc, setupFunc: stock?.setupFunc }
}

/**
 * dx[argmax of each window] += dy, taking the first maximum in row-major window order (strict >, from
 * −∞: a NaN never wins). Works one output row at a time, tap by tap, so that the inner loop runs over a
 * contiguous stretch of x (all of it at stride 1) — 3× faster in V8 than looping window by window.
 */
function scan(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info
  const { top, left } = info.padInfo
  const rowLen = Wo * C
  const best = new Float64Array(rowLen)
  const at = new Int32Array(rowLen)
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      best.fill(-Infinity)
      at.fill(-1)
      for (let i = 0; i < kh; i++) {
        const iy = oy * sh - top + i
        if (iy < 0 || iy >= H) continue
        const xRow = (n * H + iy) * W * C
        for (let j = 0; j < kw; j++) {
          const oxMin = Math.max(0, Math.ceil((left - j) / sw))
          const oxMax = Math.min(Wo, Math.floor((W - 1 + left - j) / sw) + 1)
          if (sw === 1) {
            const src = xRow + (oxMin + j - left) * C - oxMin * C
            for (let k = oxMin * C, end = oxMax * C; k < end; k++) {
              const v = x[src + k]!
              if (v > best[k]!) {
                best[k] = v
                at[k] = src + k
              }
            }
            continue
          }
          for (let ox = oxMin; ox < oxMax; ox++) {
            const src = xRow + (ox * sw + j - left) * C
            const dst = ox * C
            for (let c = 0; c < C; c++) {
              const v = x[src + c]!
              if (v > best[dst + c]!) {
                best[dst + c] = v
                at[dst + c] = src + c
              }
            }
          }
        }
      }
      const dyRow = (n * Ho + oy) * rowLen
      for (let k = 0; k < rowLen; k++) {
        const p = at[k]!
        if (p >= 0) dx[p] = dx[p]! + dy[dyRow + k]!
      }
    }
  }
}
