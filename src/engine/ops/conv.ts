/**
 * Convolutions with PyTorch semantics over NHWC (METHODS.md §2.5, §6.1–6.2). Padding is explicit
 * (`tf.pad` + 'valid'): TF 'same' pads asymmetrically at stride 2 and shifts the sampling grid.
 */
import * as tf from '@tensorflow/tfjs-core'
import { tidyGrad, withGrad } from './customGrad'

type Pair = readonly [number, number]
const pair = (v: number | Pair): Pair => (typeof v === 'number' ? [v, v] : v)

/** Zero (or `value`) padding of H and W, symmetric per axis as PyTorch's `padding=(ph, pw)`. */
export function padHW(x: tf.Tensor4D, pad: number | Pair, value = 0): tf.Tensor4D {
  const [ph, pw] = pair(pad)
  if (ph === 0 && pw === 0) return x
  return tf.pad(
    x,
    [
      [0, 0],
      [ph, ph],
      [pw, pw],
      [0, 0],
    ],
    value,
  )
}

/** `nn.Conv2d(bias=False)`: W `[kh, kw, C_in, C_out]`, stride and padding per axis (H, W). */
export function conv2d(x: tf.Tensor4D, W: tf.Tensor4D, stride: number | Pair = 1, pad: number | Pair = 0): tf.Tensor4D {
  const [sh, sw] = pair(stride)
  const [ph, pw] = pair(pad)
  // The kernels take PyTorch-style explicit padding directly: no PadV2 forward and no Slice in its gradient.
  return convWithGrad(x, W, [sh, sw], explicit(ph, pw))
}

/**
 * tf.conv2d (NHWC, dilation 1) with its backward on the backprop kernels through tidyGrad, so that dy
 * and the saved x, W are freed as soon as this conv's backward has run.
 */
function convWithGrad(x: tf.Tensor4D, W: tf.Tensor4D, strides: [number, number], pad: ConvPad): tf.Tensor4D {
  return withGrad(
    [x, W],
    ([a, w]) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, strides, pad),
    (xs) => xs,
    (dy, [sx, sw]) => {
      const attrs = { strides, pad, dataFormat: 'NHWC' }
      return [
        () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: sw! }, { ...attrs, inputShape: sx!.shape }) as tf.Tensor,
        () => tf.engine().runKernel('Conv2DBackpropFilter', { x: sx!, dy }, { ...attrs, filterShape: sw!.shape }) as tf.Tensor,
      ]
    },
  ) as tf.Tensor4D
}

/** Depthwise conv (multiplier 1 or more, dilation 1) with its backward through tidyGrad, as convWithGrad. */
function depthwiseWithGrad(x: tf.Tensor4D, W: tf.Tensor4D, stride: number, pad: ConvPad): tf.Tensor4D {
  return withGrad(
    [x, W],
    ([a, w]) => tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, stride, pad),
    (xs) => xs,
    (dy, [sx, sw]) => {
      const attrs = { strides: stride, dilations: 1, pad }
      return [
        () =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropInput',
              { dy, filter: sw! },
              { ...attrs, inputShape: sx!.shape },
            ) as tf.Tensor,
        () =>
          tf
            .engine()
            .runKernel('DepthwiseConv2dNativeBackpropFilter', { x: sx!, dy }, { ...attrs, filterShape: sw!.shape }) as tf.Tensor,
      ]
    },
  ) as tf.Tensor4D
}

/**
 * 1×1 stride-1 conv (W `[1, 1, C_in, C_out]`). A plain conv2d rather than a reshape + matMul: the
 * matMul's weight gradient needs BatchMatMul(transposeA), 3–7× slower on wasm (REPORT §6.6), while
 * the wasm kernel pack has fast 1×1 conv backprops (fmnist-small b8 fwd+bwd on wasm: ≈3.1 s vs 3.7 s).
 */
export function pointwise(x: tf.Tensor4D, W: tf.Tensor4D): tf.Tensor4D {
  return convWithGrad(x, W, [1, 1], 'valid')
}

/**
 * `x[:, ph::2, pw::2, :]` by reshape + slice (`tf.stridedSlice` has no gradient, REPORT §6.2); odd sizes give
 * ceil(H/2). One custom-gradient op: core's Reshape/Slice/Pad gradients would each save their input (only
 * for its shape) until the backward ends; here nothing is saved and the backward zero-inserts dy.
 */
