/**
 * The HDARTS search cell (METHODS.md §3.13.1): a DARTS cell whose edge j → i is
 * Σ_m softmax(α¹_e)_m · motif_m(state_j), where motif m is a DAG of `motifNodes` nodes whose edges are
 * softmax(α⁰_m) mixtures of the level-0 primitives, output = last node + x (the residual).
 *
 * Weight sharing as the original `create_dag`: each (cell, source state j) owns ONE physical motif, a
 * set of primitives per motif node, shared by every candidate motif (they differ only in α⁰) and by
 * every outgoing edge of j (they differ only in α¹); inside the motif, a node's primitives serve all
 * its outgoing motif edges. So a node's primitive outputs are computed once per distinct input: once
 * for node 0 (x is the same for every motif), once per motif for later nodes. Every node (of a motif
 * or of the cell) is then one weighted sum over all the outputs feeding it (`mixSum`).
 */
import * as tf from '@tensorflow/tfjs-core'
import { dartsOpOf } from '../../core/genotype/hdarts'
import type { CellShape } from '../../core/metrics/params'
import { createOp, factorizedReduce, type Op, prefixSpecs, relu, reluConvBn, withGrad } from '../ops/index'
import type { ParamScope } from '../ops/scope'
import type { BnSpec, ParamSpec } from '../types'

/**
 * One cell type's mixing, prepared for the motifs as weight vectors over concatenated inputs: a node
 * takes Σ over its inputs of weight · value, and both α matrices list a node's incoming edges in
 * consecutive rows (edges ordered by target), so each vector is a reshaped slice.
 */
export interface PreparedMixing {
  /** `motifs[m][b-1]`: `[b·live]`, motif m's weights on node b's inputs: primitive outputs of nodes 0 … b−1. */
  readonly motifs: readonly (readonly tf.Tensor1D[])[]
  /** `cell[i]`: `[(i+2)·motifs]`, node i's weights on the motif outputs of states 0 … i+1. */
  readonly cell: readonly tf.Tensor1D[]
}

/**
 * Σ_k w_k·xs_k for same-shaped maps: one stack and one matMul forward. Nothing new is kept for the
 * backward (the xs are alive anyway), and no output is split (a wasm Slice copies its whole input).
 */
export function mixSum(xs: readonly tf.Tensor4D[], w: tf.Tensor1D): tf.Tensor4D {
  const K = xs.length
  if (w.shape[0] !== K) throw new Error(`mixSum: ${K} inputs but ${w.shape[0]} weights`)
  const shape = xs[0]!.shape
  const rows = (ts: readonly tf.Tensor[]) => tf.reshape(tf.stack(ts as tf.Tensor[]), [K, -1]) as tf.Tensor2D
  return withGrad(
    [...xs, w],
    (ins) => tf.reshape(tf.matMul(tf.reshape(ins[K]!, [1, K]), rows(ins.slice(0, K))), shape),
    (ins) => ins,
    (dy, saved) => {
      const sw = saved[K]!
      return [
        ...saved.slice(0, K).map((_, k) => () => tf.mul(dy, tf.slice(sw, [k], [1]))),
        () => tf.reshape(tf.matMul(rows(saved.slice(0, K)), tf.reshape(dy, [-1, 1])), [K]),
      ]
    },
  ) as tf.Tensor4D
}

/** The physical motif of one (cell, source state): primitives per motif node plus the residual reduce. */
export class SharedMotif {
  /** `prims[a]`: every level-0 primitive on motif node a (node 0 at the edge stride, later nodes stride 1). */
  readonly prims: readonly (readonly Op[])[]
  /** FactorizedReduce(C, C) of the residual on strided edges (registered and trained: porting bug 2). */
  readonly residual: Op | null
  readonly params: readonly ParamSpec[]
  readonly bns: readonly BnSpec[]
  /** Columns of the non-zero primitives (`zero` adds exactly 0 and is not evaluated). */
  readonly live: readonly number[]

  constructor(
    readonly opNames: readonly string[],
    readonly C: number,
    readonly stride: number,
    readonly motifNodes: number,
  ) {
    this.prims = Array.from({ length: motifNodes - 1 }, (_, a) =>
      opNames.map((name) => createOp(dartsOpOf(name), C, a === 0 ? stride : 1, false)),
    )
    this.live = opNames.flatMap((_, k) => (this.prims[0]![k]!.isZero ? [] : [k]))
    this.residual = stride === 2 ? factorizedReduce(C, C, false) : null
    const parts = [
      ...this.prims.flatMap((ops, a) => ops.map((op, k) => ({ prefix: `node${a}.${opNames[k]}`, op }))),
      ...(this.residual ? [{ prefix: 'residual', op: this.residual }] : []),
    ]
    this.params = parts.flatMap((p) => prefixSpecs(p.prefix, p.op.params))
    this.bns = parts.flatMap((p) => prefixSpecs(p.prefix, p.op.bns))
  }

