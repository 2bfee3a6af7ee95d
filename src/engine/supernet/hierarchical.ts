/**
 * The HDARTS search supernet (METHODS.md §3.13.1, §6.8) as a functional `Supernet<HdartsMixing>`:
 * DARTS's macro skeleton (stem conv3×3 + affine BN, `layers` hierarchical cells, GAP, linear) with
 * reductions at ⌊L/3⌋ and ⌊2L/3⌋ as integers. The original computed the second index as
 * `(2*num_cells)/3`, a float, so with 8 cells its second reduction (5.33) never happened (porting bug 1).
 */
import * as tf from '@tensorflow/tfjs-core'
import { motifEdgeCount, motifEdgeIndex } from '../../core/genotype/hdarts'
import { isReductionLayer } from '../../core/metrics/supernet'
import { dartsEdgeCount } from '../../core/searchSpaces'
import { bnParamSpecs, bnSpec, conv2d, convSpec, linearSpecs, prefixSpecs } from '../ops/index'
import { contextFromWeights, ParamScope } from '../ops/scope'
import type { BnSpec, ForwardOptions, ParamSpec, Supernet, SupernetConfig } from '../types'
import { HierarchicalCell, type PreparedMixing } from './hierarchicalCell'

export interface HierarchicalConfig extends SupernetConfig {
  /** Candidate motifs per cell edge (level-1 ops; HDARTS: 2). */
  readonly motifs: number
  /** Nodes of a motif DAG, input and output included (HDARTS: 3). */
  readonly motifNodes: number
}

/** One cell type's mixing weights, already normalised (softmax): level 0 per motif, and level 1. */
export interface HCellMixing {
  /** `motifs[m]`: `[motifEdges, ops]` (ops = the level-0 primitives, `zero` included). */
  readonly motifs: readonly tf.Tensor2D[]
  /** `[cellEdges, motifs]`, cell edges in DARTS order. */
  readonly cell: tf.Tensor2D
}

export interface HdartsMixing {
  readonly normal: HCellMixing
  readonly reduce: HCellMixing
}

export interface HierarchicalSupernet extends Supernet<HdartsMixing> {
  readonly config: HierarchicalConfig
  readonly cells: readonly HierarchicalCell[]
  /** Level-0 α rows per motif. */
  readonly motifEdges: number
}

function validate(c: HierarchicalConfig): void {
  for (const key of [
    'C',
    'numClasses',
    'layers',
    'steps',
    'multiplier',
    'stemMultiplier',
    'inputChannels',
    'inputSize',
    'motifs',
  ] as const)
    if (!Number.isInteger(c[key]) || c[key] < 1)
      throw new Error(`supernet ${key} must be a positive integer, got ${String(c[key])}`)
  if (!Number.isInteger(c.motifNodes) || c.motifNodes < 2)
    throw new Error(`motifNodes must be an integer ≥ 2, got ${c.motifNodes}`)
  if (c.multiplier > c.steps) throw new Error(`multiplier ${c.multiplier} exceeds steps ${c.steps}`)
  if (c.ops.length === 0) throw new Error('supernet needs at least one level-0 primitive')
}

export function buildHierarchicalCells(config: HierarchicalConfig): HierarchicalCell[] {
  const { C, layers, steps, multiplier, stemMultiplier, inputSize, motifNodes } = config
  let [C_prev_prev, C_prev, C_curr] = [stemMultiplier * C, stemMultiplier * C, C]
  let [sizePrevPrev, sizePrev] = [inputSize, inputSize]
  let reduction_prev = false
  const cells: HierarchicalCell[] = []
  for (let i = 0; i < layers; i++) {
    const reduction = isReductionLayer(i, layers) // Math.floor for both indices
    if (reduction) C_curr *= 2
    const shape = { C_prev_prev, C_prev, C: C_curr, reduction, reduction_prev, sizePrevPrev, sizePrev }
    const cell = new HierarchicalCell(shape, config.ops, steps, multiplier, motifNodes)
    cells.push(cell)
    reduction_prev = reduction
    ;[C_prev_prev, C_prev, sizePrevPrev, sizePrev] = [C_prev, cell.outChannels, sizePrev, cell.outSize]
  }
  return cells
}

/**
 * Weight vectors for the shared motifs (see PreparedMixing), once per forward pass for all cells of the
 * type. Every split is a slice and a reshape: a node's incoming edges are consecutive rows at both
 * levels. The non-zero primitives' columns are picked by a product with a constant 0/1 matrix
 * (tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks).
 */
