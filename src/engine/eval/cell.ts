/**
 * DARTS evaluation `Cell` (`cnn/model.py`, METHODS.md §2.4): preprocess s0/s1 to C channels, each node
 * sums the ops of its genotype edges, the output concatenates the genotype's concat states. Ops are the
 * affine (evaluation) versions from the shared registry; reduction cells use stride 2 on inputs 0 and 1.
 */
import * as tf from '@tensorflow/tfjs-core'
import { type CellGenotype, effectiveConcat } from '../../core/genotype/model'
import type { CellShape } from '../../core/metrics/params'
import { createOp, factorizedReduce, type Op, prefixSpecs, reluConvBn, sumN } from '../ops/index'
import type { ParamScope } from '../ops/scope'
import type { BnSpec, ParamSpec } from '../types'

/** Per-sample keep mask for drop path, or null when nothing is dropped (eval mode or probability 0). */
export type DropPathMask = (batch: number) => tf.Tensor | null

interface EvalEdge {
  readonly op: Op
  readonly from: number
}

/** DARTS drops every op that is not `Identity`: FactorizedReduce skips and pools are dropped too. */
const isIdentity = (op: Op): boolean => op.type === 'skip_connect' && op.stride === 1

export class EvalCell {
  readonly preprocess0: Op
  readonly preprocess1: Op
  /** Edges in genotype order (node by node), named `edges.k` like the search cell. */
  readonly edges: readonly EvalEdge[]
  readonly params: readonly ParamSpec[]
  readonly bns: readonly BnSpec[]
  readonly concat: readonly number[]
  readonly outChannels: number
  readonly outSize: number

  constructor(
    readonly shape: CellShape,
    readonly genotype: CellGenotype,
  ) {
    const { C, reduction } = shape
    // After a reduction, s0 is twice the size of s1: FactorizedReduce halves it (affine=True at eval).
    this.preprocess0 = shape.reduction_prev
      ? factorizedReduce(shape.C_prev_prev, C, true)
      : reluConvBn(shape.C_prev_prev, C, 1, 1, 0, true)
    this.preprocess1 = reluConvBn(shape.C_prev, C, 1, 1, 0, true)
    const sizes = [this.preprocess0.outputSize(shape.sizePrevPrev), this.preprocess1.outputSize(shape.sizePrev)]
    if (sizes[0] !== sizes[1]) throw new Error(`cell inputs have sizes ${sizes[0]} and ${sizes[1]} after preprocessing`)
    const edges: EvalEdge[] = []
    genotype.nodes.forEach((inputs, i) => {
      let size = 0
      for (const e of inputs) {
        if (!Number.isInteger(e.from) || e.from < 0 || e.from >= i + 2)
          throw new Error(`node ${i + 2} takes state ${e.from}, but only states 0..${i + 1} exist`)
        const op = createOp(e.op, C, reduction && e.from < 2 ? 2 : 1, true)
        size ||= op.outputSize(sizes[e.from]!)
        edges.push({ op, from: e.from })
      }
      sizes.push(size || Math.ceil(sizes[0]! / (reduction ? 2 : 1)))
    })
    this.edges = edges
    this.concat = effectiveConcat(genotype)
    this.outChannels = this.concat.length * C
    this.outSize = Math.max(...this.concat.map((s) => sizes[s]!))
    const named = <T extends { name: string }>(pick: (op: Op) => readonly T[]): T[] => [
      ...prefixSpecs('preprocess0', pick(this.preprocess0)),
      ...prefixSpecs('preprocess1', pick(this.preprocess1)),
      ...edges.flatMap((e, k) => prefixSpecs(`edges.${k}`, pick(e.op))),
    ]
    this.params = named((op) => op.params)
    this.bns = named((op) => op.bns)
  }

  forward(s0: tf.Tensor4D, s1: tf.Tensor4D, scope: ParamScope, dropMask: DropPathMask): tf.Tensor4D {
    const states: tf.Tensor4D[] = [
      this.preprocess0.apply(s0, scope.child('preprocess0')),
      this.preprocess1.apply(s1, scope.child('preprocess1')),
    ]
    let k = 0
    for (const inputs of this.genotype.nodes) {
      const terms: tf.Tensor4D[] = []
      for (let n = 0; n < inputs.length; n++, k++) {
        const { op, from } = this.edges[k]!
        if (op.isZero) continue
        let h = op.apply(states[from]!, scope.child(`edges.${k}`))
        const mask = isIdentity(op) ? null : dropMask(h.shape[0])
        if (mask) h = tf.mul(h, mask)
        terms.push(h)
      }
      states.push(terms.length > 1 ? sumN(terms) : (terms[0] ?? this.zeroNode(states[0]!)))
    }
    return tf.concat(
      this.concat.map((s) => states[s]!),
      3,
    )
  }

  /** A node with no inputs or only `none` inputs outputs zeros. */
  private zeroNode(s: tf.Tensor4D): tf.Tensor4D {
    const st = this.shape.reduction ? 2 : 1
    return tf.zeros([s.shape[0], Math.ceil(s.shape[1] / st), Math.ceil(s.shape[2] / st), this.shape.C])
  }
}
