/**
 * Exact parameter counts (and multiply-add FLOPs) for HDARTS, with the conventions of
 * metrics/params.ts: trainable parameters only, no auxiliary head, BN γ/β only where affine.
 *
 * Evaluation network (`learnt_model`): DARTS's NetworkCIFAR macro-structure; every kept cell edge is
 * its own deep copy of the chosen motif, and every motif edge its own copy of the chosen primitive
 * (affine BN, no BN after pools). Residual convention: on a stride-2 cell edge the motif's residual
 * goes through a registered FactorizedReduce(C, C) with affine BN (C² + 2C), one per edge. The
 * original builds an untrained one inside `forward`, which PyTorch would not count at all.
 *
 * Search supernet: one physical motif per (cell, source state) holding all level-0 primitives per
 * motif node (affine=False, no params in BNs), plus one FactorizedReduce(C, C) residual per strided
 * source; the candidate motifs and the outgoing edges share it (METHODS.md §3.13.1).
 */
import { type NetworkPart } from '../metrics/params'
import {
  addCosts,
  batchNormParams,
  conv2dCost,
  type Cost,
  factorizedReduceCost,
  linearCost,
  type OpCost,
  opCost,
  reluConvBnCost,
} from '../metrics/opCost'
import { isReductionLayer } from '../metrics/supernet'
import { dartsEdgeCount, HDARTS_LEVEL0_OPS } from '../searchSpaces'
import { dartsOpOf, type HCellGenotype, type HdartsGenotype, type MotifGenotype, motifEdgeCount } from './hdarts'

/** One motif on C channels whose input edges (from node 0) have `stride`; includes the residual reduce. */
export function motifCost(m: MotifGenotype, C: number, stride: number, size: number, affine = true): OpCost {
  const sizes: number[] = [size]
  let cost: Cost = { params: 0, flops: 0 }
  m.nodes.forEach((inputs, k) => {
    let out = 0
    for (const e of inputs) {
      const c = opCost(dartsOpOf(e.op), C, e.from === 0 ? stride : 1, sizes[e.from]!, affine)
      cost = addCosts(cost, c)
      out ||= c.size
    }
    sizes[k + 1] = out
  })
  const residual = stride === 2 ? factorizedReduceCost(C, C, size, affine) : { params: 0, flops: 0 }
  return { ...addCosts(cost, residual), size: sizes[sizes.length - 1]! }
}

export interface HdartsCellShape {
  readonly C_prev_prev: number
  readonly C_prev: number
  readonly C: number
  readonly reduction: boolean
  readonly reduction_prev: boolean
  readonly sizePrevPrev: number
  readonly sizePrev: number
}

/** One derived cell: preprocess0/1 (affine) and a motif copy per kept edge; output concat·C channels. */
export function hdartsCellCost(cell: HCellGenotype, s: HdartsCellShape): Cost & { channels: number; size: number } {
  const pre0 = s.reduction_prev
    ? factorizedReduceCost(s.C_prev_prev, s.C, s.sizePrevPrev, true)
    : reluConvBnCost(s.C_prev_prev, s.C, s.sizePrevPrev, true)
  const pre1 = reluConvBnCost(s.C_prev, s.C, s.sizePrev, true)
  let cost = addCosts(pre0, pre1)
  const sizes = [pre0.size, pre1.size]
  cell.nodes.forEach((inputs) => {
    let out = 0
    for (const e of inputs) {
      const c = motifCost(cell.motifs[e.motif]!, s.C, s.reduction && e.from < 2 ? 2 : 1, sizes[e.from]!)
      cost = addCosts(cost, c)
      out ||= c.size
    }
    sizes.push(out)
  })
  return { ...cost, channels: cell.concat.length * s.C, size: Math.max(...cell.concat.map((st) => sizes[st]!)) }
}

export interface HdartsNetworkOptions {
  /** Initial channels (the DARTS CIFAR evaluation: 36). */
  readonly channels?: number
  readonly layers?: number
  readonly classes?: number
  readonly inputSize?: number
  /** Image channels (3 for CIFAR, 1 for (Fashion-)MNIST). */
  readonly inputChannels?: number
}

export interface HdartsNetworkCost {
  readonly params: number
  readonly flops: number
  readonly parts: readonly NetworkPart[]
}

