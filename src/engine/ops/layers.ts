/**
 * The DARTS CNN layers of `cnn/operations.py` as functional ops (METHODS.md §2.1): each declares its
 * weights and BNs by relative name and computes `weight · op(x)` from a ParamScope.
 *
 * `weight` is the mixed op's softmax weight. Ops that end in BN fold it into the BN's γ/β (cheap);
 * the others multiply once. `xRelu` lets a mixed op compute relu(x) once for all ops that start
 * with ReLU (it would otherwise be recomputed, and kept by the tape, once per op).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BnSpec, ParamSpec } from '../types'
import { bnParamSpecs, bnSpec, convSpec, depthwiseSpec } from './init'
import { conv2d, depthwise, dilatedDepthwise, pointwise, subsample2 } from './conv'
import { relu } from './customGrad'
import { avgPool3x3, maxPool3x3, poolOutputSize } from './pool'
import type { ParamScope } from './scope'

export interface Op {
  /** DARTS op name, or `ReLUConvBN` / `FactorizedReduce` for the preprocess layers. */
  readonly type: string
  readonly C_in: number
  readonly C_out: number
  readonly stride: number
  readonly affine: boolean
  /** Weights, names relative to the op's prefix. */
  readonly params: readonly ParamSpec[]
  /** BN layers (running statistics), names relative to the op's prefix. */
  readonly bns: readonly BnSpec[]
  /** The output is identically zero (`none`): a mixed op skips it rather than adding zeros. */
  readonly isZero: boolean
  readonly startsWithRelu: boolean
  outputSize(size: number): number
  apply(x: tf.Tensor4D, scope: ParamScope, weight?: tf.Tensor, xRelu?: tf.Tensor4D): tf.Tensor4D
}

type OpBody = Pick<Op, 'params' | 'bns' | 'outputSize' | 'apply'> & Partial<Pick<Op, 'isZero' | 'startsWithRelu'>>

function makeOp(type: string, C_in: number, C_out: number, stride: number, affine: boolean, body: OpBody): Op {
  if (stride !== 1 && stride !== 2) throw new Error(`${type}: stride must be 1 or 2, got ${stride}`)
  return { type, C_in, C_out, stride, affine, isZero: false, startsWithRelu: false, ...body }
}

const bnLayer = (name: string, C: number, affine: boolean) => ({
  params: bnParamSpecs(name, C, affine),
  bns: [bnSpec(name, C)],
})

const scaled = (y: tf.Tensor4D, weight?: tf.Tensor): tf.Tensor4D => (weight ? tf.mul(y, weight) : y)
const convOutput = (size: number, k: number, stride: number, pad: number, d = 1) =>
  Math.floor((size + 2 * pad - d * (k - 1) - 1) / stride) + 1

/** `Zero`: zeros of shape ceil(H/s) (= x[:, :, ::2, ::2]·0); nothing is evaluated. */
export const zeroOp = (C: number, stride: number): Op =>
  makeOp('none', C, C, stride, false, {
    params: [],
    bns: [],
    isZero: true,
    outputSize: (size) => Math.ceil(size / stride),
    apply: (x) => tf.zeros([x.shape[0], Math.ceil(x.shape[1] / stride), Math.ceil(x.shape[2] / stride), C]),
  })

export const identityOp = (C: number): Op =>
  makeOp('skip_connect', C, C, 1, false, { params: [], bns: [], outputSize: (size) => size, apply: (x, _s, w) => scaled(x, w) })

/**
 * 3×3 pools. In the search supernet each pool is followed by `BatchNorm2d(C, affine=False)` (DARTS
 * MixedOp), which also takes the folded weight; evaluation cells have no BN after pools.
 */
export function poolOp(kind: 'max' | 'avg', C: number, stride: number, affine: boolean, withBn: boolean): Op {
  return makeOp(`${kind}_pool_3x3`, C, C, stride, affine, {
    params: [],
    bns: withBn ? [bnSpec('bn', C)] : [],
    outputSize: (size) => poolOutputSize(size, stride),
    apply(x, scope, weight) {
      if (withBn) return scope.bn('bn', kind === 'max' ? maxPool3x3(x, stride) : avgPool3x3(x, stride), false, weight)
      return kind === 'max' ? scaled(maxPool3x3(x, stride), weight) : avgPool3x3(x, stride, weight)
    },
  })
}

/** `ReLUConvBN(C_in, C_out, k, stride, pad)`: the preprocess layers (1×1) of every cell. */
export function reluConvBn(C_in: number, C_out: number, k: number, stride: number, pad: number, affine: boolean): Op {
  const bn = bnLayer('bn', C_out, affine)
  return makeOp('ReLUConvBN', C_in, C_out, stride, affine, {
    params: [convSpec('conv', k, k, C_in, C_out), ...bn.params],
    bns: bn.bns,
    startsWithRelu: true,
    outputSize: (size) => convOutput(size, k, stride, pad),
    apply(x, scope, weight, xRelu) {
      return scope.bn('bn', conv2d(xRelu ?? relu(x), scope.w('conv'), stride, pad), affine, weight)
    },
  })
}