export function subsample2(x: tf.Tensor4D, ph: 0 | 1 = 0, pw: 0 | 1 = 0): tf.Tensor4D {
  const [N, H0, W0, C] = x.shape
  if (ph > 0 && H0 < 2) throw new Error(`subsample2: offset 1 needs H ≥ 2, got ${H0}`)
  const [H, W] = [H0 + (H0 % 2), W0 + (W0 % 2)]
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xIn = args[0] as tf.Tensor4D
    // An odd size gets one zero row/column at the end; offset 0 never selects it, offset 1 would, so
    // callers with odd sizes (FactorizedReduce) must reject them first.
    const xe = H0 % 2 || W0 % 2 ? padEnd(xIn, H0 % 2, W0 % 2) : xIn
    const rows = tf.slice(tf.reshape(xe, [(N * H) / 2, 2, W * C]), [0, ph, 0], [(N * H) / 2, 1, W * C])
    const cols = tf.slice(tf.reshape(rows, [(N * H * W) / 4, 2 * C]), [0, pw * C], [(N * H * W) / 4, C])
    const gradFunc = (dy: tf.Tensor) => {
      // Zero-insertion in two 3-D pads (columns, then rows): tfjs-backend-webgpu 4.22 emits invalid WGSL
      // (`vec5`) for pads of rank 5 and more.
      const upCols = tf.pad(tf.reshape(dy, [(N * H * W) / 4, 1, C]), [
        [0, 0],
        [pw, 1 - pw],
        [0, 0],
      ])
      const upRows = tf.pad(tf.reshape(upCols, [(N * H) / 2, 1, W * C]), [
        [0, 0],
        [ph, 1 - ph],
        [0, 0],
      ])
      const dx = tf.reshape(upRows, [N, H, W, C])
      return H === H0 && W === W0 ? dx : tf.slice(dx, [0, 0, 0, 0], [N, H0, W0, C])
    }
    return { value: tf.reshape(cols, [N, H / 2, W / 2, C]), gradFunc: tidyGrad(gradFunc) }
  })
  return op(x) as tf.Tensor4D
}

const padEnd = (x: tf.Tensor4D, h: number, w: number): tf.Tensor4D =>
  tf.pad(x, [
    [0, 0],
    [0, h],
    [0, w],
    [0, 0],
  ])

/** Depthwise k×k conv (groups=C, dilation 1): W `[k, k, C, 1]`. */
export function depthwise(x: tf.Tensor4D, W: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  return depthwiseWithGrad(x, W, stride, explicit(pad, pad))
}

type ConvPad = 'valid' | tf.backend_util.ExplicitPadding

/** Symmetric explicit padding of H and W, as PyTorch's `padding=(ph, pw)`. */
const explicit = (ph: number, pw: number): ConvPad =>
  ph === 0 && pw === 0
    ? 'valid'
    : [
        [0, 0],
        [ph, ph],
        [pw, pw],
        [0, 0],
      ]

/**
 * Exact gradient [dx, dW] of a stride-1 dilated depthwise conv y = dwconv(x, W, dilation d) with symmetric
 * zero padding `pad` of H and W (0: 'valid' on an already padded input). With `only`, the caller reads only
 * that element and an implementation may skip computing the other (returning any tensor in its place).
 */
export type DilatedDepthwiseGrad = (
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  W: tf.Tensor4D,
  d: number,
  pad?: number,
  only?: 'dx' | 'dW',
) => [tf.Tensor4D, tf.Tensor4D]

/**
 * Built from forward depthwise kernels only, which honour dilation on every backend (the cpu
 * backprop kernels silently ignore it, REPORT §6.1):
 *  - dxp = full correlation of dy with the flipped filter at dilation d (pad d·(k−1));
 *  - dW[a,b,c] = Σ_{n,i,j} dy[n,i,j,c]·xp[n, i+d·a, j+d·b, c]: a depthwise conv of xp viewed as
 *    [1, Hp, Wp, N·C] with dy as an Ho×Wo filter at stride d, then summed over N.
 */