/** The derived evaluation network: stem Conv3×3(→3C) + BN, `layers` cells (reductions at ⌊L/3⌋, ⌊2L/3⌋), GAP, Linear. */
export function hdartsEvalCost(g: HdartsGenotype, options: HdartsNetworkOptions = {}): HdartsNetworkCost {
  const { channels: C = 36, layers = 20, classes = 10, inputSize = 32, inputChannels = 3 } = options
  const stemConv = conv2dCost({ cIn: inputChannels, cOut: 3 * C, kernel: 3, padding: 1 }, inputSize)
  const stem: NetworkPart = {
    name: 'stem',
    kind: 'stem',
    ...addCosts(stemConv, { params: batchNormParams(3 * C, true), flops: 0 }),
    channels: 3 * C,
    size: stemConv.size,
  }
  const parts: NetworkPart[] = [stem]
  let [C_prev_prev, C_prev, C_curr] = [3 * C, 3 * C, C]
  let [sizePrevPrev, sizePrev] = [stem.size, stem.size]
  let reduction_prev = false
  for (let i = 0; i < layers; i++) {
    const reduction = isReductionLayer(i, layers)
    if (reduction) C_curr *= 2
    const shape = { C_prev_prev, C_prev, C: C_curr, reduction, reduction_prev, sizePrevPrev, sizePrev }
    const cell = hdartsCellCost(reduction ? g.reduce : g.normal, shape)
    parts.push({ name: `cell ${i}`, kind: reduction ? 'reduce' : 'normal', ...cell })
    reduction_prev = reduction
    ;[C_prev_prev, C_prev, sizePrevPrev, sizePrev] = [C_prev, cell.channels, sizePrev, cell.size]
  }
  parts.push({ name: 'classifier', kind: 'classifier', ...linearCost(C_prev, classes), channels: classes, size: 1 })
  return { ...addCosts(...parts), parts }
}

export interface HdartsSupernetOptions {
  readonly channels?: number
  readonly layers?: number
  readonly classes?: number
  readonly steps?: number
  readonly multiplier?: number
  readonly stemMultiplier?: number
  readonly motifs?: number
  readonly motifNodes?: number
  readonly ops?: readonly string[]
  readonly inputSize?: number
  readonly inputChannels?: number
}

/** Weights of the hierarchical search supernet (what `countWeights` of the engine's net gives) and its α entries. */
export function countHdartsSupernet(options: HdartsSupernetOptions = {}): { weights: number; alphas: number } {
  const {
    channels: C = 16,
    layers = 8,
    classes = 10,
    steps = 4,
    multiplier = 4,
    stemMultiplier = 3,
    motifs = 2,
    motifNodes = 3,
    ops = HDARTS_LEVEL0_OPS,
    inputSize = 32,
    inputChannels = 3,
  } = options
  const stemConv = conv2dCost({ cIn: inputChannels, cOut: stemMultiplier * C, kernel: 3, padding: 1 }, inputSize)
  let weights = stemConv.params + batchNormParams(stemMultiplier * C, true)
  let [C_prev_prev, C_prev, C_curr] = [stemMultiplier * C, stemMultiplier * C, C]
  let [sizePrevPrev, sizePrev] = [stemConv.size, stemConv.size]
  let reduction_prev = false
  for (let i = 0; i < layers; i++) {
    const reduction = isReductionLayer(i, layers)
    if (reduction) C_curr *= 2
    const pre0 = reduction_prev
      ? factorizedReduceCost(C_prev_prev, C_curr, sizePrevPrev, false)
      : reluConvBnCost(C_prev_prev, C_curr, sizePrevPrev, false)
    weights += pre0.params + reluConvBnCost(C_prev, C_curr, sizePrev, false).params
    let size = pre0.size
    // States 0 … steps have outgoing edges; the physical motif of each holds every primitive per motif node.
    for (let j = 0; j <= steps; j++) {
      const stride = reduction && j < 2 ? 2 : 1
      for (let a = 0; a < motifNodes - 1; a++)
        for (const op of ops) weights += opCost(dartsOpOf(op), C_curr, a === 0 ? stride : 1, size, false).params
      if (stride === 2) weights += factorizedReduceCost(C_curr, C_curr, size, false).params
    }
    if (reduction) size = Math.ceil(size / 2)
    reduction_prev = reduction
    ;[C_prev_prev, C_prev, sizePrevPrev, sizePrev] = [C_prev, multiplier * C_curr, sizePrev, size]
  }
  weights += linearCost(C_prev, classes).params
  const alphas = 2 * (motifs * motifEdgeCount(motifNodes) * ops.length + dartsEdgeCount(steps) * motifs)
  return { weights, alphas }
}
