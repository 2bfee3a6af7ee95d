/**
 * PR-DARTS (Zhou et al. 2020, arXiv 2006.16537; METHODS.md §3.2, from the official code): hard-concrete
 * gates per (edge, op), k ops per edge chosen by a straight-through top-k with gate dropout, the
 * group-structured sparsity regularizer (skip / pools / the rest) with a hinge, and the path-depth
 * reward on the chain s1 → n0 → n1 → … Derivation ranks every (op, input) pair of a node jointly.
 *
 * Column order: α columns follow DARTS_PRIMITIVES, not PR-DARTS's own `DARTS_SPACE` (none, skip,
 * 4 convs, avg, max). Every group is therefore looked up by op NAME (`prDartsLayout`), never by
 * PR-DARTS's column indices 1, 2:6, 6:8.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import { derivePrDarts } from '../../../core/genotype/derive'
import { countOp } from '../../../core/genotype/model'
import { toDartsText } from '../../../core/genotype/serialize'
import { softmaxRows } from '../../../core/metrics/math'
import type { DartsMixing, Supernet } from '../../types'
import { dartsArchSpecs } from './darts'
import { type GateSample, gateProbability, gateProbabilityRows, hardMixing, sampleGates, type Stretch, topKMask } from './gates'
import type { ArchParamSpec, Derived, MethodContext, MethodState, RegTerm, SearchMethod } from '../types'
import { createSupernet } from '../../supernet/index'
import { supernetConfigOf } from '../supernetConfig'
import type { MethodEntry } from '../types'

/** Columns of each regularizer group and the rows of the chain edges, for one op list and cell size. */
export interface PrDartsLayout {
  readonly cols: number
  /** S: `skip_connect`. */
  readonly skip: readonly number[]
  /** Q: the pooling ops. */
  readonly pools: readonly number[]
  /** G: every op that is neither a skip nor a pool, `none` included (PR-DARTS columns 0 and 2:6). */
  readonly other: readonly number[]
  /** The path term's ops: G without `none` (PR-DARTS columns 2:6, the convolutions). */
  readonly convs: readonly number[]
  /** Rows of the edges node i ← state i+1 (`'{i}<-{i+1}'`), the longest path s1 → n0 → … → n_last. */
  readonly chain: readonly number[]
}

export function prDartsLayout(ops: readonly string[], steps: number): PrDartsLayout {
  const cols = (pred: (op: string) => boolean) => ops.flatMap((op, c) => (pred(op) ? [c] : []))
  const isPool = (op: string) => op.includes('pool')
  const skip = cols((op) => op === 'skip_connect')
  const other = cols((op) => op !== 'skip_connect' && !isPool(op))
  // Node i's rows start at Σ_{m<i}(m+2) = i(i+3)/2; its input i+1 is the previous intermediate node (or s1).
  const chain = Array.from({ length: steps }, (_, i) => (i * (i + 3)) / 2 + i + 1)
  return { cols: ops.length, skip, pools: cols(isPool), other, convs: other.filter((c) => ops[c] !== 'none'), chain }
}

/** τ of an epoch: linear from tauMax (epoch 0) to tauMin (last epoch), as `test_PRDARTS.py` sets it. */
export function annealedTau(gates: { readonly tauMax: number; readonly tauMin: number }, epoch: number, epochs: number): number {
  if (epochs <= 1) return gates.tauMax
  const t = Math.min(Math.max(epoch, 0), epochs - 1) / (epochs - 1)
  return gates.tauMax - (gates.tauMax - gates.tauMin) * t
}

export type PathGroupWeights = SearchConfig['regularization']['pathGroup']

interface CellTerms {
  readonly S: tf.Scalar
  readonly G: tf.Scalar
  readonly Q: tf.Scalar
  readonly Path: tf.Scalar
}

/**
 * ΣA[:, group] / ΣM[:, group] with A = P ⊙ M, as Σ P ⊙ W for the constant W = M/count on the group's
 * columns (the count is data, not a function of α). 0 when the sample selected no op of the group.
 */
