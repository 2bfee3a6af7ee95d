/**
 * DARTS `model_search.Network` as a functional supernet (METHODS.md §2.2): stem conv3×3 + affine BN,
 * `layers` search cells with reductions at ⌊L/3⌋ and ⌊2L/3⌋, global average pool, linear classifier.
 * Weights come in as a flat list in `specs` order, so w', w± of the second-order step are plain tensors.
 */
import * as tf from '@tensorflow/tfjs-core'
import { isReductionLayer } from '../../core/metrics/supernet'
import { dartsEdgeCount } from '../../core/searchSpaces'
import { bnParamSpecs, bnSpec, conv2d, convSpec, linearSpecs, prefixSpecs, specSize } from '../ops/index'
import { contextFromWeights, ParamScope } from '../ops/scope'
import type { BnSpec, DartsMixing, ForwardOptions, ParamSpec, Supernet, SupernetConfig } from '../types'
import { unstackMixing } from './alphas'
import { SearchCell } from './cell'

function validate(config: SupernetConfig): void {
  const ints: (keyof SupernetConfig)[] = [
    'C',
    'numClasses',
    'layers',
    'steps',
    'multiplier',
    'stemMultiplier',
    'inputChannels',
    'inputSize',
  ]
  for (const key of ints) {
    const v = config[key]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      throw new Error(`supernet ${key} must be a positive integer, got ${String(v)}`)
  }
  if (config.multiplier > config.steps) throw new Error(`multiplier ${config.multiplier} exceeds steps ${config.steps}`)
  if (config.ops.length === 0) throw new Error('supernet needs at least one candidate op')
  const K = config.partialChannels ?? 1
  if (!Number.isInteger(K) || K < 1 || config.C % K !== 0)
    throw new Error(`supernet partialChannels must be a positive integer dividing C (${config.C}), got ${K}`)
}

/** The mixed-op options of a config: K only when > 1, so the DARTS path stays untouched. */
const mixedOpOptions = (config: SupernetConfig) => ({
  ...((config.partialChannels ?? 1) > 1 ? { partialChannels: config.partialChannels } : {}),
  ...(config.auxSkip ? { auxSkip: true } : {}),
})

/** The cells with their channel and size bookkeeping, exactly as `Network.__init__` builds them. */
export function buildCells(config: SupernetConfig): SearchCell[] {
  const { C, layers, steps, multiplier, stemMultiplier, inputSize } = config
  let [C_prev_prev, C_prev, C_curr] = [stemMultiplier * C, stemMultiplier * C, C]
  let [sizePrevPrev, sizePrev] = [inputSize, inputSize]
  let reduction_prev = false
  const cells: SearchCell[] = []
  for (let i = 0; i < layers; i++) {
    const reduction = isReductionLayer(i, layers)
    if (reduction) C_curr *= 2
    const shape = { C_prev_prev, C_prev, C: C_curr, reduction, reduction_prev, sizePrevPrev, sizePrev }
    const cell = new SearchCell(shape, config.ops, steps, multiplier, mixedOpOptions(config))
    cells.push(cell)
    reduction_prev = reduction
    ;[C_prev_prev, C_prev, sizePrevPrev, sizePrev] = [C_prev, cell.outChannels, sizePrev, cell.outSize]
  }
  return cells
}

export function createSupernet(config: SupernetConfig): Supernet {
  validate(config)
  const cells = buildCells(config)
  const C_stem = config.stemMultiplier * config.C
  const C_last = cells[cells.length - 1]!.outChannels
  const edges = dartsEdgeCount(config.steps)
  const numOps = config.ops.length
  // The stem BN and the classifier are the only affine/trainable non-conv layers of the search net.
  const specs: ParamSpec[] = [
    convSpec('stem.conv', 3, 3, config.inputChannels, C_stem),
    ...bnParamSpecs('stem.bn', C_stem, true),
    ...cells.flatMap((cell, i) => prefixSpecs(`cells.${i}`, cell.params)),
    ...linearSpecs('classifier', C_last, config.numClasses),
  ]
  const bnSpecs: BnSpec[] = [bnSpec('stem.bn', C_stem), ...cells.flatMap((cell, i) => prefixSpecs(`cells.${i}`, cell.bns))]

  function forward(weights: readonly tf.Tensor[], mixing: DartsMixing, x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
    const [, H, W, Cx] = x.shape
    if (H !== config.inputSize || W !== config.inputSize || Cx !== config.inputChannels)
      throw new Error(`input must be [N, ${config.inputSize}, ${config.inputSize}, ${config.inputChannels}], got [${x.shape}]`)
    const ctx = contextFromWeights(specs, weights, opts)
    const root = new ParamScope(ctx)
    // One tidy for the pass: the tape keeps what the backward needs, kept BN statistics survive.
    return tf.tidy(() => {
      const wNormal = unstackMixing(mixing.normal, edges, numOps)
      const wReduce = unstackMixing(mixing.reduce, edges, numOps)
      // PC-DARTS: each edge's bypass channels carry the edge's total weight (β_e with edge normalization).
      const partial = (config.partialChannels ?? 1) > 1
      const edgeNormal = partial ? (tf.unstack(tf.sum(mixing.normal, 1)) as tf.Scalar[]) : undefined
      const edgeReduce = partial ? (tf.unstack(tf.sum(mixing.reduce, 1)) as tf.Scalar[]) : undefined
      const auxBeta = auxSkipWeight(config, mixing)
      const stem = root.bn('stem.bn', conv2d(x, root.w('stem.conv'), 1, 1), true)
      let [s0, s1] = [stem, stem]
      cells.forEach((cell, i) => {
        const red = cell.shape.reduction
        const edgeWeights = red ? edgeReduce : edgeNormal
        const extra = { ...(edgeWeights ? { edgeWeights } : {}), ...(auxBeta ? { auxBeta } : {}) }
        const out = tf.tidy(() => cell.forward(s0, s1, root.child(`cells.${i}`), red ? wReduce : wNormal, extra))
        ;[s0, s1] = [s1, out]
      })
      const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D
      return tf.add(tf.matMul(pooled, root.w<tf.Tensor2D>('classifier.weight')), root.w('classifier.bias')) as tf.Tensor2D
    })
  }

  return { config, specs, bnSpecs, edges, forward }
}

/**
 * DARTS-'s β_t as a scalar tensor, or undefined when the skip is off (β_t absent or 0: nothing to add,
 * so nothing is evaluated). A β_t for a supernet built without the skip is a wiring error.
 */
export function auxSkipWeight(config: SupernetConfig, mixing: { readonly auxSkip?: number }): tf.Scalar | undefined {
  const beta = mixing.auxSkip ?? 0
  if (beta !== 0 && !config.auxSkip)
    throw new Error('mixing has an auxiliary-skip weight but the supernet was built without auxSkip')
  return beta !== 0 ? tf.scalar(beta) : undefined
}

/** Trainable weights of a supernet (what DARTS's `count_parameters_in_MB` counts; α excluded). */
export const countWeights = (supernet: Pick<Supernet, 'specs'>): number => supernet.specs.reduce((n, s) => n + specSize(s), 0)
