/**
 * Per-layer and per-op costs of the DARTS CNN ops (`cnn/operations.py`), shared by the eval-network
 * and supernet counters. Sizes are square feature maps; spatial arithmetic follows PyTorch exactly.
 */

/**
 * What a FLOPs number here means. Papers quote "FLOPs" for multiply-adds (DARTS's 574M on ImageNet),
 * so we count one per multiply-accumulate of conv and linear layers and nothing else.
 */
export const FLOPS_CONVENTION = {
  unit: 'multiply-adds',
  conv: 'C_out · H_out · W_out · (C_in / groups) · k_h · k_w',
  linear: 'in · out (bias excluded)',
  excluded: ['batch norm', 'ReLU', 'pooling', 'additions', 'concat', 'bias', 'drop path', 'mixed-op weighting'],
  mode: 'inference, batch 1, auxiliary head excluded from `flops`',
} as const

export interface Cost {
  readonly params: number
  readonly flops: number
}

export interface OpCost extends Cost {
  /** Output height/width. */
  readonly size: number
}

export const addCosts = (...costs: readonly Cost[]): Cost => ({
  params: costs.reduce((n, c) => n + c.params, 0),
  flops: costs.reduce((n, c) => n + c.flops, 0),
})

/** PyTorch's `floor((H + 2p − d(k−1) − 1) / s) + 1` for conv and pooling (ceil_mode=False). */
export function convOutputSize(size: number, kernel: number, stride = 1, padding = 0, dilation = 1): number {
  const out = Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1
  if (out < 1) throw new Error(`feature map of size ${size} is too small for a ${kernel}×${kernel} kernel (stride ${stride})`)
  return out
}

export interface Conv2d {
  readonly cIn: number
  readonly cOut: number
  readonly kernel: number
  readonly stride?: number
  readonly padding?: number
  readonly dilation?: number
  readonly groups?: number
}

/** Bias-free `nn.Conv2d` on a `size × size` input. */
export function conv2dCost(c: Conv2d, size: number): OpCost {
  const { cIn, cOut, kernel, stride = 1, padding = 0, dilation = 1, groups = 1 } = c
  const out = convOutputSize(size, kernel, stride, padding, dilation)
  const params = cOut * (cIn / groups) * kernel * kernel
  return { params, flops: params * out * out, size: out }
}

/** `nn.Linear(in, out)` with bias. */
export const linearCost = (inFeatures: number, outFeatures: number): Cost => ({
  params: inFeatures * outFeatures + outFeatures,
  flops: inFeatures * outFeatures,
})

/** BatchNorm γ and β; running stats are buffers, and search-time BNs (affine=False) have none. */
export const batchNormParams = (channels: number, affine: boolean): number => (affine ? 2 * channels : 0)

/** Chains layers: each starts at the previous one's output size. */
function sequence(size: number, layers: readonly ((size: number) => OpCost)[], extraParams = 0): OpCost {
  let params = extraParams
  let flops = 0
  for (const layer of layers) {
    const c = layer(size)
    params += c.params
    flops += c.flops
    size = c.size
  }
  return { params, flops, size }
}

/** `ReLUConvBN(C_in, C_out, k, s, p)`: ReLU → Conv → BN. */
export const reluConvBnCost = (
  cIn: number,
  cOut: number,
  size: number,
  affine: boolean,
  kernel = 1,
  stride = 1,
  padding = 0,
): OpCost => sequence(size, [(h) => conv2dCost({ cIn, cOut, kernel, stride, padding }, h)], batchNormParams(cOut, affine))

/**
 * `FactorizedReduce(C_in, C_out)`: two 1×1 stride-2 convs to C_out/2 each, the second on `x[:, :, 1:, 1:]`,
 * concatenated, then BN(C_out). An odd C_out would not concatenate to C_out channels in PyTorch.
 */
export function factorizedReduceCost(cIn: number, cOut: number, size: number, affine: boolean): OpCost {
  if (cOut % 2 !== 0) throw new Error(`FactorizedReduce needs an even channel count, got ${cOut}`)
  const half = cOut / 2
  const conv1 = conv2dCost({ cIn, cOut: half, kernel: 1, stride: 2 }, size)
  const conv2 = conv2dCost({ cIn, cOut: half, kernel: 1, stride: 2 }, size - 1)
  return {
    params: conv1.params + conv2.params + batchNormParams(cOut, affine),
    flops: conv1.flops + conv2.flops,
    size: conv1.size,
  }
}

