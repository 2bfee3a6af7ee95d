/**
 * NAS-Bench-201's search network (D-X-Y `TinyNetworkDarts` over `NAS201SearchCell`, METHODS.md §4.3):
 * stem Conv3×3(in→C) + BN; three stages of N search cells (C, 2C, 4C channels) joined by stride-2
 * ResNet basic blocks; BN + ReLU, global average pool, linear. A cell has 4 nodes: node 0 is the
 * input, node i = Σ_{j<i} MixedOp_{i←j}(node j), the output is node 3. One α `[6, ops]` shared by
 * every cell, rows in NB201_EDGES order (`'{i}<-{j}'` sorted).
 *
 * Search BNs as in DARTS search: the cell ops' BNs are affine=False (D-X-Y's `--affine 0`); the stem,
 * basic-block and last BNs are affine. Running statistics are tracked like every BN of the engine
 * (D-X-Y's `--track_running_stats` is a flag; with 0 its eval pass uses batch statistics).
 *
 * Deviation: D-X-Y's ReLUConvBN gives a conv a bias exactly when its BN is not affine (`bias=not
 * affine`), so the cell convs of its search net carry biases. The BN after them subtracts the batch
 * mean, so such a bias never changes the output and gets a zero gradient; we leave it out (the
 * supernet has 12·C_stage fewer weights per cell than D-X-Y's parameter count).
 */
import * as tf from '@tensorflow/tfjs-core'
import { NB201_EDGES, NB201_NODES } from '../../core/searchSpaces'
import {
  bnParamSpecs,
  bnSpec,
  conv2d,
  convSpec,
  identityOp,
  linearSpecs,
  type Op,
  pointwise,
  poolOp,
  prefixSpecs,
  relu,
  reluConvBn,
  sumN,
  zeroOp,
} from '../ops/index'
import { contextFromWeights, ParamScope } from '../ops/scope'
import type { BnSpec, DartsMixing, ForwardOptions, ParamSpec, Supernet, SupernetConfig } from '../types'
import { unstackMixing } from './alphas'
import { MixedOp } from './mixedOp'
import { auxSkipWeight } from './network'

/** `cell_operations.OPS` for the NB201 ops (search version, C_in = C_out). */
export function nb201Op(name: string, C: number, stride: number): Op {
  if (stride !== 1) throw new Error(`NAS-Bench-201 cell ops run at stride 1, got ${stride}`)
  switch (name) {
    case 'none':
      return zeroOp(C, 1)
    case 'skip_connect':
      return identityOp(C)
    case 'nor_conv_1x1':
      return reluConvBn(C, C, 1, 1, 0, false)
    case 'nor_conv_3x3':
      return reluConvBn(C, C, 3, 1, 1, false)
    case 'avg_pool_3x3':
      // D-X-Y's POOLING: no BN after the pool (DARTS's MixedOp adds one; NB201's cell does not).
      return poolOp('avg', C, 1, false, false)
    default:
      throw new Error(`Unknown NAS-Bench-201 op "${name}"; valid: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3`)
  }
}

/** One search cell: 6 mixed ops in NB201_EDGES order, named `edges.{row}`. */
export class Nb201Cell {
  readonly edges: readonly MixedOp[]
  readonly params: readonly ParamSpec[]
  readonly bns: readonly BnSpec[]

  constructor(
    readonly C: number,
    readonly ops: readonly string[],
    auxSkip = false,
  ) {
    this.edges = NB201_EDGES.map(() => new MixedOp(ops, C, 1, { createOp: nb201Op, ...(auxSkip ? { auxSkip } : {}) }))
    this.params = this.edges.flatMap((e, k) => prefixSpecs(`edges.${k}`, e.params))
    this.bns = this.edges.flatMap((e, k) => prefixSpecs(`edges.${k}`, e.bns))
  }

