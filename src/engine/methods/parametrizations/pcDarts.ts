/**
 * PC-DARTS (METHODS.md §3.9): partial channel connections live in the supernet (`partialChannels: K`);
 * this method adds edge normalization. β per cell type is an `[edges, 1]` matrix; the mixing folds the
 * per-node softmax of β into the op weights, W[e, o] = softmax(α_e)_o · softmax_node(β)_e, which is
 * PC-DARTS's Σ_j β̂_j·MixedOp_j(x_j) because the bypass channels are weighted by the row sum Σ_o W[e, o]
 * = β̂_e (mixedOp.ts). Derivation ranks edges and ops by the same W (core `derivePcDarts`).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import { derivePcDarts } from '../../../core/genotype/derive'
import { countOp } from '../../../core/genotype/model'
import { toDartsText } from '../../../core/genotype/serialize'
import { softmax, softmaxRows } from '../../../core/metrics/math'
import type { DartsMixing, Supernet } from '../../types'
import { dartsArchSpecs } from './darts'
import type { ArchParamSpec, Derived, MethodContext, MethodState, RegTerm, SearchMethod } from '../types'
import { createSupernet } from '../../supernet/index'
import { supernetConfigOf } from '../supernetConfig'
import type { MethodEntry } from '../types'

/** softmax of β over each node's incoming edges (rows start..start+i+1 for node i), as an `[edges, 1]` column. */
export function nodeSoftmax(betas: tf.Tensor2D, steps: number): tf.Tensor2D {
  const parts: tf.Tensor2D[] = []
  for (let i = 0, start = 0; i < steps; start += i + 2, i++)
    parts.push(tf.reshape(tf.softmax(tf.reshape(tf.slice(betas, [start, 0], [i + 2, 1]), [1, i + 2])), [i + 2, 1]))
  return tf.concat(parts, 0)
}

/** The same per-node softmax on plain numbers (derivation, events). */
export function nodeSoftmaxValues(betas: readonly number[], steps: number): number[] {
  const out: number[] = []
  for (let i = 0, start = 0; i < steps; start += i + 2, i++) out.push(...softmax(betas.slice(start, start + i + 2)))
  return out
}

export class PcDartsMethod implements SearchMethod<DartsMixing> {
  readonly archSpecs: readonly ArchParamSpec[]
  readonly archLrs: readonly number[]
  /** Edge normalization on: arch = [αN, αR, βN, βR] (PC-DARTS's `_arch_parameters` order); off: [αN, αR]. */
  readonly edgeNormalization: boolean

  constructor(
    readonly net: Supernet<DartsMixing>,
    readonly config: SearchConfig,
  ) {
    const K = net.config.partialChannels ?? 1
    if (K !== config.partialChannel.K)
      throw new Error(`PC-DARTS needs a supernet built with partialChannels = ${config.partialChannel.K}, got ${K}`)
    this.edgeNormalization = config.partialChannel.edgeNormalization
    const betas: ArchParamSpec[] = ['betasNormal', 'betasReduce'].map((name) => ({
      name,
      shape: [net.edges, 1],
      init: config.alphaInit,
      group: 0,
    }))
    this.archSpecs = [...dartsArchSpecs(net.edges, net.config.ops.length, config), ...(this.edgeNormalization ? betas : [])]
    this.archLrs = [config.archLr]
  }

  mixing(arch: readonly tf.Tensor2D[], _ctx: MethodContext): DartsMixing {
    const [aN, aR, bN, bR] = arch
    if (!this.edgeNormalization) return { normal: tf.softmax(aN!), reduce: tf.softmax(aR!) }
    const steps = this.config.steps
    return {
      normal: tf.mul(tf.softmax(aN!), nodeSoftmax(bN!, steps)) as tf.Tensor2D,
      reduce: tf.mul(tf.softmax(aR!), nodeSoftmax(bR!, steps)) as tf.Tensor2D,
    }
  }

  archRegularizer(_arch: readonly tf.Tensor2D[], _ctx: MethodContext): RegTerm | null {
    return null
  }

  derive(arch: readonly number[][][]): Derived {
    const edges = this.net.edges
    // Without edge normalization, uniform β: each node's rows scale by one constant, which keeps DARTS's choice.
    const flat = (m: number[][] | undefined) => (m ? m.map((r) => r[0]!) : new Array<number>(edges).fill(0))
    const g = derivePcDarts(arch[0]!, arch[1]!, flat(arch[2]), flat(arch[3]), {
      ops: this.net.config.ops,
      steps: this.config.steps,
      multiplier: this.config.multiplier,
    })
    return { text: toDartsText(g), format: 'darts', skipsNormal: countOp(g.normal), skipsReduce: countOp(g.reduce) }
  }

  /** softmax(α) rows (the op choice per edge); the edge weights go to the `method` event. */
  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] } {
    return { ops: [...this.net.config.ops], normal: softmaxRows(arch[0]!), reduce: softmaxRows(arch[1]!) }
  }

  /** `edgeNormal`, `edgeReduce`: softmax_node(β) as `[edges, 1]` columns. */
  epochState(arch: readonly number[][][], _ctx: MethodContext): MethodState {
    if (!this.edgeNormalization) return { scalars: {}, matrices: {} }
    const col = (m: number[][]) =>
      nodeSoftmaxValues(
        m.map((r) => r[0]!),
        this.config.steps,
      ).map((v) => [v])
    return { scalars: {}, matrices: { edgeNormal: col(arch[2]!), edgeReduce: col(arch[3]!) } }
  }
}

export const pcDartsEntry: MethodEntry = {
  space: 'darts',
  parametrization: 'partial-channel',
  label: 'PC-DARTS',
  build: (config, shape, numClasses) => ({
    method: new PcDartsMethod(createSupernet(supernetConfigOf(config, shape, numClasses)), config) as SearchMethod,
  }),
}
