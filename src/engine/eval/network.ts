/**
 * DARTS `NetworkCIFAR` (`cnn/model.py`, METHODS.md §2.4) for any DARTS-space genotype, functional like
 * the supernet: weights come in as a flat list in `specs` order. Stem Conv3×3(3C) + BN, `layers` cells
 * with reductions at ⌊L/3⌋ and ⌊2L/3⌋, global average pool, linear classifier, and optionally
 * `AuxiliaryHeadCIFAR` after cell ⌊2L/3⌋.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { DartsGenotype } from '../../core/genotype/model'
import { isReductionLayer } from '../../core/metrics/params'
import type { Rng } from '../../core/rng'
import { bnParamSpecs, bnSpec, conv2d, convSpec, linearSpecs, pointwise, prefixSpecs, relu, specSize } from '../ops/index'
import { contextFromWeights, ParamScope } from '../ops/scope'
import type { BnSpec, ForwardOptions, ParamSpec } from '../types'
import { type DropPathMask, EvalCell } from './cell'

export interface NetworkCIFARConfig {
  readonly genotype: DartsGenotype
  /** Initial channels (DARTS eval: 36). */
  readonly C: number
  readonly layers: number
  readonly numClasses: number
  readonly auxiliary: boolean
  readonly inputChannels: number
  readonly inputSize: number
}

export interface EvalForwardOptions extends ForwardOptions {
  /** Drop-path probability of this epoch (training only); needs `rng` when > 0. */
  readonly dropPathProb?: number
  /** Draws the per-sample Bernoulli masks, so a seed reproduces them. */
  readonly rng?: Rng
}

export interface EvalOutput {
  readonly logits: tf.Tensor2D
  /** Auxiliary-head logits: only in training with `auxiliary`, as DARTS returns them. */
  readonly logitsAux?: tf.Tensor2D
}

export interface NetworkCIFAR {
  readonly config: NetworkCIFARConfig
  readonly cells: readonly EvalCell[]
  /** Main-network weights first, then (with `auxiliary`) the head's, all named `auxiliary.*`. */
  readonly specs: readonly ParamSpec[]
  readonly bnSpecs: readonly BnSpec[]
  /** Index of the cell the auxiliary head reads, ⌊2L/3⌋. */
  readonly auxCell: number
  forward(weights: readonly tf.Tensor[], x: tf.Tensor4D, opts: EvalForwardOptions): EvalOutput
}

export const AUX_PREFIX = 'auxiliary.'
/** Trainable parameters, DARTS convention (auxiliary head excluded) and the head alone. */
export function countEvalParams(net: Pick<NetworkCIFAR, 'specs'>): { params: number; auxParams: number } {
  let [params, auxParams] = [0, 0]
  for (const s of net.specs) {
    if (s.name.startsWith(AUX_PREFIX)) auxParams += specSize(s)
    else params += specSize(s)
  }
  return { params, auxParams }
}

function buildCells(config: NetworkCIFARConfig): EvalCell[] {
  const { C, layers, genotype } = config
  let [C_prev_prev, C_prev, C_curr] = [3 * C, 3 * C, C]
  let [sizePrevPrev, sizePrev] = [config.inputSize, config.inputSize]
  let reduction_prev = false
  const cells: EvalCell[] = []
  for (let i = 0; i < layers; i++) {
    const reduction = isReductionLayer(i, layers)
    if (reduction) C_curr *= 2
    const shape = { C_prev_prev, C_prev, C: C_curr, reduction, reduction_prev, sizePrevPrev, sizePrev }
    const cell = new EvalCell(shape, reduction ? genotype.reduce : genotype.normal)
    cells.push(cell)
    reduction_prev = reduction
    ;[C_prev_prev, C_prev, sizePrevPrev, sizePrev] = [C_prev, cell.outChannels, sizePrev, cell.outSize]
  }
  return cells
}

/** `AuxiliaryHeadCIFAR` weights: Conv1×1(C→128) + BN, Conv2×2(128→768) + BN, Linear(768, classes). */
function auxSpecs(C: number, classes: number): { params: ParamSpec[]; bns: BnSpec[] } {
  const params = [
    convSpec('conv1', 1, 1, C, 128),
    ...bnParamSpecs('bn1', 128, true),
    convSpec('conv2', 2, 2, 128, 768),
    ...bnParamSpecs('bn2', 768, true),
    ...linearSpecs('classifier', 768, classes),
  ]
  return { params: prefixSpecs('auxiliary', params), bns: prefixSpecs('auxiliary', [bnSpec('bn1', 128), bnSpec('bn2', 768)]) }
}

