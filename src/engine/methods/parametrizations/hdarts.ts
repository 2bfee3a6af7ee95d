/**
 * HDARTS (METHODS.md §3.13.1; docs/methods/hdarts.md): per cell type, a level-0 α matrix per motif
 * `[motifEdges, 10]` (optimizer group 0, lr hierarchical.level0Lr) and a level-1 α `[cellEdges, motifs]`
 * (group 1, lr hierarchical.level1Lr), all initialised as the config says (the preset: zeros, as the
 * original). Mixing = row-wise softmax at each level. Derivation = argmax per edge at every level
 * (`zero` excluded), dense or top-2 per node. β-decay, when on, is composed by `buildMethod` over every
 * α row of both levels.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import { countSkipEdges, motifName } from '../../../core/genotype/hdarts'
import { deriveHdarts, type HCellAlphas } from '../../../core/genotype/hdartsDerive'
import { toHdartsText } from '../../../core/genotype/hdartsText'
import { softmaxRows } from '../../../core/metrics/math'
import { HDARTS_LEVEL0_OPS } from '../../../core/searchSpaces'
import {
  createHierarchicalSupernet,
  type HCellMixing,
  type HdartsMixing,
  type HierarchicalSupernet,
} from '../../supernet/hierarchical'
import type { SupernetConfig } from '../../types'
import type { ArchParamSpec, Derived, MethodContext, MethodState, RegTerm, SearchMethod } from '../types'
import { supernetConfigOf } from '../supernetConfig'
import type { MethodEntry } from '../types'

const CELL_TYPES = ['normal', 'reduce'] as const

/** `normal.motif0` … `normal.cell`, `reduce.motif0` … `reduce.cell`: groups 0 (level 0) and 1 (level 1). */
export function hdartsArchSpecs(net: HierarchicalSupernet, config: SearchConfig): ArchParamSpec[] {
  const { motifs } = net.config
  return CELL_TYPES.flatMap((which) => [
    ...Array.from({ length: motifs }, (_, k): ArchParamSpec => ({
      name: `${which}.motif${k}`,
      shape: [net.motifEdges, net.config.ops.length],
      init: config.alphaInit,
      group: 0,
    })),
    { name: `${which}.cell`, shape: [net.edges, motifs], init: config.alphaInit, group: 1 },
  ])
}

/** The hierarchical supernet of a config: HDARTS's 10 level-0 primitives, motifs and motif nodes from `hierarchical`. */
export function createHdartsSupernet(base: SupernetConfig, config: SearchConfig): HierarchicalSupernet {
  const { motifs, motifNodes } = config.hierarchical
  return createHierarchicalSupernet({ ...base, ops: HDARTS_LEVEL0_OPS, motifs, motifNodes })
}

export class HdartsMethod implements SearchMethod<HdartsMixing> {
  readonly archSpecs: readonly ArchParamSpec[]
  readonly archLrs: readonly number[]

  constructor(
    readonly net: HierarchicalSupernet,
    readonly config: SearchConfig,
  ) {
    this.archSpecs = hdartsArchSpecs(net, config)
    this.archLrs = [config.hierarchical.level0Lr, config.hierarchical.level1Lr]
  }

  /** Matrices of one cell type in `archSpecs` order: motifs, then the cell. */
  private split<T>(arch: readonly T[], which: 'normal' | 'reduce'): { motifs: T[]; cell: T } {
    const M = this.net.config.motifs
    const start = which === 'normal' ? 0 : M + 1
    return { motifs: arch.slice(start, start + M), cell: arch[start + M]! }
  }

  mixing(arch: readonly tf.Tensor2D[], _ctx: MethodContext): HdartsMixing {
    const cell = (which: 'normal' | 'reduce'): HCellMixing => {
      const a = this.split(arch, which)
      return { motifs: a.motifs.map((m) => tf.softmax(m)), cell: tf.softmax(a.cell) }
    }
    return { normal: cell('normal'), reduce: cell('reduce') }
  }

  archRegularizer(_arch: readonly tf.Tensor2D[], _ctx: MethodContext): RegTerm | null {
    return null
  }

  derive(arch: readonly number[][][]): Derived {
    const alphas = (which: 'normal' | 'reduce'): HCellAlphas => this.split(arch, which)
    const g = deriveHdarts(alphas('normal'), alphas('reduce'), {
      motifNodes: this.net.config.motifNodes,
      steps: this.config.steps,
      multiplier: this.config.multiplier,
      mode: this.config.hierarchical.derive,
      ops: this.net.config.ops,
    })
    // Skips: kept cell edges whose motif is identity-only (hdarts.ts countSkipEdges).
    return {
      text: toHdartsText(g),
      format: 'hdarts',
      skipsNormal: countSkipEdges(g.normal),
      skipsReduce: countSkipEdges(g.reduce),
    }
  }

  /** The level-1 softmax as the per-cell heatmaps: one column per motif. */
  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] } {
    const ops = Array.from({ length: this.net.config.motifs }, (_, k) => motifName(k))
    return { ops, normal: softmaxRows(this.split(arch, 'normal').cell), reduce: softmaxRows(this.split(arch, 'reduce').cell) }
  }

  /** Every motif's softmax(α⁰) per cell type: `motifs.<k>.normal`, `motifs.<k>.reduce`. */
  epochState(arch: readonly number[][][], _ctx: MethodContext): MethodState {
    const matrices: Record<string, number[][]> = {}
    for (const which of CELL_TYPES)
      this.split(arch, which).motifs.forEach((m, k) => (matrices[`motifs.${k}.${which}`] = softmaxRows(m)))
    return { scalars: {}, matrices }
  }
}

export const hdartsEntry: MethodEntry = {
  space: 'darts',
  parametrization: 'hierarchical',
  label: 'HDARTS',
  build: (config, shape, numClasses) => ({
    method: new HdartsMethod(createHdartsSupernet(supernetConfigOf(config, shape, numClasses), config), config) as SearchMethod,
  }),
}