export function prepareMixing(mix: HCellMixing, live: readonly number[], motifNodes: number, steps: number): PreparedMixing {
  const numOps = mix.motifs[0]!.shape[1]
  const pick = new Float32Array(numOps * live.length)
  live.forEach((col, k) => (pick[col * live.length + k] = 1))
  const liveCols = tf.tensor2d(pick, [numOps, live.length])
  const motifs = mix.motifs.map((m) => {
    const w = tf.matMul(m, liveCols)
    // Node b's edges a → b (a = 0 … b−1) are rows motifEdgeIndex(0, b) … + b − 1.
    return Array.from(
      { length: motifNodes - 1 },
      (_, k) => tf.reshape(tf.slice(w, [motifEdgeIndex(0, k + 1), 0], [k + 1, -1]), [-1]) as tf.Tensor1D,
    )
  })
  // Node i's edges j → i (j = 0 … i+1) are rows i(i+3)/2 … + i + 1.
  const cell = Array.from(
    { length: steps },
    (_, i) => tf.reshape(tf.slice(mix.cell, [(i * (i + 3)) / 2, 0], [i + 2, -1]), [-1]) as tf.Tensor1D,
  )
  return { motifs, cell }
}

export function createHierarchicalSupernet(config: HierarchicalConfig): HierarchicalSupernet {
  validate(config)
  const cells = buildHierarchicalCells(config)
  const C_stem = config.stemMultiplier * config.C
  const edges = dartsEdgeCount(config.steps)
  const motifEdges = motifEdgeCount(config.motifNodes)
  const live = cells[0]!.motifs[0]!.live
  const specs: ParamSpec[] = [
    convSpec('stem.conv', 3, 3, config.inputChannels, C_stem),
    ...bnParamSpecs('stem.bn', C_stem, true),
    ...cells.flatMap((cell, i) => prefixSpecs(`cells.${i}`, cell.params)),
    ...linearSpecs('classifier', cells[cells.length - 1]!.outChannels, config.numClasses),
  ]
  const bnSpecs: BnSpec[] = [bnSpec('stem.bn', C_stem), ...cells.flatMap((cell, i) => prefixSpecs(`cells.${i}`, cell.bns))]

  const check = (mix: HCellMixing, which: string) => {
    if (mix.motifs.length !== config.motifs)
      throw new Error(`${which}: expected ${config.motifs} motif matrices, got ${mix.motifs.length}`)
    mix.motifs.forEach((m, k) => {
      if (m.shape[0] !== motifEdges || m.shape[1] !== config.ops.length)
        throw new Error(`${which}.motif${k} must have shape [${motifEdges}, ${config.ops.length}], got [${m.shape}]`)
    })
    if (mix.cell.shape[0] !== edges || mix.cell.shape[1] !== config.motifs)
      throw new Error(`${which}.cell must have shape [${edges}, ${config.motifs}], got [${mix.cell.shape}]`)
  }

  function forward(weights: readonly tf.Tensor[], mixing: HdartsMixing, x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
    const [, H, W, Cx] = x.shape
    if (H !== config.inputSize || W !== config.inputSize || Cx !== config.inputChannels)
      throw new Error(`input must be [N, ${config.inputSize}, ${config.inputSize}, ${config.inputChannels}], got [${x.shape}]`)
    check(mixing.normal, 'normal')
    check(mixing.reduce, 'reduce')
    const root = new ParamScope(contextFromWeights(specs, weights, opts))
    return tf.tidy(() => {
      const normal = prepareMixing(mixing.normal, live, config.motifNodes, config.steps)
      const reduce = prepareMixing(mixing.reduce, live, config.motifNodes, config.steps)
      const stem = root.bn('stem.bn', conv2d(x, root.w('stem.conv'), 1, 1), true)
      let [s0, s1] = [stem, stem]
      cells.forEach((cell, i) => {
        const out = tf.tidy(() => cell.forward(s0, s1, root.child(`cells.${i}`), cell.shape.reduction ? reduce : normal))
        ;[s0, s1] = [s1, out]
      })
      const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D
      return tf.add(tf.matMul(pooled, root.w<tf.Tensor2D>('classifier.weight')), root.w('classifier.bias')) as tf.Tensor2D
    })
  }

  return { config, specs, bnSpecs, edges, cells, motifEdges, forward }
}