/**
 * The head expects the 8×8 map of CIFAR at ⌊2L/3⌋: AvgPool(5, s3) leaves 2×2 and the 2×2 conv 1×1.
 * Other sizes work as long as the pooled map is at least 2×2 (then the 2×2 conv is valid-padded).
 */
function auxHead(x: tf.Tensor4D, scope: ParamScope): tf.Tensor2D {
  // pad 0, so count_include_pad=False changes nothing: every window lies inside the map.
  const pooled = tf.avgPool(relu(x), 5, 3, 'valid')
  let y = relu(scope.bn('bn1', pointwise(pooled, scope.w('conv1')), true))
  y = relu(scope.bn('bn2', conv2d(y, scope.w('conv2'), 1, 0), true))
  const flat = tf.reshape(y, [y.shape[0], -1]) as tf.Tensor2D
  return tf.add(tf.matMul(flat, scope.w<tf.Tensor2D>('classifier.weight')), scope.w('classifier.bias')) as tf.Tensor2D
}

export function createNetworkCIFAR(config: NetworkCIFARConfig): NetworkCIFAR {
  for (const key of ['C', 'layers', 'numClasses', 'inputChannels', 'inputSize'] as const)
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new Error(`NetworkCIFAR ${key} must be a positive integer`)
  if (config.layers < 3) throw new Error('NetworkCIFAR needs at least 3 layers (two reduction cells and a normal one)')
  const cells = buildCells(config)
  const auxCell = Math.floor((2 * config.layers) / 3)
  const C_stem = 3 * config.C
  const aux = config.auxiliary ? auxSpecs(cells[auxCell]!.outChannels, config.numClasses) : { params: [], bns: [] }
  if (config.auxiliary) {
    const s = cells[auxCell]!.outSize
    if (Math.floor((s - 5) / 3) + 1 < 2)
      throw new Error(`the auxiliary head needs a map of at least 8×8 at cell ${auxCell}, got ${s}×${s}`)
  }
  const specs: ParamSpec[] = [
    convSpec('stem.conv', 3, 3, config.inputChannels, C_stem),
    ...bnParamSpecs('stem.bn', C_stem, true),
    ...cells.flatMap((cell, i) => prefixSpecs(`cells.${i}`, cell.params)),
    ...linearSpecs('classifier', cells[cells.length - 1]!.outChannels, config.numClasses),
    ...aux.params,
  ]
  const bnSpecs: BnSpec[] = [
    bnSpec('stem.bn', C_stem),
    ...cells.flatMap((cell, i) => prefixSpecs(`cells.${i}`, cell.bns)),
    ...aux.bns,
  ]

  function forward(weights: readonly tf.Tensor[], x: tf.Tensor4D, opts: EvalForwardOptions): EvalOutput {
    const [, H, W, Cx] = x.shape
    if (H !== config.inputSize || W !== config.inputSize || Cx !== config.inputChannels)
      throw new Error(`input must be [N, ${config.inputSize}, ${config.inputSize}, ${config.inputChannels}], got [${x.shape}]`)
    const root = new ParamScope(contextFromWeights(specs, weights, opts))
    const p = opts.training ? (opts.dropPathProb ?? 0) : 0
    if (p > 0 && !opts.rng) throw new Error('drop path needs an rng')
    // DARTS: x / keep_prob * Bernoulli(keep_prob) per sample; one [N,1,1,1] factor per op.
    const dropMask: DropPathMask = (n) => {
      if (p <= 0) return null
      const values = new Float32Array(n)
      for (let i = 0; i < n; i++) values[i] = opts.rng!.next() < 1 - p ? 1 / (1 - p) : 0
      return tf.tensor4d(values, [n, 1, 1, 1])
    }
    return tf.tidy(() => {
      const stem = root.bn('stem.bn', conv2d(x, root.w('stem.conv'), 1, 1), true)
      let [s0, s1] = [stem, stem]
      let logitsAux: tf.Tensor2D | undefined
      cells.forEach((cell, i) => {
        const out = tf.tidy(() => cell.forward(s0, s1, root.child(`cells.${i}`), dropMask))
        ;[s0, s1] = [s1, out]
        if (i === auxCell && config.auxiliary && opts.training) logitsAux = auxHead(s1, root.child('auxiliary'))
      })
      const pooled = tf.mean(s1, [1, 2]) as tf.Tensor2D
      const logits = tf.add(tf.matMul(pooled, root.w<tf.Tensor2D>('classifier.weight')), root.w('classifier.bias')) as tf.Tensor2D
      return logitsAux ? { logits, logitsAux } : { logits }
    })
  }

  return { config, cells, specs, bnSpecs, auxCell, forward }
}
