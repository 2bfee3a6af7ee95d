/**
 * DARTS search `Cell` (`model_search.py`, METHODS.md §2.2): preprocess s0 and s1 to C channels,
 * `steps` nodes each summing a MixedOp over every earlier state, output = concat of the last
 * `multiplier` nodes along channels (PyTorch dim=1 order). PC-DARTS's partial channels and DARTS-'s
 * auxiliary skip are mixed-op options (`MixedOpOptions`).
 */
import * as tf from '@tensorflow/tfjs-core'
import { factorizedReduce, type Op, prefixSpecs, reluConvBn, sumN } from '../ops/index'
import type { ParamScope } from '../ops/scope'
import type { BnSpec, ParamSpec } from '../types'
import type { CellShape } from '../../core/metrics/params'
import { MixedOp, type MixedOpOptions, type PartialTerms, partialNode } from './mixedOp'

// The same cell geometry the analytic counter in core uses, so the two cannot drift apart.
export type { CellShape } from '../../core/metrics/params'

export class SearchCell {
  readonly preprocess0: Op
  readonly preprocess1: Op
  /** DARTS edge order: node i, inputs j = 0..i+1. */
  readonly edges: readonly MixedOp[]
  /** Names relative to the cell: `preprocess0.conv`, `edges.5.sep_conv_3x3.dw1`, … */
  readonly params: readonly ParamSpec[]
  readonly bns: readonly BnSpec[]
  readonly outChannels: number
  readonly outSize: number

  constructor(
    readonly shape: CellShape,
    readonly ops: readonly string[],
    readonly steps: number,
    readonly multiplier: number,
    readonly options: MixedOpOptions = {},
  ) {
    const { C, reduction } = shape
    // After a reduction cell, s0 is twice the size of s1: FactorizedReduce halves it (affine=False in search).
    this.preprocess0 = shape.reduction_prev
      ? factorizedReduce(shape.C_prev_prev, C, false)
      : reluConvBn(shape.C_prev_prev, C, 1, 1, 0, false)
    this.preprocess1 = reluConvBn(shape.C_prev, C, 1, 1, 0, false)
    const size0 = this.preprocess0.outputSize(shape.sizePrevPrev)
    const size1 = this.preprocess1.outputSize(shape.sizePrev)
    if (size0 !== size1) throw new Error(`cell inputs have sizes ${size0} and ${size1} after preprocessing`)
    const edges: MixedOp[] = []
    for (let i = 0; i < steps; i++)
      for (let j = 0; j < i + 2; j++) edges.push(new MixedOp(ops, C, reduction && j < 2 ? 2 : 1, options))
    this.edges = edges
    this.outSize = edges[0] ? edges[0].outputSize(size0) : size0
    this.outChannels = multiplier * C
    this.params = [
      ...prefixSpecs('preprocess0', this.preprocess0.params),
      ...prefixSpecs('preprocess1', this.preprocess1.params),
      ...edges.flatMap((e, k) => prefixSpecs(`edges.${k}`, e.params)),
    ]
    this.bns = [
      ...prefixSpecs('preprocess0', this.preprocess0.bns),
      ...prefixSpecs('preprocess1', this.preprocess1.bns),
      ...edges.flatMap((e, k) => prefixSpecs(`edges.${k}`, e.bns)),
    ]
  }

  /**
   * `weights[e][o]` = softmax(α)[e][o] for this cell type. With partial channels, `extra.edgeWeights[e]`
   * weighs edge e's bypass channels (the row sum of its mixing weights); with an auxiliary skip,
   * `extra.auxBeta` is DARTS-'s β_t (omitted: the skip is off and not evaluated).
   */
  forward(
    s0: tf.Tensor4D,
    s1: tf.Tensor4D,
    scope: ParamScope,
    weights: readonly (readonly tf.Scalar[])[],
    extra: { readonly edgeWeights?: readonly tf.Scalar[]; readonly auxBeta?: tf.Scalar } = {},
  ): tf.Tensor4D {
    const states: tf.Tensor4D[] = [
      this.preprocess0.apply(s0, scope.child('preprocess0')),
      this.preprocess1.apply(s1, scope.child('preprocess1')),
    ]
    const K = this.options.partialChannels ?? 1
    let e = 0
    for (let i = 0; i < this.steps; i++) {
      const terms: tf.Tensor4D[] = []
      const parts: PartialTerms[] = []
      for (let j = 0; j < i + 2; j++, e++) {
        const w = weights[e]
        if (!w) throw new Error(`no mixing weights for edge ${e}`)
        const edge = this.edges[e]!
        const edgeScope = scope.child(`edges.${e}`)
        if (K === 1) terms.push(...edge.apply(states[j]!, edgeScope, w))
        else {
          const ew = extra.edgeWeights?.[e]
          if (!ew) throw new Error(`partial channels need an edge weight for edge ${e}`)
          parts.push(edge.applyPartial(states[j]!, edgeScope, w, ew))
        }
        if (extra.auxBeta) terms.push(edge.auxSkip(states[j]!, edgeScope, extra.auxBeta))
      }
      if (parts.length) terms.push(partialNode(parts, K, this.shape.C / K))
      states.push(terms.length > 1 ? sumN(terms) : (terms[0] ?? this.zeroNode(states[0]!)))
    }
    return tf.concat(states.slice(-this.multiplier), 3)
  }

  /** A node whose every candidate is `none` (only possible with a `none`-only op list). */
  private zeroNode(s: tf.Tensor4D): tf.Tensor4D {
    const st = this.shape.reduction ? 2 : 1
    return tf.zeros([s.shape[0], Math.ceil(s.shape[1] / st), Math.ceil(s.shape[2] / st), this.shape.C])
  }
}
