/**
 * DARTS `MixedOp`: Σ_o softmax(α_e)_o · o(x) over the candidate ops of one edge (METHODS.md §2.2),
 * with two options: PC-DARTS's partial channels (§3.9) and DARTS-'s auxiliary skip (§3.7).
 */
import * as tf from '@tensorflow/tfjs-core'
import { createOp, factorizedReduce, type Op, prefixSpecs, relu, sumN } from '../ops/index'
import type { ParamScope } from '../ops/scope'
import type { BnSpec, ParamSpec } from '../types'

export interface MixedOpOptions {
  /** PC-DARTS K: the ops see the first C/K channels, the rest bypass them (1: every channel, DARTS). */
  readonly partialChannels?: number
  /** DARTS-: a skip beside the ops, outside the mixing (identity; FactorizedReduce(C, C) at stride 2). */
  readonly auxSkip?: boolean
  /** Builds one candidate op (default: the DARTS registry's search version). NB201 passes its own ops. */
  readonly createOp?: (name: string, C: number, stride: number) => Op
}

/** An edge's contribution to its node under partial channels: the op terms (C/K channels) and the bypass. */
export interface PartialTerms {
  readonly ops: tf.Tensor4D[]
  readonly bypass: tf.Tensor4D
}

/**
 * PC-DARTS's `channel_shuffle(x, groups)` in NHWC: PyTorch views [B, K, C/K, H, W] and swaps axes 1
 * and 2, so output channel i·K + g is input channel g·(C/K) + i. Same order as PyTorch.
 */
export function channelShuffle(x: tf.Tensor4D, groups: number): tf.Tensor4D {
  const [B, H, W, C] = x.shape
  if (C % groups !== 0) throw new Error(`channel shuffle: ${C} channels do not split into ${groups} groups`)
  const grouped = tf.reshape(x, [B, H, W, groups, C / groups])
  return tf.reshape(tf.transpose(grouped, [0, 1, 2, 4, 3]), [B, H, W, C])
}

/** PC-DARTS's node output: shuffle(concat(Σ op terms, Σ bypasses)). Shuffling is linear, so one shuffle per node suffices. */
export function partialNode(parts: readonly PartialTerms[], K: number, opChannels: number): tf.Tensor4D {
  const ops = parts.flatMap((p) => p.ops)
  const bypass = sumN(parts.map((p) => p.bypass))
  const [B, H, W] = bypass.shape
  const y1 = ops.length ? sumN(ops) : tf.zeros<tf.Rank.R4>([B, H, W, opChannels])
  return channelShuffle(tf.concat([y1, bypass], 3), K)
}

export class MixedOp {
  /** One op per α column, `none` included (it is skipped at run time); built on C/K channels. */
  readonly ops: readonly Op[]
  /** Names relative to the edge: `{op}.{param}`, and `aux_skip.{param}` for a strided auxiliary skip. */
  readonly params: readonly ParamSpec[]
  readonly bns: readonly BnSpec[]
  /** PC-DARTS K (1: the DARTS mixed op). */
  readonly K: number
  /** The auxiliary skip's op at stride 2 (FactorizedReduce); the identity at stride 1 needs none. */
  private readonly auxReduce: Op | null
  readonly hasAuxSkip: boolean
  private readonly live: readonly { readonly op: Op; readonly column: number; readonly name: string }[]
  private readonly shareRelu: boolean

