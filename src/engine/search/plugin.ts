/**
 * The one interface through which the parts of a method (DESIGN.md §6) attach to the search loop:
 * parametrization extras (E2NAS's archive), regularizers (β-decay, DARTS-'s auxiliary skip),
 * perturbations (SDARTS), selection (DARTS-PT) and monitors (R-DARTS λ_max with early stop and
 * DARTS-ADA). Every member is optional; the Searcher calls them at fixed points of its loop and knows
 * no plugin by name. Plugins see the search through `SearcherView`, never the Searcher class.
 *
 * Order matters and is the registry's (methods/registry.ts): `wrapMethod` composes in list order (the
 * last plugin's wrapper is outermost), and hooks run in list order.
 */
import type { SearchConfig } from '../../core/config/search'
import type { Rng } from '../../core/rng'
import type { Derived, MethodContext, SearchMethod } from '../methods/types'
import type { SearchState, Supernet } from '../types'
import type { SearchData } from './data'
import type { Position } from './progress'
import type { Snapshot } from './snapshot'

/** What a plugin may read and do. The Searcher implements it; plugins get nothing else. */
export interface SearcherView {
  readonly config: SearchConfig
  /** The method as run: the configured one with every plugin's `wrapMethod` applied. */
  readonly method: SearchMethod
  readonly net: Supernet<unknown>
  /** Weights, architecture parameters and BN running statistics (variables the plugin may read). */
  readonly state: SearchState
  readonly data: SearchData
  /** The run's checkpointed random stream. */
  readonly rng: Rng
  readonly position: Readonly<Position>
  /** Validation accuracy of the last finished epoch (set before `epochEnd` hooks run). */
  readonly lastValAcc: number
  ctx(phase: MethodContext['phase']): MethodContext
  /** The current genotype by the method's (wrapped) derivation. */
  derive(): Derived
  /** Keeps progress events coming during long work inside a step. */
  heartbeat(): void
  /** The weight step's coupled weight decay (DARTS-ADA raises it); the unrolled step shares it. */
  setWeightDecay(wd: number): void
  /** Drops the weight optimizer's momentum (DARTS-PT restarts SGD for its tuning). */
  resetWeightOptimizer(): void
  /** The whole search state (without nested states), and its restoration: DARTS-ADA's rollbacks. */
  snapshot(): Snapshot
  restore(snap: Snapshot): void
}

/** Epochs a plugin adds after the supernet epochs (DARTS-PT's tuning), with their own schedule. */
export interface ExtraEpochs {
  readonly epochs: number
  /** Steps of extra epoch i (the last may be short). Extra epochs alternate per step. */
  stepsInEpoch(i: number): number
  /** Weight learning rate of extra epoch i. */
  lr(i: number): number
  /** False: extra epoch i trains no weights (α steps only, e.g. a mask-learning phase). Default true. */
  trainWeights?(i: number): boolean
  /** The architecture optimizer groups stepped in extra epoch i (the others stay frozen). Default: all. */
  archGroups?(i: number): readonly number[]
  /** Before step `step` of extra epoch i (DARTS-PT's decisions); false ends the phase. */
  beforeStep(view: SearcherView, i: number, step: number): boolean
  /** Work still to come outside the steps, in step-equivalents, for the ETA. */
  remainingCost?(valBatches: number): number
  /** Seconds spent in `beforeStep` so far in this process, kept out of the step-time average. */
  readonly overheadSeconds?: number
}

/** The result a plugin substitutes for the current genotype (R-DARTS early stop: the stop epoch's). */
export interface PluginResult {
  readonly genotype: string
  readonly valAcc: number
}

export interface SearchPlugin {
  /** Unique within a search; errors name it. */
  readonly name: string
  /** Replaces members of the method (mixing, regularizer, derivation, epoch state). Called once, at construction. */
  wrapMethod?(method: SearchMethod): SearchMethod
  readonly extraEpochs?: ExtraEpochs
  /** Before every training step (supernet and extra epochs), once its batches are read. */
  beforeStep?(view: SearcherView): void
  /** After each α update, with the step's context. */
  afterArchStep?(view: SearcherView, ctx: MethodContext): void
  /**
   * After each weight step: scalars to log, averaged over the epoch's weight steps into the `method`
   * event. `lossAt(m)` is L_train of the step's batch at mixing m (train-mode BN, no gradient, running
   * statistics untouched).
   */
  afterWeightStep?(view: SearcherView, ctx: MethodContext, lossAt: (mixing: unknown) => number): Record<string, number>
  /** At the end of an epoch, after the evaluation: scalars for the epoch's `method` event. */
  epochEnd?(view: SearcherView): Record<string, number>
  /** After the epoch's events, before its checkpoint (the position is already the next epoch's). */
  afterEpoch?(view: SearcherView): void
  /** True ends the search before its last epoch. */
  finished?(): boolean
  /** Overrides the run's result (genotype and validation accuracy), or null. */
  result?(): PluginResult | null
  /**
   * Checkpoint state: saved as `meta[stateKey]` (JSON), restored with null on a checkpoint that has
   * none. Keys of checkpoint format 3: 'rdarts', 'pt' and 'method'.
   */
  readonly stateKey?: string
  getState?(): unknown
  setState?(state: unknown, view: SearcherView, nested?: ReadonlyMap<number, Snapshot>): void
  /** Whole search states the plugin keeps (DARTS-ADA), stored with their tensors in the checkpoint. */
  nestedSnapshots?(): ReadonlyMap<number, Snapshot>
}

/** Top-level checkpoint fields a plugin's stateKey may not take. */
const RESERVED_KEYS = new Set(['version', 'position', 'acc', 'rng', 'loaders', 'adamSteps', 'lastValAcc', 'tensors', 'rollbacks'])

/** The method with every plugin's wrapper applied, in order. */
export function composeMethod(method: SearchMethod, plugins: readonly SearchPlugin[]): SearchMethod {
  return plugins.reduce((m, p) => (p.wrapMethod ? p.wrapMethod(m) : m), method)
}

/** Throws when two plugins share a name or a state key, a key is reserved, or two add extra epochs or nested states. */
export function checkPlugins(plugins: readonly SearchPlugin[]): void {
  const seen = new Set<string>()
  const keys = new Set<string>()
  for (const p of plugins) {
    if (seen.has(p.name)) throw new Error(`two search plugins are named '${p.name}'`)
    seen.add(p.name)
    if (p.stateKey === undefined) continue
    if (RESERVED_KEYS.has(p.stateKey) || keys.has(p.stateKey))
      throw new Error(`search plugin '${p.name}' cannot store its state as '${p.stateKey}' (taken)`)
    keys.add(p.stateKey)
  }
  const only = (what: string, has: (p: SearchPlugin) => boolean) => {
    const names = plugins.filter(has).map((p) => p.name)
    if (names.length > 1) throw new Error(`only one search plugin may add ${what}; ${names.join(' and ')} both do`)
  }
  only('extra epochs', (p) => p.extraEpochs !== undefined)
  only('nested snapshots', (p) => p.nestedSnapshots !== undefined)
  only('a result', (p) => p.result !== undefined)
}
