/**
 * FairDARTS (Chu et al. 2020, arXiv 1911.12126; METHODS.md §3.8): independent sigmoids instead of a
 * softmax, so ops cooperate rather than compete; a zero-one loss pushes each σ(α) towards 0 or 1; the
 * derivation keeps an edge's best op only when σ reaches a threshold, so a node has 0–2 inputs. The
 * op set has no `none` (FAIRDARTS_PRIMITIVES): the supernet must be built with those ops.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import { deriveFairDarts, deriveNb201 } from '../../../core/genotype/derive'
import { type CellGenotype, countOp, type DartsGenotype } from '../../../core/genotype/model'
import { concatRepr, toNb201String } from '../../../core/genotype/serialize'
import { argmax, sigmoidRows } from '../../../core/metrics/math'
import { NB201_OPS } from '../../../core/searchSpaces'
import type { DartsMixing, Supernet } from '../../types'
import { dartsArchSpecs } from './darts'
import type { ArchParamSpec, Derived, MethodContext, RegTerm, SearchMethod } from '../types'
import { FAIRDARTS_PRIMITIVES } from '../../../core/searchSpaces'
import { createSupernet } from '../../supernet/index'
import { createNb201Supernet } from '../../supernet/nb201'
import { supernetConfigOf } from '../supernetConfig'
import type { MethodEntry } from '../types'

export type ZeroOneKind = SearchConfig['regularization']['zeroOne']['kind']

/**
 * L01 = −mean((σ(α) − 0.5)²) (`ConvSeparateLoss`, l2) or −mean|σ(α) − 0.5| (`TriSeparateLoss`, l1)
 * over every entry of the given matrices together (FairDARTS concatenates normal and reduce).
 */
export function zeroOneLoss(arch: readonly tf.Tensor2D[], kind: ZeroOneKind): tf.Scalar {
  return tf.tidy(() => {
    const all = tf.concat(arch.map((a) => tf.reshape(a, [-1])))
    const d = tf.sub(tf.sigmoid(all), 0.5)
    // |d| as d·sign(d): PyTorch's l1 subgradient at d = 0 is 0; TF.js's Abs gradient gives −1 there,
    // which with α initialised to zeros would push every σ(α) below 0.5.
    return tf.neg(tf.mean(kind === 'l2' ? tf.square(d) : tf.mul(d, tf.sign(d)))) as tf.Scalar
  })
}

/** FairDARTS's own text: `(op, to, from)` triples for every node, whatever its number of inputs (`utils.parse`). */
export function toFairDartsText(g: DartsGenotype): string {
  const cell = (c: CellGenotype) =>
    `[${c.nodes.flatMap((inputs, i) => inputs.map((e) => `('${e.op}', ${i + 2}, ${e.from})`)).join(', ')}]`
  return (
    `Genotype(normal=${cell(g.normal)}, normal_concat=${concatRepr(g.normal.concat)}, ` +
    `reduce=${cell(g.reduce)}, reduce_concat=${concatRepr(g.reduce.concat)})`
  )
}

export class FairDartsMethod implements SearchMethod<DartsMixing> {
  readonly archSpecs: readonly ArchParamSpec[]
  readonly archLrs: readonly number[]

  constructor(
    readonly net: Supernet<DartsMixing>,
    readonly config: SearchConfig,
  ) {
    if (net.config.ops.includes('none'))
      throw new Error(`FairDARTS's supernet has no 'none' op (build it with FAIRDARTS_PRIMITIVES); got [${net.config.ops}]`)
    this.archSpecs = dartsArchSpecs(net.edges, net.config.ops.length, config)
    this.archLrs = [config.archLr]
  }

  /** ō(x) = Σ_o σ(α_o)·o(x): the same in every phase (deterministic). */
  mixing(arch: readonly tf.Tensor2D[], _ctx: MethodContext): DartsMixing {
    return { normal: tf.sigmoid(arch[0]!), reduce: tf.sigmoid(arch[1]!) }
  }

  /** w01·L01 over both cells; the part `zeroOne` is L01 itself (unweighted, as FairDARTS logs it). */
  archRegularizer(arch: readonly tf.Tensor2D[], _ctx: MethodContext): RegTerm | null {
    const { weight, kind } = this.config.regularization.zeroOne
    if (weight === 0) return null
    const l01 = zeroOneLoss(arch.slice(0, 2), kind)
    return { loss: tf.mul(l01, weight), parts: { zeroOne: l01 } }
  }