  /** `weights[row][o]`: the mixing of edge row `row`; `auxBeta`: DARTS-'s β_t (the skip is the identity here). */
  forward(
    x: tf.Tensor4D,
    scope: ParamScope,
    weights: readonly (readonly tf.Scalar[])[],
    auxBeta?: tf.Scalar,
    path?: readonly number[],
  ): tf.Tensor4D {
    const nodes: tf.Tensor4D[] = [x]
    // Single path: zero anchors of every edge's weights, added to the output so none is cut off by a dead node.
    const anchors: tf.Scalar[] = []
    for (let i = 1; i < NB201_NODES; i++) {
      const terms: tf.Tensor4D[] = []
      // Single path: the unused columns' weights, added as scalars (forward_gdas), so their gradient exists.
      const bare: tf.Scalar[] = []
      NB201_EDGES.forEach(([to, from], e) => {
        if (to !== i) return
        const edgeScope = scope.child(`edges.${e}`)
        if (path) {
          const column = path[e]!
          const term = this.edges[e]!.applyColumn(nodes[from]!, edgeScope, weights[e]!, column)
          if (term) terms.push(term)
          bare.push(...weights[e]!.filter((_, o) => o !== column))
          const anchor = this.edges[e]!.zeroAnchor(edgeScope)
          if (anchor) anchors.push(anchor)
        } else terms.push(...this.edges[e]!.apply(nodes[from]!, edgeScope, weights[e]!))
        if (auxBeta) terms.push(this.edges[e]!.auxSkip(nodes[from]!, edgeScope, auxBeta))
      })
      const node = terms.length ? sumN(terms) : tf.zerosLike(x)
      nodes.push(bare.length ? (tf.add(node, tf.addN(bare)) as tf.Tensor4D) : node)
    }
    const out = nodes[NB201_NODES - 1]!
    return anchors.length ? (tf.add(out, tf.addN(anchors)) as tf.Tensor4D) : out
  }
}

/**
 * D-X-Y's `ResNetBasicblock(C_in, C_out, 2)`: ReLUConvBN 3×3 s2 → ReLUConvBN 3×3 s1, plus the shortcut
 * AvgPool2d(2, 2) → Conv1×1 (no bias, no BN). Affine BNs.
 */
export class ResidualBlock {
  readonly convA: Op
  readonly convB: Op
  readonly params: readonly ParamSpec[]
  readonly bns: readonly BnSpec[]

  constructor(
    readonly C_in: number,
    readonly C_out: number,
  ) {
    this.convA = reluConvBn(C_in, C_out, 3, 2, 1, true)
    this.convB = reluConvBn(C_out, C_out, 3, 1, 1, true)
    this.params = [
      ...prefixSpecs('conv_a', this.convA.params),
      ...prefixSpecs('conv_b', this.convB.params),
      convSpec('downsample.conv', 1, 1, C_in, C_out),
    ]
    this.bns = [...prefixSpecs('conv_a', this.convA.bns), ...prefixSpecs('conv_b', this.convB.bns)]
  }

  forward(x: tf.Tensor4D, scope: ParamScope): tf.Tensor4D {
    const [, H, W] = x.shape
    // conv_a's output is ceil(H/2), the 2×2 average pool's floor(H/2): PyTorch fails on odd sizes too.
    if (H % 2 !== 0 || W % 2 !== 0) throw new Error(`the NB201 residual block needs even H and W, got ${H}×${W}`)
    const b = this.convB.apply(this.convA.apply(x, scope.child('conv_a')), scope.child('conv_b'))
    const shortcut = pointwise(tf.avgPool(x, 2, 2, 'valid'), scope.w('downsample.conv'))
    return tf.add(shortcut, b)
  }
}

function validate(config: SupernetConfig): void {
  for (const key of ['C', 'numClasses', 'layers', 'inputChannels', 'inputSize'] as const) {
    const v = config[key]
    if (!Number.isInteger(v) || v < 1) throw new Error(`supernet ${key} must be a positive integer, got ${String(v)}`)
  }
  if (config.ops.length === 0) throw new Error('supernet needs at least one candidate op')
  if ((config.partialChannels ?? 1) !== 1) throw new Error('partial channels are defined on the DARTS cell, not on NAS-Bench-201')
  if (config.inputSize % 4 !== 0)
    throw new Error(`NAS-Bench-201 halves the input twice; its side must be a multiple of 4, got ${config.inputSize}`)
}

