/**
 * Exact trainable-parameter counts and multiply-add FLOPs of DARTS's evaluation networks
 * (`cnn/model.py`: NetworkCIFAR, NetworkImageNet), layer by layer as PyTorch builds them.
 * Params follow DARTS's `count_parameters_in_MB`: the auxiliary head is excluded (METHODS.md §5).
 */
import { type CellGenotype, type DartsGenotype, effectiveConcat } from '../genotype/model'
import {
  addCosts,
  batchNormParams,
  conv2dCost,
  type Conv2d,
  type Cost,
  convOutputSize,
  factorizedReduceCost,
  linearCost,
  opCost,
  reluConvBnCost,
} from './opCost'

import { isReductionLayer } from './supernet'

export { countSearchNetwork, isReductionLayer, type SearchNetworkCost, type SearchNetworkOptions } from './supernet'
export { FLOPS_CONVENTION } from './opCost'

export interface NetworkPart extends Cost {
  /** `stem`, `stem0`, `stem1`, `cell 0` … `cell L−1`, `classifier`, `auxiliary`. */
  readonly name: string
  readonly kind: 'stem' | 'normal' | 'reduce' | 'classifier' | 'auxiliary'
  /** Output channels and spatial size of the part. */
  readonly channels: number
  readonly size: number
}

export interface NetworkCost {
  /** DARTS convention: auxiliary head excluded. */
  readonly params: number
  /** The auxiliary head alone; 0 when `auxiliary` is false. */
  readonly auxParams: number
  /** What FairDARTS (thop) reports. */
  readonly paramsWithAux: number
  /** Multiply-adds of the main network at inference (see FLOPS_CONVENTION). */
  readonly flops: number
  /** Multiply-adds of the auxiliary head alone; 0 when `auxiliary` is false. */
  readonly auxFlops: number
  readonly parts: readonly NetworkPart[]
}

export interface NetworkOptions {
  readonly channels?: number
  readonly layers?: number
  readonly classes?: number
  readonly auxiliary?: boolean
  readonly inputSize?: number
}

export interface CellShape {
  readonly C_prev_prev: number
  readonly C_prev: number
  /** Channels of each node (C_curr). */
  readonly C: number
  readonly reduction: boolean
  readonly reduction_prev: boolean
  readonly sizePrevPrev: number
  readonly sizePrev: number
}

/**
 * One eval `Cell` (or FairDARTS `DCOCell`): every edge of every node is built, and the output has
 * `multiplier = |effectiveConcat|` · C channels, which equals `len(concat)` for DARTS pair cells.
 */
export function evalCellCost(cell: CellGenotype, shape: CellShape): Cost & { channels: number; size: number } {
  const { C, reduction } = shape
  const preprocess0 = shape.reduction_prev
    ? factorizedReduceCost(shape.C_prev_prev, C, shape.sizePrevPrev, true)
    : reluConvBnCost(shape.C_prev_prev, C, shape.sizePrevPrev, true)
  const preprocess1 = reluConvBnCost(shape.C_prev, C, shape.sizePrev, true)
  let params = preprocess0.params + preprocess1.params
  let flops = preprocess0.flops + preprocess1.flops
  const sizes: number[] = [preprocess0.size, preprocess1.size]
  // A node without inputs computes nothing (DCOCell skips it), so edges leaving it cost params only.
  const live: boolean[] = [true, true]
  cell.nodes.forEach((inputs, i) => {
    let size = 0
    for (const e of inputs) {
      if (!Number.isInteger(e.from) || e.from < 0 || e.from >= i + 2)
        throw new Error(`node ${i + 2} takes state ${e.from}, but only states 0..${i + 1} exist`)
      const stride = reduction && e.from < 2 ? 2 : 1
      const c = opCost(e.op, C, stride, live[e.from] ? sizes[e.from]! : sizes[0]!, true)
      params += c.params
      if (live[e.from]) {
        flops += c.flops
        size ||= c.size
      }
    }
    live.push(size > 0)
    sizes.push(size)
  })
  const multiplier = effectiveConcat(cell).length
  const outSize = Math.max(...effectiveConcat(cell).map((s) => sizes[s]!))
  return { params, flops, channels: multiplier * C, size: outSize }
}

/** `AuxiliaryHeadCIFAR` (8×8 input): ReLU → AvgPool(5, s3) → 1×1 conv 128 → BN → 2×2 conv 768 → BN → Linear. */
export function auxiliaryHeadCifarCost(C: number, size: number, classes: number): Cost {
  const pooled = convOutputSize(size, 5, 3)
  const conv1 = conv2dCost({ cIn: C, cOut: 128, kernel: 1 }, pooled)
  const conv2 = conv2dCost({ cIn: 128, cOut: 768, kernel: 2 }, conv1.size)
  const bn = { params: batchNormParams(128, true) + batchNormParams(768, true), flops: 0 }
  return addCosts(conv1, conv2, bn, linearCost(768, classes))
}

