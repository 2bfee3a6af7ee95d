/**
 * DARTS `MixedOp`: Σ_o softmax(α_e)_o · o(x) over the candidate ops of one edge (METHODS.md §2.2).
 */
import * as tf from '@tensorflow/tfjs-core'
import { createOp, type Op, prefixSpecs, relu } from '../ops/index'
import type { ParamScope } from '../ops/scope'
import type { BnSpec, ParamSpec } from '../types'

export class MixedOp {
  /** One op per α column, `none` included (it is skipped at run time). */
  readonly ops: readonly Op[]
  /** Names relative to the edge: `{op}.{param}`. */
  readonly params: readonly ParamSpec[]
  readonly bns: readonly BnSpec[]
  private readonly live: readonly { readonly op: Op; readonly column: number; readonly name: string }[]
  private readonly shareRelu: boolean

  constructor(
    readonly opNames: readonly string[],
    readonly C: number,
    readonly stride: number,
  ) {
    // Search versions: BN without γ/β, BN after pools.
    this.ops = opNames.map((name) => createOp(name, C, stride, false))
    this.params = this.ops.flatMap((op, k) => prefixSpecs(opNames[k]!, op.params))
    this.bns = this.ops.flatMap((op, k) => prefixSpecs(opNames[k]!, op.bns))
    this.live = this.ops.flatMap((op, column) => (op.isZero ? [] : [{ op, column, name: opNames[column]! }]))
    // One relu(x) shared by the ReLU-first ops saves their copies (each would be kept by the tape).
    this.shareRelu = this.live.filter((l) => l.op.startsWithRelu).length > 1
  }

  outputSize(size: number): number {
    const op = this.ops[0]
    if (!op) throw new Error('a mixed op needs at least one candidate op')
    return op.outputSize(size)
  }

  /**
   * The weighted outputs of the non-zero ops (the caller sums them with the node's other edges in one
   * addN). `none` adds exactly 0, so it is not evaluated; its α still matters through the softmax.
   * Each op runs in its own tidy: under a gradient tape the tape keeps what the backward needs, and
   * every other intermediate is freed as soon as the op is done (REPORT §5 item 4).
   */
  apply(x: tf.Tensor4D, scope: ParamScope, weights: readonly tf.Scalar[]): tf.Tensor4D[] {
    if (weights.length !== this.ops.length) throw new Error(`expected ${this.ops.length} mixing weights, got ${weights.length}`)
    if (this.live.length === 0) return []
    const xRelu = this.shareRelu ? relu(x) : undefined
    const out = this.live.map(({ op, column, name }) =>
      tf.tidy(() => op.apply(x, scope.child(name), weights[column]!, op.startsWithRelu ? xRelu : undefined)),
    )
    xRelu?.dispose()
    return out
  }
}
