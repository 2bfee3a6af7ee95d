/**
 * DepthwiseConv2dNativeBackpropInput for wasm — why: tfjs-backend-wasm 4.22 has no such kernel, and the cpu
 * backend's version ignores `dilations`, so dilated separable convs have no correct input gradient anywhere.
 *
 * The input gradient of a correlation is a correlation of the zero-inserted dy with the spatially flipped
 * filter: with z[oy·sh] = dy[oy] (zeros between) padded by (k−1)·d − pad on the leading side,
 * dx[iy] = Σ_i' z[iy + i'·d] · w[k−1−i']. That is one XNNPack depthwise conv with the forward's dilation and
 * stride 1 (REPORT §5.3: about the forward's speed). A channel multiplier m > 1 is a sum over m afterwards.
 */
import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import { explicitPad, input, type KernelArgs, shape4, withScratch } from './util'

export function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const dy = input(inputs, 'dy', DepthwiseConv2dNativeBackpropInput)
  const filter = input(inputs, 'filter', DepthwiseConv2dNativeBackpropInput)
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs
  const [kh, kw, C, mult] = shape4(filter)
  const info = backend_util.computeConv2DInfo(inputShape, [kh, kw, C, mult], strides, dilations, pad, dimRoundingMode, true)
  const { batchSize: N, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo } = info
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info
  const Cd = C * mult
  // Geometry of the padded, zero-inserted dy (z) whose 'valid' dilated correlation is exactly H × W.
  const effH = (kh - 1) * dh
  const effW = (kw - 1) * dw
  const pt = effH - info.padInfo.top
  const pl = effW - info.padInfo.left
  const Hz = H + effH
  const Wz = W + effW
  const pb = Hz - pt - ((Ho - 1) * sh + 1)
  const pr = Wz - pl - ((Wo - 1) * sw + 1)

  return withScratch(backend, (s) => {
    const flipped = s.reshape(s.run('Reverse', { x: filter }, { dims: [0, 1] }), [kh, kw, Cd, 1])
    let z = dy
    let zPad: number[][] | 'valid' = explicitPad(pt, pb, pl, pr)
    // Stride 1 with non-negative pads: XNNPack pads dy itself, no JS pass needed.
    if (sh !== 1 || sw !== 1 || Math.min(pt, pb, pl, pr) < 0) {
      z = s.alloc([N, Hz, Wz, Cd], true)
      zeroInsert(s.view(dy), s.view(z), { N, Ho, Wo, C: Cd, Hz, Wz, sh, sw, pt, pl })
      zPad = 'valid'
    }
    const dx = s.run('DepthwiseConv2dNative', { x: z, filter: flipped }, { strides: 1, dilations: [dh, dw], pad: zPad })
    if (mult === 1) return dx
    // dy channel c·m + j came from input channel c: sum the m contributions of each input channel.
    return s.run('Sum', { x: s.reshape(dx, [N, H, W, C, mult]) }, { axis: [4], keepDims: false })
  })
}

interface ZGeometry {
  N: number
  Ho: number
  Wo: number
  C: number
  Hz: number
  Wz: number
  sh: number
  sw: number
  pt: number
  pl: number
}

/** z[n, pt + oy·sh, pl + ox·sw, :] = dy[n, oy, ox, :], dropping what falls outside z. `z` must be zeroed. */
function zeroInsert(dy: Float32Array, z: Float32Array, g: ZGeometry): void {
  const { N, Ho, Wo, C, Hz, Wz, sh, sw, pt, pl } = g
  const oxMin = Math.max(0, Math.ceil(-pl / sw))
  const oxMax = Math.min(Wo, Math.floor((Wz - 1 - pl) / sw) + 1)
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      const zy = pt + oy * sh
      if (zy < 0 || zy >= Hz) continue
      const src = (n * Ho + oy) * Wo * C
      const dst = (n * Hz + zy) * Wz * C
      if (sw === 1) {
        z.set(dy.subarray(src + oxMin * C, src + oxMax * C), dst + (pl + oxMin) * C)
        continue
      }
      for (let ox = oxMin; ox < oxMax; ox++) {
        const a = src + ox * C
        const b = dst + (pl + ox * sw) * C
        for (let c = 0; c < C; c++) z[b + c] = dy[a + c]!
      }
    }
  }
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
}