/**
 * The NB201 search supernet. `config.layers` is N, the cells per stage (NB201: 5); `steps`,
 * `multiplier` and `stemMultiplier` do not apply. Mixing: `normal` is the `[6, ops]` matrix of every
 * cell (`reduce` is ignored: the residual blocks have no α).
 */
export function createNb201Supernet(config: SupernetConfig): Supernet<DartsMixing> {
  validate(config)
  const { C, layers: N, ops } = config
  const edges = NB201_EDGES.length
  const blocks: (Nb201Cell | ResidualBlock)[] = []
  for (let stage = 0; stage < 3; stage++) {
    const Cs = C * 2 ** stage
    if (stage > 0) blocks.push(new ResidualBlock(Cs / 2, Cs))
    for (let n = 0; n < N; n++) blocks.push(new Nb201Cell(Cs, ops, config.auxSkip === true))
  }
  const C_last = 4 * C
  const specs: ParamSpec[] = [
    convSpec('stem.conv', 3, 3, config.inputChannels, C),
    ...bnParamSpecs('stem.bn', C, true),
    ...blocks.flatMap((b, i) => prefixSpecs(`cells.${i}`, b.params)),
    ...bnParamSpecs('lastact.bn', C_last, true),
    ...linearSpecs('classifier', C_last, config.numClasses),
  ]
  const bnSpecs: BnSpec[] = [
    bnSpec('stem.bn', C),
    ...blocks.flatMap((b, i) => prefixSpecs(`cells.${i}`, b.bns)),
    bnSpec('lastact.bn', C_last),
  ]

  function forward(weights: readonly tf.Tensor[], mixing: DartsMixing, x: tf.Tensor4D, opts: ForwardOptions): tf.Tensor2D {
    const [, H, W, Cx] = x.shape
    if (H !== config.inputSize || W !== config.inputSize || Cx !== config.inputChannels)
      throw new Error(`input must be [N, ${config.inputSize}, ${config.inputSize}, ${config.inputChannels}], got [${x.shape}]`)
    const root = new ParamScope(contextFromWeights(specs, weights, opts))
    return tf.tidy(() => {
      const w = unstackMixing(mixing.normal, edges, ops.length)
      const auxBeta = auxSkipWeight(config, mixing)
      let s = root.bn('stem.bn', conv2d(x, root.w('stem.conv'), 1, 1), true)
      blocks.forEach((block, i) => {
        const prev = s
        const scope = root.child(`cells.${i}`)
        s = tf.tidy(() =>
          block instanceof Nb201Cell ? block.forward(prev, scope, w, auxBeta, mixing.path) : block.forward(prev, scope),
        )
      })
      const out = relu(root.bn('lastact.bn', s, true))
      const pooled = tf.mean(out, [1, 2]) as tf.Tensor2D
      return tf.add(tf.matMul(pooled, root.w<tf.Tensor2D>('classifier.weight')), root.w('classifier.bias')) as tf.Tensor2D
    })
  }

  return { config, specs, bnSpecs, edges, forward }
}

/**
 * Weights of the NB201 search supernet in closed form (our convention: no inert cell-conv biases;
 * add `nb201ConvBiases` for D-X-Y's count): stem, 6 edges × (1×1 + 3×3 conv) per cell, two basic
 * blocks, the last BN and the classifier.
 */
export function nb201WeightCount(o: { C: number; N: number; inputChannels: number; numClasses: number }): number {
  const { C, N } = o
  const stages = [C, 2 * C, 4 * C]
  const cells = stages.reduce((n, c) => n + N * 6 * (c * c + 9 * c * c), 0)
  const block = (ci: number, co: number) => 9 * ci * co + 2 * co + 9 * co * co + 2 * co + ci * co
  const stem = 9 * o.inputChannels * C + 2 * C
  return stem + cells + block(C, 2 * C) + block(2 * C, 4 * C) + 2 * 4 * C + 4 * C * o.numClasses + o.numClasses
}

/** The cell-conv biases D-X-Y's search net has and ours leaves out (two convs per edge, 6 edges per cell). */
export const nb201ConvBiases = (C: number, N: number): number => N * 6 * 2 * (C + 2 * C + 4 * C)