/**
 * `FactorizedReduce(C_in, C_out)` (quark0 variant): ReLU → concat[conv_1(x), conv_2(x[:, 1:, 1:])],
 * both 1×1 stride 2 → BN. A 1×1 stride-2 conv is a 1×1 conv of the subsampled map, so conv_1 reads
 * x[::2, ::2] and conv_2 x[1::2, 1::2]; ReLU commutes with the subsampling and runs on the quarter maps.
 * PyTorch's concat fails for odd sizes (the halves differ by one), and so do we, with a clear message.
 */
export function factorizedReduce(C_in: number, C_out: number, affine: boolean): Op {
  if (C_out % 2 !== 0) throw new Error(`FactorizedReduce needs an even C_out, got ${C_out}`)
  const half = C_out / 2
  const bn = bnLayer('bn', C_out, affine)
  return makeOp('FactorizedReduce', C_in, C_out, 2, affine, {
    params: [convSpec('conv_1', 1, 1, C_in, half), convSpec('conv_2', 1, 1, C_in, half), ...bn.params],
    bns: bn.bns,
    startsWithRelu: true,
    outputSize: (size) => {
      if (size % 2 !== 0) throw new Error(`FactorizedReduce needs an even feature-map size, got ${size}`)
      return size / 2
    },
    apply(x, scope, weight, xRelu) {
      const [, H, W] = x.shape
      if (H % 2 !== 0 || W % 2 !== 0) throw new Error(`FactorizedReduce needs even H and W, got ${H}×${W}`)
      const phase = (p: 0 | 1) => (xRelu ? subsample2(xRelu, p, p) : relu(subsample2(x, p, p)))
      const y = tf.concat([pointwise(phase(0), scope.w('conv_1')), pointwise(phase(1), scope.w('conv_2'))], 3)
      return scope.bn('bn', y, affine, weight)
    },
  })
}

/** `SepConv`: (ReLU → dw k×k → 1×1 → BN) twice; only the first depthwise conv is strided. */
export function sepConv(name: string, C: number, k: number, stride: number, affine: boolean): Op {
  const p = (k - 1) / 2
  const bn1 = bnLayer('bn1', C, affine)
  const bn2 = bnLayer('bn2', C, affine)
  return makeOp(name, C, C, stride, affine, {
    params: [
      depthwiseSpec('dw1', k, C),
      convSpec('pw1', 1, 1, C, C),
      ...bn1.params,
      depthwiseSpec('dw2', k, C),
      convSpec('pw2', 1, 1, C, C),
      ...bn2.params,
    ],
    bns: [...bn1.bns, ...bn2.bns],
    startsWithRelu: true,
    outputSize: (size) => convOutput(size, k, stride, p),
    apply(x, scope, weight, xRelu) {
      let y = depthwise(xRelu ?? relu(x), scope.w('dw1'), stride, p)
      y = scope.bn('bn1', pointwise(y, scope.w('pw1')), affine)
      y = depthwise(relu(y), scope.w('dw2'), 1, p)
      return scope.bn('bn2', pointwise(y, scope.w('pw2')), affine, weight)
    },
  })
}

/**
 * `DilConv`: ReLU → dw k×k dilation 2, pad k−1 (stride s) → 1×1 → BN, once. At stride 2 only even
 * pixels are read, so the unstrided input is subsampled before the ReLU when no shared relu(x) exists.
 */
export function dilConv(name: string, C: number, k: number, stride: number, affine: boolean): Op {
  const p = k - 1
  const bn = bnLayer('bn', C, affine)
  return makeOp(name, C, C, stride, affine, {
    params: [depthwiseSpec('dw', k, C), convSpec('pw', 1, 1, C, C), ...bn.params],
    bns: bn.bns,
    startsWithRelu: true,
    outputSize: (size) => convOutput(size, k, stride, p, 2),
    apply(x, scope, weight, xRelu) {
      const W = scope.w('dw')
      const y =
        stride === 2 && !xRelu
          ? dilatedDepthwise(relu(subsample2(x)), W, 1, p / 2, 1)
          : dilatedDepthwise(xRelu ?? relu(x), W, stride, p, 2)
      return scope.bn('bn', pointwise(y, scope.w('pw')), affine, weight)
    },
  })
}

/** `conv_7x1_1x7` (eval only): ReLU → Conv(1×7, stride (1,s), pad (0,3)) → Conv(7×1, stride (s,1), pad (3,0)) → BN. */
export function conv7x1x7(C: number, stride: number, affine: boolean): Op {
  const bn = bnLayer('bn', C, affine)
  return makeOp('conv_7x1_1x7', C, C, stride, affine, {
    params: [convSpec('conv_1x7', 1, 7, C, C), convSpec('conv_7x1', 7, 1, C, C), ...bn.params],
    bns: bn.bns,
    startsWithRelu: true,
    outputSize: (size) => convOutput(size, 7, stride, 3),
    apply(x, scope, weight, xRelu) {
      const y = conv2d(xRelu ?? relu(x), scope.w('conv_1x7'), [1, stride], [0, 3])
      return scope.bn('bn', conv2d(y, scope.w('conv_7x1'), [stride, 1], [3, 0]), affine, weight)
    },
  })
}
