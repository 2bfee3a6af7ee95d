/**
 * DARTS on NAS-Bench-201 (METHODS.md §4.3; D-X-Y's DARTS-V1): one α `[6, 5]` for every cell, mixing =
 * row-wise softmax, derivation = argmax op per edge with `none` allowed (core `deriveNb201`), written as
 * the NB201 string. The mixing is a DartsMixing whose `normal` and `reduce` are the same matrix, so
 * code written for the DARTS mixing (SDARTS perturbations, PT, β-decay on `arch[0]`) applies as is;
 * the NB201 supernet reads `normal` only.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import { deriveNb201 } from '../../../core/genotype/derive'
import { countOp } from '../../../core/genotype/model'
import { toNb201String } from '../../../core/genotype/serialize'
import { softmaxRows } from '../../../core/metrics/math'
import type { DartsMixing, Supernet } from '../../types'
import type { ArchParamSpec, Derived, MethodContext, RegTerm, SearchMethod } from '../types'
import { NB201_OPS } from '../../../core/searchSpaces'
import { createNb201Supernet } from '../../supernet/nb201'
import { supernetConfigOf } from '../supernetConfig'
import type { MethodEntry } from '../types'

export class Nb201Method implements SearchMethod<DartsMixing> {
  readonly archSpecs: readonly ArchParamSpec[]
  readonly archLrs: readonly number[]

  constructor(
    readonly net: Supernet<DartsMixing>,
    readonly config: SearchConfig,
  ) {
    this.archSpecs = [{ name: 'alphas', shape: [net.edges, net.config.ops.length], init: config.alphaInit, group: 0 }]
    this.archLrs = [config.archLr]
  }

  mixing(arch: readonly tf.Tensor2D[], _ctx: MethodContext): DartsMixing {
    const w = tf.softmax(arch[0]!)
    return { normal: w, reduce: w }
  }

  archRegularizer(_arch: readonly tf.Tensor2D[], _ctx: MethodContext): RegTerm | null {
    return null
  }

  derive(arch: readonly number[][][]): Derived {
    const g = deriveNb201(arch[0]!, { ops: this.net.config.ops })
    return { text: toNb201String(g), format: 'nb201', skipsNormal: countOp(g), skipsReduce: 0 }
  }

  /** One cell type: softmax rows under `normal`, no `reduce` rows. */
  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] } {
    return { ops: [...this.net.config.ops], normal: softmaxRows(arch[0]!), reduce: [] }
  }
}

export const nb201Entry: MethodEntry = {
  space: 'nb201',
  parametrization: 'softmax',
  label: 'DARTS on NAS-Bench-201',
  build: (config, shape, numClasses) => ({
    method: new Nb201Method(createNb201Supernet(supernetConfigOf(config, shape, numClasses, NB201_OPS)), config) as SearchMethod,
  }),
}