/** `SepConv`: (ReLU → depthwise k×k → 1×1 → BN) twice; only the first depthwise conv has the stride. */
function sepConvCost(C: number, k: number, stride: number, size: number, affine: boolean): OpCost {
  const p = Math.floor(k / 2)
  return sequence(
    size,
    [
      (h) => conv2dCost({ cIn: C, cOut: C, kernel: k, stride, padding: p, groups: C }, h),
      (h) => conv2dCost({ cIn: C, cOut: C, kernel: 1 }, h),
      (h) => conv2dCost({ cIn: C, cOut: C, kernel: k, padding: p, groups: C }, h),
      (h) => conv2dCost({ cIn: C, cOut: C, kernel: 1 }, h),
    ],
    2 * batchNormParams(C, affine),
  )
}

/** `DilConv`: ReLU → depthwise k×k dilation 2 (padding k−1 keeps the size) → 1×1 → BN, applied once. */
const dilConvCost = (C: number, k: number, stride: number, size: number, affine: boolean): OpCost =>
  sequence(
    size,
    [
      (h) => conv2dCost({ cIn: C, cOut: C, kernel: k, stride, padding: k - 1, dilation: 2, groups: C }, h),
      (h) => conv2dCost({ cIn: C, cOut: C, kernel: 1 }, h),
    ],
    batchNormParams(C, affine),
  )

/** `conv_7x1_1x7`: ReLU → Conv(1×7, stride (1,s), pad (0,3)) → Conv(7×1, stride (s,1), pad (3,0)) → BN. */
function conv7x1x7Cost(C: number, stride: number, size: number, affine: boolean): OpCost {
  const width = convOutputSize(size, 7, stride, 3)
  const height = convOutputSize(size, 7, stride, 3)
  const perConv = 7 * C * C
  // The intermediate map is size × width (only the width has been strided).
  return {
    params: 2 * perConv + batchNormParams(C, affine),
    flops: perConv * size * width + perConv * height * width,
    size: height,
  }
}

const poolSize = (size: number, stride: number): number => convOutputSize(size, 3, stride, 1)

type OpFn = (C: number, stride: number, size: number, affine: boolean) => OpCost

/** `OPS` of `operations.py` plus the NASNet/AmoebaNet eval-only ops. */
const OP_COSTS: ReadonlyMap<string, OpFn> = new Map(
  Object.entries({
    // Zero with stride 2 is `x[:, :, ::2, ::2] * 0`, hence ceil.
    none: (_C, s, h) => ({ params: 0, flops: 0, size: s === 1 ? h : Math.ceil(h / s) }),
    avg_pool_3x3: (_C, s, h) => ({ params: 0, flops: 0, size: poolSize(h, s) }),
    max_pool_3x3: (_C, s, h) => ({ params: 0, flops: 0, size: poolSize(h, s) }),
    skip_connect: (C, s, h, affine) => (s === 1 ? { params: 0, flops: 0, size: h } : factorizedReduceCost(C, C, h, affine)),
    sep_conv_3x3: (C, s, h, affine) => sepConvCost(C, 3, s, h, affine),
    sep_conv_5x5: (C, s, h, affine) => sepConvCost(C, 5, s, h, affine),
    sep_conv_7x7: (C, s, h, affine) => sepConvCost(C, 7, s, h, affine),
    dil_conv_3x3: (C, s, h, affine) => dilConvCost(C, 3, s, h, affine),
    dil_conv_5x5: (C, s, h, affine) => dilConvCost(C, 5, s, h, affine),
    conv_7x1_1x7: conv7x1x7Cost,
  } satisfies Record<string, OpFn>),
)

export const COSTED_OPS: readonly string[] = [...OP_COSTS.keys()]

/** Cost of one DARTS op on C channels; `affine` is false in the search supernet. */
export function opCost(op: string, C: number, stride: number, size: number, affine = true): OpCost {
  const fn = OP_COSTS.get(op)
  if (!fn) throw new Error(`no cost model for op "${op}"; known ops: ${COSTED_OPS.join(', ')}`)
  return fn(C, stride, size, affine)
}