  outputSize(size: number): number {
    return this.prims[0]![0]!.outputSize(size)
  }

  /** Unweighted outputs of node a's live primitives on `x`, relu(x) computed once for the ReLU-first ones. */
  private primitives(a: number, x: tf.Tensor4D, scope: ParamScope, xRelu?: tf.Tensor4D): tf.Tensor4D[] {
    const ops = this.prims[a]!
    const shared = xRelu ?? (this.live.filter((k) => ops[k]!.startsWithRelu).length > 1 ? relu(x) : undefined)
    const out = this.live.map((k) =>
      tf.tidy(() =>
        ops[k]!.apply(x, scope.child(`node${a}.${this.opNames[k]}`), undefined, ops[k]!.startsWithRelu ? shared : undefined),
      ),
    )
    if (shared !== xRelu) shared?.dispose()
    return out
  }

  /** motif_m(x) for every candidate m, in order. */
  apply(x: tf.Tensor4D, scope: ParamScope, motifs: PreparedMixing['motifs']): tf.Tensor4D[] {
    const N = this.motifNodes
    const xRelu = relu(x)
    const residual = this.residual ? this.residual.apply(x, scope.child('residual'), undefined, xRelu) : x
    // Node 0 reads x for every motif: its primitives run once for all candidates.
    const out0 = this.primitives(0, x, scope, xRelu)
    xRelu.dispose()
    return motifs.map((w) => {
      const outs = [...out0]
      let node = mixSum(outs, w[0]!)
      for (let b = 2; b < N; b++) {
        outs.push(...this.primitives(b - 1, node, scope))
        node = mixSum(outs, w[b - 1]!)
      }
      return tf.add(node, residual) as tf.Tensor4D
    })
  }
}

export class HierarchicalCell {
  readonly preprocess0: Op
  readonly preprocess1: Op
  /** `motifs[j]`: the physical motif of source state j = 0 … steps (the last node has no outgoing edge). */
  readonly motifs: readonly SharedMotif[]
  /** Names relative to the cell: `preprocess0.conv`, `from2.node1.sep_conv_3x3.dw1`, `from0.residual.conv_1`, … */
  readonly params: readonly ParamSpec[]
  readonly bns: readonly BnSpec[]
  readonly outChannels: number
  readonly outSize: number

  constructor(
    readonly shape: CellShape,
    readonly ops: readonly string[],
    readonly steps: number,
    readonly multiplier: number,
    readonly motifNodes: number,
  ) {
    const { C, reduction } = shape
    this.preprocess0 = shape.reduction_prev
      ? factorizedReduce(shape.C_prev_prev, C, false)
      : reluConvBn(shape.C_prev_prev, C, 1, 1, 0, false)
    this.preprocess1 = reluConvBn(shape.C_prev, C, 1, 1, 0, false)
    const size = this.preprocess0.outputSize(shape.sizePrevPrev)
    if (size !== this.preprocess1.outputSize(shape.sizePrev)) throw new Error('cell inputs differ in size after preprocessing')
    this.motifs = Array.from({ length: steps + 1 }, (_, j) => new SharedMotif(ops, C, reduction && j < 2 ? 2 : 1, motifNodes))
    this.outSize = this.motifs[0]!.outputSize(size)
    this.outChannels = multiplier * C
    const parts = [
      { prefix: 'preprocess0', p: this.preprocess0 },
      { prefix: 'preprocess1', p: this.preprocess1 },
      ...this.motifs.map((p, j) => ({ prefix: `from${j}`, p })),
    ]
    this.params = parts.flatMap(({ prefix, p }) => prefixSpecs(prefix, p.params))
    this.bns = parts.flatMap(({ prefix, p }) => prefixSpecs(prefix, p.bns))
  }

  forward(s0: tf.Tensor4D, s1: tf.Tensor4D, scope: ParamScope, mix: PreparedMixing): tf.Tensor4D {
    const states: tf.Tensor4D[] = [
      this.preprocess0.apply(s0, scope.child('preprocess0')),
      this.preprocess1.apply(s1, scope.child('preprocess1')),
    ]
    // Motif outputs of every state so far, state by state: node i mixes those of states 0 … i+1.
    const outs: tf.Tensor4D[] = []
    const motifsOf = (j: number) => tf.tidy(() => this.motifs[j]!.apply(states[j]!, scope.child(`from${j}`), mix.motifs))
    outs.push(...motifsOf(0), ...motifsOf(1))
    for (let i = 0; i < this.steps; i++) {
      states.push(mixSum(outs, mix.cell[i]!))
      if (i + 2 <= this.steps) outs.push(...motifsOf(i + 2))
    }
    return tf.concat(states.slice(-this.multiplier), 3)
  }
}
