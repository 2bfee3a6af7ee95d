/**
 * The method model (DESIGN.md §6) as the engine sees it: a supernet, its architecture parameters, how
 * they become mixing weights (the parametrization), extra architecture losses (regularizers), the
 * weight step's view of the architecture (perturbation) and how a genotype is read off (selection).
 * The searcher runs any `SearchMethod`; a method never touches optimizers, data or files. What a method
 * adds to the loop itself (per-step hooks, checkpointed state) is a `SearchPlugin` (search/plugin.ts).
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../core/config/search'
import type { GenotypeFormat } from '../../core/events'
import type { Rng } from '../../core/rng'
import type { AlphaInit } from '../supernet/alphas'
import type { SearchPlugin } from '../search/plugin'
import type { Supernet } from '../types'

/** An architecture parameter: always a matrix (a vector is `[n, 1]`), so snapshots and events stay uniform. */
export interface ArchParamSpec {
  /** `alphasNormal`, `betasReduce`, `motifs.0.normal`, … */
  readonly name: string
  readonly shape: readonly [number, number]
  readonly init: AlphaInit
  /** Optimizer group: each group has its own Adam (HDARTS: one per level). */
  readonly group: number
}

export interface MethodContext {
  /** Epoch in progress (0-based) and the run's length, for schedules (τ, ε_t, β_t, λ_t). */
  readonly epoch: number
  readonly epochs: number
  /** 'weight': the weight step; 'arch': the α step; 'eval': evaluation and derivation (deterministic). */
  readonly phase: 'weight' | 'arch' | 'eval'
  /** The searcher's stream, for stochastic parametrizations (gates, perturbations); checkpointed. */
  readonly rng: Rng
}

/** An architecture loss term with named parts (each a scalar tensor) to report per epoch. */
export interface RegTerm {
  readonly loss: tf.Scalar
  readonly parts: Readonly<Record<string, tf.Scalar>>
}

export interface Derived {
  /** The genotype in its space's text form (DARTS `Genotype(...)`, NB201 string, HDARTS motif text). */
  readonly text: string
  readonly format: GenotypeFormat
  readonly skipsNormal: number
  readonly skipsReduce: number
}

/** Per-epoch extra state for the `method` event (gate probabilities, edge weights, schedules, …). */
export interface MethodState {
  readonly scalars: Record<string, number>
  readonly matrices: Record<string, number[][]>
}

export interface SearchMethod<M = unknown> {
  readonly net: Supernet<M>
  readonly archSpecs: readonly ArchParamSpec[]
  /** Adam learning rate per optimizer group (index = `ArchParamSpec.group`). */
  readonly archLrs: readonly number[]
  /** Architecture parameters → the supernet's mixing weights. Runs under the caller's tape/tidy. */
  mixing(arch: readonly tf.Tensor2D[], ctx: MethodContext): M
  /** Extra loss of the α step (PR-DARTS group/path, zero-one, β-decay), or null. Runs under the tape. */
  archRegularizer(arch: readonly tf.Tensor2D[], ctx: MethodContext): RegTerm | null
  /**
   * The mixing the weight step trains under (SDARTS perturbs it). `loss(m)` is L_train at mixing m, for
   * adversarial perturbations. Default: `mixing(arch, ctx)`.
   */
  weightMixing?(arch: readonly tf.Tensor2D[], ctx: MethodContext, loss: (m: M) => tf.Scalar): M
  /** The method's own selection rule on the current architecture values. */
  derive(arch: readonly number[][][]): Derived
  /** Normalised mixing weights per cell for the `alphas` event (heatmaps): ops = columns. */
  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] }
  /** Method-specific state at the end of an epoch, merged into the `method` event. */
  epochState?(arch: readonly number[][][], ctx: MethodContext): MethodState
  /** Weight of L_val in the α step (E2NAS: 1 − η beside the novelty term). Default 1. */
  archLossScale?(ctx: MethodContext): number
  /** Weight of L_train in the weight step's gradient (E2NAS: 1 − λ of architecture complementation). Default 1. */
  weightLossScale?(ctx: MethodContext): number
}

/** A built parametrization: the method, and the plugins it brings to the loop (E2NAS: its archive). */
export interface BuiltMethod {
  readonly method: SearchMethod
  readonly plugins?: readonly SearchPlugin[]
}

/**
 * One parametrization in one search space, as methods/registry.ts lists it. Each parametrization's
 * file exports its entries; the registry is the one list of them.
 */
export interface MethodEntry {
  readonly space: SearchConfig['space']
  readonly parametrization: SearchConfig['parametrization']
  /** The paper's method it stands for (help texts, errors). */
  readonly label: string
  build(config: SearchConfig, shape: readonly [number, number, number], numClasses: number): BuiltMethod
}