/** `AuxiliaryHeadImageNet` (7×7 input here): AvgPool(5, s2); its 768-channel BN is commented out in DARTS. */
export function auxiliaryHeadImageNetCost(C: number, size: number, classes: number): Cost {
  const pooled = convOutputSize(size, 5, 2)
  const conv1 = conv2dCost({ cIn: C, cOut: 128, kernel: 1 }, pooled)
  const conv2 = conv2dCost({ cIn: 128, cOut: 768, kernel: 2 }, conv1.size)
  return addCosts(conv1, conv2, { params: batchNormParams(128, true), flops: 0 }, linearCost(768, classes))
}

interface Macro {
  readonly stem: readonly NetworkPart[]
  /** s0 and s1 as the stem leaves them. */
  readonly s0: { readonly channels: number; readonly size: number }
  readonly s1: { readonly channels: number; readonly size: number }
  readonly reduction_prev: boolean
  readonly auxHead: (C: number, size: number, classes: number) => Cost
}

function networkCost(
  genotype: DartsGenotype,
  C: number,
  layers: number,
  classes: number,
  auxiliary: boolean,
  m: Macro,
): NetworkCost {
  const parts: NetworkPart[] = [...m.stem]
  let [C_prev_prev, C_prev, C_curr] = [m.s0.channels, m.s1.channels, C]
  let [sizePrevPrev, sizePrev] = [m.s0.size, m.s1.size]
  let reduction_prev = m.reduction_prev
  let aux: NetworkPart | undefined
  for (let i = 0; i < layers; i++) {
    const reduction = isReductionLayer(i, layers)
    if (reduction) C_curr *= 2
    const shape = { C_prev_prev, C_prev, C: C_curr, reduction, reduction_prev, sizePrevPrev, sizePrev }
    const cell = evalCellCost(reduction ? genotype.reduce : genotype.normal, shape)
    parts.push({ name: `cell ${i}`, kind: reduction ? 'reduce' : 'normal', ...cell })
    reduction_prev = reduction
    ;[C_prev_prev, C_prev, sizePrevPrev, sizePrev] = [C_prev, cell.channels, sizePrev, cell.size]
    if (auxiliary && i === Math.floor((2 * layers) / 3))
      aux = { name: 'auxiliary', kind: 'auxiliary', ...m.auxHead(C_prev, sizePrev, classes), channels: classes, size: 1 }
  }
  parts.push({ name: 'classifier', kind: 'classifier', ...linearCost(C_prev, classes), channels: classes, size: 1 })
  const main = addCosts(...parts)
  if (aux) parts.push(aux)
  const auxParams = aux?.params ?? 0
  return {
    params: main.params,
    auxParams,
    paramsWithAux: main.params + auxParams,
    flops: main.flops,
    auxFlops: aux?.flops ?? 0,
    parts,
  }
}

function stemPart(name: string, convs: readonly Conv2d[], size: number): NetworkPart {
  let cost: Cost = { params: 0, flops: 0 }
  for (const conv of convs) {
    const c = conv2dCost(conv, size)
    cost = addCosts(cost, c, { params: batchNormParams(conv.cOut, true), flops: 0 })
    size = c.size
  }
  return { name, kind: 'stem', ...cost, channels: convs[convs.length - 1]!.cOut, size }
}

/** DARTS `NetworkCIFAR`: stem Conv3×3(3→3C) + BN, then `layers` cells, global average pool, Linear. */
export function countNetworkCIFAR(genotype: DartsGenotype, options: NetworkOptions = {}): NetworkCost {
  const { channels: C = 36, layers = 20, classes = 10, auxiliary = false, inputSize = 32 } = options
  const stem = stemPart('stem', [{ cIn: 3, cOut: 3 * C, kernel: 3, padding: 1 }], inputSize)
  const s = { channels: stem.channels, size: stem.size }
  return networkCost(genotype, C, layers, classes, auxiliary, {
    stem: [stem],
    s0: s,
    s1: s,
    reduction_prev: false,
    auxHead: auxiliaryHeadCifarCost,
  })
}

/** DARTS `NetworkImageNet`: two strided stems (224 → 56 → 28), `reduction_prev=True` at the start, AvgPool(7). */
export function countNetworkImageNet(genotype: DartsGenotype, options: NetworkOptions = {}): NetworkCost {
  const { channels: C = 48, layers = 14, classes = 1000, auxiliary = false, inputSize = 224 } = options
  const half = Math.floor(C / 2)
  const stem0 = stemPart(
    'stem0',
    [
      { cIn: 3, cOut: half, kernel: 3, stride: 2, padding: 1 },
      { cIn: half, cOut: C, kernel: 3, stride: 2, padding: 1 },
    ],
    inputSize,
  )
  const stem1 = stemPart('stem1', [{ cIn: C, cOut: C, kernel: 3, stride: 2, padding: 1 }], stem0.size)
  return networkCost(genotype, C, layers, classes, auxiliary, {
    stem: [stem0, stem1],
    s0: { channels: C, size: stem0.size },
    s1: { channels: C, size: stem1.size },
    reduction_prev: true,
    auxHead: auxiliaryHeadImageNetCost,
  })
}

/** Alias under the name the CLI (`hdarts genotype params`) imports. */
export const cifarEvalCost = countNetworkCIFAR

/** DARTS's `param size = %fMB` figure: millions of parameters, six decimals (`3.349342 M`). */
export const formatDartsParams = (params: number): string => `${(params / 1e6).toFixed(6)} M`
