/**
 * DARTS's parametrization (METHODS.md §3.1): α per cell type, mixing = row-wise softmax(α),
 * derivation = top-2 inputs per node by their best non-`none` op. The base the other DARTS-space
 * methods extend (β-DARTS adds a regularizer, SDARTS a perturbation, DARTS- an auxiliary skip).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import { deriveDarts } from '../../../core/genotype/derive'
import { countOp } from '../../../core/genotype/model'
import { toDartsText } from '../../../core/genotype/serialize'
import { softmaxRows } from '../../../core/metrics/math'
import type { DartsMixing, Supernet } from '../../types'
import type { ArchParamSpec, Derived, MethodContext, RegTerm, SearchMethod } from '../types'
import { createSupernet } from '../../supernet/index'
import { supernetConfigOf } from '../supernetConfig'
import type { MethodEntry } from '../types'

/** `alphasNormal`, `alphasReduce`: `[edges, ops]` each. */
export function dartsArchSpecs(edges: number, numOps: number, config: SearchConfig): ArchParamSpec[] {
  return [
    { name: 'alphasNormal', shape: [edges, numOps], init: config.alphaInit, group: 0 },
    { name: 'alphasReduce', shape: [edges, numOps], init: config.alphaInit, group: 0 },
  ]
}

export class DartsMethod implements SearchMethod<DartsMixing> {
  readonly archSpecs: readonly ArchParamSpec[]
  readonly archLrs: readonly number[]

  constructor(
    readonly net: Supernet<DartsMixing>,
    readonly config: SearchConfig,
  ) {
    this.archSpecs = dartsArchSpecs(net.edges, net.config.ops.length, config)
    this.archLrs = [config.archLr]
  }

  mixing(arch: readonly tf.Tensor2D[], _ctx: MethodContext): DartsMixing {
    return { normal: tf.softmax(arch[0]!), reduce: tf.softmax(arch[1]!) }
  }

  archRegularizer(_arch: readonly tf.Tensor2D[], _ctx: MethodContext): RegTerm | null {
    return null
  }

  derive(arch: readonly number[][][]): Derived {
    const g = deriveDarts(arch[0]!, arch[1]!, {
      ops: this.net.config.ops,
      steps: this.config.steps,
      multiplier: this.config.multiplier,
    })
    return { text: toDartsText(g), format: 'darts', skipsNormal: countOp(g.normal), skipsReduce: countOp(g.reduce) }
  }

  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] } {
    return { ops: [...this.net.config.ops], normal: softmaxRows(arch[0]!), reduce: softmaxRows(arch[1]!) }
  }
}

export const dartsEntry: MethodEntry = {
  space: 'darts',
  parametrization: 'softmax',
  label: 'DARTS',
  build: (config, shape, numClasses) => ({
    method: new DartsMethod(createSupernet(supernetConfigOf(config, shape, numClasses)), config) as SearchMethod,
  }),
}