function groupTerm(P: tf.Tensor2D, mask: Float32Array, cols: number, group: readonly number[]): tf.Scalar {
  const rows = mask.length / cols
  const W = new Float32Array(mask.length)
  let count = 0
  for (let r = 0; r < rows; r++) for (const c of group) count += mask[r * cols + c]!
  if (count === 0) return tf.scalar(0)
  for (let r = 0; r < rows; r++) for (const c of group) W[r * cols + c] = mask[r * cols + c]! / count
  return tf.sum(tf.mul(P, tf.tensor2d(W, [rows, cols])))
}

/** Π over chain edges with a selected conv of ΣA[e, convs]/ΣM[e, convs]; 0 when no chain edge qualifies. */
function pathTerm(P: tf.Tensor2D, mask: Float32Array, layout: PrDartsLayout): tf.Scalar {
  const { cols, convs, chain } = layout
  const factors: tf.Scalar[] = []
  for (const e of chain) {
    const count = convs.reduce((n, c) => n + mask[e * cols + c]!, 0)
    if (count === 0) continue
    const W = new Float32Array(mask.length)
    for (const c of convs) W[e * cols + c] = mask[e * cols + c]! / count
    factors.push(tf.sum(tf.mul(P, tf.tensor2d(W, P.shape))))
  }
  // A chain of scalar products: tf.gather's gradient (UnsortedSegmentSum) has no wasm kernel.
  if (factors.length === 0) return tf.scalar(0)
  return factors.reduce((p, d) => tf.mul(p, d))
}

function cellTerms(P: tf.Tensor2D, mask: Float32Array, layout: PrDartsLayout): CellTerms {
  return {
    S: groupTerm(P, mask, layout.cols, layout.skip),
    G: groupTerm(P, mask, layout.cols, layout.other),
    Q: groupTerm(P, mask, layout.cols, layout.pools),
    Path: pathTerm(P, mask, layout),
  }
}

/**
 * `get_regularization`: each group term is the mean of the normal and reduce cells' terms, then
 * Reg = λ1·max(S−t, 0) + λ2·(max(G−t, 0) + max(Q−t, 0)) − λ3·Path. `probs` are the gate
 * probabilities P = sigmoid(α − τ·ln(−a/b)) per cell, `masks` that step's top-k selections. The
 * parts are the group activations before the hinge (comparable with the threshold t).
 */
export function prDartsRegularizer(
  probs: readonly tf.Tensor2D[],
  masks: readonly Float32Array[],
  layout: PrDartsLayout,
  w: PathGroupWeights,
): RegTerm {
  const terms = probs.map((P, i) => cellTerms(P, masks[i]!, layout))
  const mean = (key: keyof CellTerms) => tf.div(tf.addN(terms.map((t) => t[key])), terms.length) as tf.Scalar
  const [S, G, Q, Path] = [mean('S'), mean('G'), mean('Q'), mean('Path')]
  const hinge = (x: tf.Scalar) => tf.relu(tf.sub(x, w.threshold))
  const penalty = tf.add(tf.mul(hinge(S), w.lambdaSkip), tf.mul(tf.add(hinge(G), hinge(Q)), w.lambdaOther))
  const loss = tf.sub(penalty, tf.mul(Path, w.lambdaPath)) as tf.Scalar
  return { loss, parts: { prS: S, prG: G, prQ: Q, prPath: Path } }
}

export class PrDartsMethod implements SearchMethod<DartsMixing> {
  readonly archSpecs: readonly ArchParamSpec[]
  readonly archLrs: readonly number[]
  readonly layout: PrDartsLayout
  readonly stretch: Stretch
  /**
   * The masks of the last α-step sample: the searcher calls `mixing` then `archRegularizer` on the
   * same α within one step, and the regularizer must count the ops that forward selected.
   */
  private armed: Float32Array[] | null = null

  constructor(
    readonly net: Supernet<DartsMixing>,
    readonly config: SearchConfig,
  ) {
    this.archSpecs = dartsArchSpecs(net.edges, net.config.ops.length, config)
    this.archLrs = [config.archLr]
    this.layout = prDartsLayout(net.config.ops, config.steps)
    this.stretch = { a: config.gates.a, b: config.gates.b }
  }