  constructor(
    readonly opNames: readonly string[],
    readonly C: number,
    readonly stride: number,
    options: MixedOpOptions = {},
  ) {
    const K = options.partialChannels ?? 1
    if (!Number.isInteger(K) || K < 1 || C % K !== 0)
      throw new Error(`partial channels K must be a positive integer dividing C (${C}), got ${K}`)
    this.K = K
    // Search versions: BN without γ/β, BN after pools.
    const make = options.createOp ?? ((name: string, c: number, s: number) => createOp(name, c, s, false))
    this.ops = opNames.map((name) => make(name, C / K, stride))
    this.hasAuxSkip = options.auxSkip === true
    this.auxReduce = this.hasAuxSkip && stride !== 1 ? factorizedReduce(C, C, false) : null
    const aux = this.auxReduce
    this.params = [
      ...this.ops.flatMap((op, k) => prefixSpecs(opNames[k]!, op.params)),
      ...(aux ? prefixSpecs('aux_skip', aux.params) : []),
    ]
    this.bns = [
      ...this.ops.flatMap((op, k) => prefixSpecs(opNames[k]!, op.bns)),
      ...(aux ? prefixSpecs('aux_skip', aux.bns) : []),
    ]
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
   * every other intermediate is freed as soon as the op is done (REPORT §5 item 4). With K > 1, x is
   * the C/K-channel slice (see `applyPartial`).
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

  /** Single path: w_c·op_c(x) for column c, or null when c is `none` (it adds exactly 0). */
  applyColumn(x: tf.Tensor4D, scope: ParamScope, weights: readonly tf.Scalar[], column: number): tf.Tensor4D | null {
    const live = this.live.find((l) => l.column === column)
    if (!weights[column]) throw new Error(`column ${column} is out of range (${this.ops.length} ops)`)
    if (!live) return null
    return tf.tidy(() => live.op.apply(x, scope.child(live.name), weights[column]!))
  }

  /**
   * Single path: 0·Σ w over every op's weights. TF.js refuses gradients for weights that take no part
   * in the loss (the other ops, and the path's own op when its node feeds only `none` edges); this
   * gives them zero gradients, as PyTorch's zeroed `.grad` of an op used before.
   */
  zeroAnchor(scope: ParamScope): tf.Scalar | null {
    const names = this.ops.flatMap((op, k) => prefixSpecs(this.opNames[k]!, op.params).map((p) => p.name))
    if (names.length === 0) return null
    return tf.mul(tf.addN(names.map((n) => tf.sum(scope.w(n)))), 0) as tf.Scalar
  }

  /**
   * PC-DARTS: the ops on x[..., :C/K], and x[..., C/K:] (MaxPool 2×2 at stride 2) times `edgeWeight`.
   * With the edge weight β_e folded into the mixing row (W = softmax(α)·β_e), the bypass must carry
   * β_e too, as PC-DARTS weights the whole edge output: the caller passes the row sum Σ_o W[e, o].
   */
  applyPartial(x: tf.Tensor4D, scope: ParamScope, weights: readonly tf.Scalar[], edgeWeight: tf.Scalar): PartialTerms {
    const c = this.C / this.K
    if (x.shape[3] !== this.C) throw new Error(`mixed op expects ${this.C} channels, got ${x.shape[3]}`)
    const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, c])
    const ops = this.apply(x1, scope, weights)
    const bypass = tf.tidy(() => {
      let x2 = tf.slice(x, [0, 0, 0, c], [-1, -1, -1, -1])
      if (this.stride === 2) {
        const [, H, W] = x.shape
        // PyTorch's MaxPool2d(2, 2) floors, the strided ops ceil: odd sizes fail there as they do here.
        if (H % 2 !== 0 || W % 2 !== 0) throw new Error(`partial channels at stride 2 need even H and W, got ${H}×${W}`)
        x2 = tf.maxPool(x2, 2, 2, 'valid')
      }
      return tf.mul(x2, edgeWeight) as tf.Tensor4D
    })
    x1.dispose()
    return { ops, bypass }
  }

  /** DARTS-'s β_t·aux(x): the identity, or FactorizedReduce(C, C) with β_t folded into its BN. */
  auxSkip(x: tf.Tensor4D, scope: ParamScope, beta: tf.Scalar): tf.Tensor4D {
    if (!this.hasAuxSkip) throw new Error('this mixed op was built without an auxiliary skip')
    if (!this.auxReduce) return tf.mul(x, beta)
    return tf.tidy(() => this.auxReduce!.apply(x, scope.child('aux_skip'), beta))
  }

  /**
   * The whole edge output, as the papers write it: shuffle(concat(Σ_o w_o·o(x1), w_e·x2)) for K > 1,
   * Σ_o w_o·o(x) for K = 1, plus β·aux(x) when `auxBeta` is given. The cell sums per node instead.
   */
  forward(x: tf.Tensor4D, scope: ParamScope, weights: readonly tf.Scalar[], auxBeta?: tf.Scalar): tf.Tensor4D {
    return tf.tidy(() => {
      let terms: tf.Tensor4D[]
      if (this.K === 1) terms = this.apply(x, scope, weights)
      else {
        const part = this.applyPartial(x, scope, weights, tf.addN([...weights]) as tf.Scalar)
        terms = [partialNode([part], this.K, this.C / this.K)]
      }
      if (auxBeta) terms.push(this.auxSkip(x, scope, auxBeta))
      if (terms.length === 0) {
        const s = this.stride
        return tf.zeros<tf.Rank.R4>([x.shape[0], Math.ceil(x.shape[1] / s), Math.ceil(x.shape[2] / s), this.C])
      }
      return sumN(terms)
    })
  }
}