  derive(arch: readonly number[][][]): Derived {
    const g = deriveFairDarts(arch[0]!, arch[1]!, {
      ops: this.net.config.ops,
      steps: this.config.steps,
      multiplier: this.config.multiplier,
      threshold: this.config.sigmoid.threshold,
    })
    // Skips of the derived cell: an edge below the threshold is not there, so it does not count.
    return { text: toFairDartsText(g), format: 'fair', skipsNormal: countOp(g.normal), skipsReduce: countOp(g.reduce) }
  }

  /** σ(α): each op's own weight in [0, 1] (rows do not sum to 1). */
  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] } {
    return { ops: [...this.net.config.ops], normal: sigmoidRows(arch[0]!), reduce: sigmoidRows(arch[1]!) }
  }
}

/** NAS-Bench-201's ops without `none`: with independent sigmoids an op switches itself off (σ → 0). */
export const FAIR_NB201_OPS = NB201_OPS.filter((op) => op !== 'none')

/**
 * FairDARTS's parametrization on the NAS-Bench-201 cell (our transfer; FairDARTS itself searched the
 * DARTS space): σ(α) mixing over FAIR_NB201_OPS, the zero-one loss, and the threshold rule per edge.
 * The NB201 cell keeps every edge, so there is no top-2; an edge whose best σ is below the threshold
 * becomes `none`, the NB201 spelling of a missing edge. One α `[6, ops]`, mixed as Nb201Method does.
 */
export class FairNb201Method implements SearchMethod<DartsMixing> {
  readonly archSpecs: readonly ArchParamSpec[]
  readonly archLrs: readonly number[]

  constructor(
    readonly net: Supernet<DartsMixing>,
    readonly config: SearchConfig,
  ) {
    if (net.config.ops.includes('none'))
      throw new Error(`FairDARTS on NAS-Bench-201 builds its cell without 'none' (FAIR_NB201_OPS)`)
    this.archSpecs = [{ name: 'alphas', shape: [net.edges, net.config.ops.length], init: config.alphaInit, group: 0 }]
    this.archLrs = [config.archLr]
  }

  mixing(arch: readonly tf.Tensor2D[], _ctx: MethodContext): DartsMixing {
    const w = tf.sigmoid(arch[0]!)
    return { normal: w, reduce: w }
  }

  archRegularizer(arch: readonly tf.Tensor2D[], _ctx: MethodContext): RegTerm | null {
    const { weight, kind } = this.config.regularization.zeroOne
    if (weight === 0) return null
    const l01 = zeroOneLoss(arch.slice(0, 1), kind)
    return { loss: tf.mul(l01, weight), parts: { zeroOne: l01 } }
  }

  derive(arch: readonly number[][][]): Derived {
    const ops = this.net.config.ops
    const { threshold } = this.config.sigmoid
    // One-hot rows over NB201_OPS, so the core's NB201 derivation and string apply unchanged.
    const chosen = sigmoidRows(arch[0]!).map((row) => {
      const best = argmax(row)
      const op = row[best]! >= threshold ? ops[best]! : 'none'
      return NB201_OPS.map((o) => (o === op ? 1 : 0))
    })
    const g = deriveNb201(chosen)
    return { text: toNb201String(g), format: 'nb201', skipsNormal: countOp(g), skipsReduce: 0 }
  }

  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] } {
    return { ops: [...this.net.config.ops], normal: sigmoidRows(arch[0]!), reduce: [] }
  }
}

export const fairDartsEntry: MethodEntry = {
  space: 'darts',
  parametrization: 'sigmoid',
  label: 'FairDARTS',
  build: (config, shape, numClasses) => ({
    method: new FairDartsMethod(
      createSupernet(supernetConfigOf(config, shape, numClasses, FAIRDARTS_PRIMITIVES)),
      config,
    ) as SearchMethod,
  }),
}

export const fairNb201Entry: MethodEntry = {
  space: 'nb201',
  parametrization: 'sigmoid',
  label: 'FairDARTS on NAS-Bench-201',
  build: (config, shape, numClasses) => ({
    method: new FairNb201Method(
      createNb201Supernet(supernetConfigOf(config, shape, numClasses, FAIR_NB201_OPS)),
      config,
    ) as SearchMethod,
  }),
}