  tau(ctx: Pick<MethodContext, 'epoch' | 'epochs'>): number {
    return annealedTau(this.config.gates, ctx.epoch, ctx.epochs)
  }

  /** A fresh sample per weight and α step; in 'eval' the k most probable gates of each edge (P(g>0) top-k, weight 1). */
  mixing(arch: readonly tf.Tensor2D[], ctx: MethodContext): DartsMixing {
    if (ctx.phase === 'eval') {
      const [normal, reduce] = arch.slice(0, 2).map((a) => this.mostProbable(a))
      return { normal: normal!, reduce: reduce! }
    }
    const [normal, reduce] = this.sample(arch, ctx)
    if (ctx.phase === 'arch') this.armed = [normal!.mask, reduce!.mask]
    return { normal: hardMixing(normal!), reduce: hardMixing(reduce!) }
  }

  archRegularizer(arch: readonly tf.Tensor2D[], ctx: MethodContext): RegTerm | null {
    const w = this.config.regularization.pathGroup
    const masks = this.armed
    this.armed = null
    if (w.lambdaSkip + w.lambdaOther + w.lambdaPath === 0) return null
    // Called on its own (no forward this step): a selection of its own, from the same stream.
    const selected = masks ?? this.freshMasks(arch, ctx)
    const tau = this.tau(ctx)
    const probs = arch.slice(0, 2).map((a) => gateProbability(a, tau, this.stretch))
    return prDartsRegularizer(probs, selected, this.layout, w)
  }

  derive(arch: readonly number[][][]): Derived {
    const g = derivePrDarts(arch[0]!, arch[1]!, {
      ops: this.net.config.ops,
      steps: this.config.steps,
      multiplier: this.config.multiplier,
    })
    return { text: toDartsText(g), format: 'darts', skipsNormal: countOp(g.normal), skipsReduce: countOp(g.reduce) }
  }

  /** softmax(α) rows: what the derivation ranks (the gate probabilities go to the `method` event). */
  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] } {
    return { ops: [...this.net.config.ops], normal: softmaxRows(arch[0]!), reduce: softmaxRows(arch[1]!) }
  }

  epochState(arch: readonly number[][][], ctx: MethodContext): MethodState {
    const tau = this.tau(ctx)
    return {
      scalars: { tau },
      matrices: {
        gatesNormal: gateProbabilityRows(arch[0]!, tau, this.stretch),
        gatesReduce: gateProbabilityRows(arch[1]!, tau, this.stretch),
      },
    }
  }

  /** Normal then reduce, each: noise, dropout, permutation (PR-DARTS's order of draws). */
  private sample(arch: readonly tf.Tensor2D[], ctx: MethodContext): GateSample[] {
    const { k, dropout } = this.config.gates
    const tau = this.tau(ctx)
    return arch.slice(0, 2).map((a) => sampleGates(a, tau, this.stretch, k, dropout, ctx.rng))
  }

  private freshMasks(arch: readonly tf.Tensor2D[], ctx: MethodContext): Float32Array[] {
    const samples = this.sample(arch, ctx)
    tf.dispose(samples.map((s) => s.gates))
    return samples.map((s) => s.mask)
  }

  private mostProbable(alpha: tf.Tensor2D): tf.Tensor2D {
    const [rows, cols] = alpha.shape
    // P(g>0) is increasing in α, so its top-k is α's (first column on ties).
    return tf.tensor2d(topKMask(alpha.dataSync(), rows, cols, this.config.gates.k), [rows, cols])
  }
}

export const prDartsEntry: MethodEntry = {
  space: 'darts',
  parametrization: 'hard-concrete',
  label: 'PR-DARTS',
  build: (config, shape, numClasses) => ({
    method: new PrDartsMethod(createSupernet(supernetConfigOf(config, shape, numClasses)), config) as SearchMethod,
  }),
}