export const exactDilatedDepthwiseGrad: DilatedDepthwiseGrad = (dy, x, W, d, pad = 0) => {
  if (pad > 0) {
    const [dxp, dW] = exactDilatedDepthwiseGrad(dy, padHW(x, pad), W, d)
    return [tf.slice(dxp, [0, pad, pad, 0], x.shape), dW]
  }
  const xp = x
  const [kh, kw, C] = W.shape
  const [N, Hp, Wp] = xp.shape
  const [, Ho, Wo] = dy.shape
  const [ph, pw] = [d * (kh - 1), d * (kw - 1)]
  const flipped = tf.reverse(W, [0, 1])
  const dx = tf.depthwiseConv2d(
    dy,
    flipped,
    1,
    [
      [0, 0],
      [ph, ph],
      [pw, pw],
      [0, 0],
    ],
    'NHWC',
    [d, d],
  )
  const xT: tf.Tensor = N === 1 ? xp : tf.transpose(xp, [1, 2, 0, 3])
  const dyT: tf.Tensor = N === 1 ? dy : tf.transpose(dy, [1, 2, 0, 3])
  const perSample = tf.depthwiseConv2d(
    tf.reshape(xT, [1, Hp, Wp, N * C]) as tf.Tensor4D,
    tf.reshape(dyT, [Ho, Wo, N * C, 1]) as tf.Tensor4D,
    d,
    'valid',
  )
  const dW = tf.reshape(tf.sum(tf.reshape(perSample, [kh, kw, N, C]), 2), [kh, kw, C, 1]) as tf.Tensor4D
  return [dx, dW]
}

const gradOverrides = new Map<string, DilatedDepthwiseGrad>()

/**
 * Lets a backend pack (src/engine/backends) swap in a faster exact backward for one backend, e.g.
 * backprop kernels that honour `dilations`. `undefined` restores the built-in one. The override must
 * pass the same gradient checks as `exactDilatedDepthwiseGrad`.
 */
export function setDilatedDepthwiseGrad(backend: string, grad: DilatedDepthwiseGrad | undefined): void {
  if (grad) gradOverrides.set(backend, grad)
  else gradOverrides.delete(backend)
}

/**
 * Stride-1 'valid' dilated depthwise conv on an already padded input: the native dilated forward,
 * with the exact custom backward above (TF.js has no gradient for dilation > 1).
 */
export function dilatedDepthwiseValid(xp: tf.Tensor4D, W: tf.Tensor4D, d: number): tf.Tensor4D {
  return dilatedDepthwisePadded(xp, W, d, 0)
}

/**
 * Stride-1 dilated depthwise conv with symmetric zero padding `pad`, done by the kernel: no padded copy
 * of x is made, nor saved for the backward (x itself usually is, by its other consumers).
 */
export function dilatedDepthwisePadded(x: tf.Tensor4D, W: tf.Tensor4D, d: number, pad: number): tf.Tensor4D {
  if (d === 1) return depthwiseWithGrad(x, W, 1, explicit(pad, pad))
  if (W.shape[3] !== 1) throw new Error(`dilated depthwise conv supports channel multiplier 1, got ${W.shape[3]}`)
  return withGrad(
    [x, W],
    ([a, w]) => tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, explicit(pad, pad), 'NHWC', [d, d]),
    (xs) => xs,
    (dy, [sx, sw]) => {
      const grad = gradOverrides.get(tf.getBackend()) ?? exactDilatedDepthwiseGrad
      const part = (only: 'dx' | 'dW', i: 0 | 1) => () =>
        grad(dy as tf.Tensor4D, sx as tf.Tensor4D, sw as tf.Tensor4D, d, pad, only)[i]
      return [part('dx', 0), part('dW', 1)]
    },
  ) as tf.Tensor4D
}

/**
 * `nn.Conv2d(C, C, k, stride, padding=pad, dilation=d, groups=C)`. Stride 2 with dilation 2 (which
 * TF.js forbids) is computed as "subsample x[::2, ::2], then a plain k×k conv with pad (k−1)/2":
 * with pad = k−1 every tap of an even output row lands on an even input row, so this is exact and
 * 4× cheaper than convolving at full resolution (REPORT §5 item 1).
 */
export function dilatedDepthwise(x: tf.Tensor4D, W: tf.Tensor4D, stride: number, pad: number, d: number): tf.Tensor4D {
  if (d === 1) return depthwise(x, W, stride, pad)
  if (stride === 1) return dilatedDepthwisePadded(x, W, d, pad)
  const k = W.shape[0]
  if (stride !== d || W.shape[1] !== k || pad * 2 !== d * (k - 1))
    throw new Error(`dilated depthwise conv: stride ${stride} needs stride = dilation and pad d(k−1)/2 (got d=${d}, pad ${pad})`)
  if (d !== 2) throw new Error(`dilated depthwise conv: stride ${stride} with dilation ${d} is not supported`)
  return depthwise(subsample2(x), W, 1, pad / d)
}
