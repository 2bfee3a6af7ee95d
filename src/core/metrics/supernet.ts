/**
 * Size of DARTS's search supernet (`cnn/model_search.py: Network`): every op of the search space on
 * every edge, BNs with affine=False (no params) except the affine stem BN (METHODS.md §2.1, §5.1).
 */
import { DARTS_PRIMITIVES, dartsEdgeCount } from '../searchSpaces'
import {
  addCosts,
  batchNormParams,
  conv2dCost,
  type Cost,
  factorizedReduceCost,
  linearCost,
  opCost,
  reluConvBnCost,
} from './opCost'

/** Cells `layers//3` and `2·layers//3` are reduction cells (search and eval networks alike). */
export const isReductionLayer = (i: number, layers: number): boolean =>
  i === Math.floor(layers / 3) || i === Math.floor((2 * layers) / 3)

export interface SearchNetworkOptions {
  readonly channels?: number
  readonly layers?: number
  readonly classes?: number
  readonly steps?: number
  readonly multiplier?: number
  readonly stemMultiplier?: number
  /** α columns; each becomes one op of every MixedOp. */
  readonly ops?: readonly string[]
  readonly inputSize?: number
  /** Image channels (3 for CIFAR, 1 for (Fashion-)MNIST). */
  readonly inputChannels?: number
}

export interface SearchNetworkCost {
  /** Network weights (what `train_search.py` logs as `param size`). */
  readonly weights: number
  /** α entries: `alphas_normal` and `alphas_reduce`, each `[edges, ops]`. */
  readonly alphas: number
  /** Multiply-adds of one forward pass through all ops (FLOPS_CONVENTION). */
  readonly flops: number
  /** Weights and FLOPs per cell, for checking an engine's supernet layer by layer. */
  readonly cells: readonly (Cost & { readonly reduction: boolean; readonly C: number })[]
}

/** One search `Cell`: preprocess0/1 then a MixedOp on each edge j → i (pool-BNs have no params). */
function searchCellCost(
  ops: readonly string[],
  steps: number,
  C_prev_prev: number,
  C_prev: number,
  C: number,
  reduction: boolean,
  reduction_prev: boolean,
  sizePrevPrev: number,
  sizePrev: number,
): Cost & { size: number } {
  const preprocess0 = reduction_prev
    ? factorizedReduceCost(C_prev_prev, C, sizePrevPrev, false)
    : reluConvBnCost(C_prev_prev, C, sizePrevPrev, false)
  const preprocess1 = reluConvBnCost(C_prev, C, sizePrev, false)
  let cost: Cost = addCosts(preprocess0, preprocess1)
  const sizes = [preprocess0.size, preprocess1.size]
  for (let i = 0; i < steps; i++) {
    let size = 0
    for (let j = 0; j < i + 2; j++) {
      const stride = reduction && j < 2 ? 2 : 1
      for (const op of ops) {
        const c = opCost(op, C, stride, sizes[j]!, false)
        cost = addCosts(cost, c)
        size ||= c.size
      }
    }
    sizes.push(size)
  }
  return { ...cost, size: sizes[sizes.length - 1]! }
}

/** DARTS defaults: `Network(C=16, num_classes=10, layers=8, steps=4, multiplier=4, stem_multiplier=3)`. */
export function countSearchNetwork(options: SearchNetworkOptions = {}): SearchNetworkCost {
  const {
    channels: C = 16,
    layers = 8,
    classes = 10,
    steps = 4,
    multiplier = 4,
    stemMultiplier = 3,
    ops = DARTS_PRIMITIVES,
    inputSize = 32,
    inputChannels = 3,
  } = options
  if (multiplier > steps) throw new Error(`multiplier ${multiplier} exceeds steps ${steps}`)
  const stemConv = conv2dCost({ cIn: inputChannels, cOut: stemMultiplier * C, kernel: 3, padding: 1 }, inputSize)
  let total: Cost = addCosts(stemConv, { params: batchNormParams(stemMultiplier * C, true), flops: 0 })
  let [C_prev_prev, C_prev, C_curr] = [stemMultiplier * C, stemMultiplier * C, C]
  let [sizePrevPrev, sizePrev] = [stemConv.size, stemConv.size]
  let reduction_prev = false
  const cells: (Cost & { reduction: boolean; C: number })[] = []
  for (let i = 0; i < layers; i++) {
    const reduction = isReductionLayer(i, layers)
    if (reduction) C_curr *= 2
    const cell = searchCellCost(ops, steps, C_prev_prev, C_prev, C_curr, reduction, reduction_prev, sizePrevPrev, sizePrev)
    cells.push({ params: cell.params, flops: cell.flops, reduction, C: C_curr })
    total = addCosts(total, cell)
    reduction_prev = reduction
    ;[C_prev_prev, C_prev, sizePrevPrev, sizePrev] = [C_prev, multiplier * C_curr, sizePrev, cell.size]
  }
  total = addCosts(total, linearCost(C_prev, classes))
  return { weights: total.params, alphas: 2 * dartsEdgeCount(steps) * ops.length, flops: total.flops, cells }
}
