/**
 * The R-DARTS monitor (METHODS.md §3.5), a search plugin composed onto any method: λ_max every
 * `hessian.every` epochs and at the last one (scalar `lambdaMax` of the `method` event), the EVLocalAvg
 * rule (`esTriggered`, `esStopEpoch`), and after the epoch either the early stop (the run ends with the
 * genotype logged at the stop epoch) or, with `hessian.ada`, DARTS-ADA: back to the state at the end of
 * the stop epoch, weight decay × adaFactor (capped at maxWeightDecay), and on. Once the weight decay is
 * at the cap, triggers are recorded but ignored (R-DARTS's final iteration).
 *
 * Nothing here draws from the run's random stream or changes the weights, α, optimizers or BN
 * statistics, so enabling `hessian.every` leaves the search itself unchanged (until a stop or a rollback).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import type { Batch } from '../../search/architect'
import type { PluginResult, SearcherView, SearchPlugin } from '../../search/plugin'
import type { RawBatch } from '../../search/data'
import type { Snapshot } from '../../search/snapshot'
import { EvLocalAvg, type EvLocalAvgState } from './earlyStop'
import { archHessianLambda, type LambdaMax } from './hessian'

export interface EarlyStopResult {
  /** The epoch at which the rule fired. */
  readonly epoch: number
  /** The epoch whose genotype the run returns. */
  readonly stopEpoch: number
  readonly genotype: string
  readonly valAcc: number
}

export interface RDartsState {
  readonly tracker: EvLocalAvgState
  /** The weight step's weight decay in force (DARTS-ADA raises it). */
  readonly weightDecay: number
  readonly adaIterations: number
  readonly stopped: EarlyStopResult | null
}

export class RDartsMonitor implements SearchPlugin {
  readonly name = 'rdarts'
  readonly stateKey = 'rdarts'
  readonly tracker: EvLocalAvg
  weightDecay: number
  adaIterations = 0
  stopped: EarlyStopResult | null = null
  /** ADA: the full state at the end of recent record epochs, by epoch (also written into checkpoints). */
  rollbacks = new Map<number, Snapshot>()
  /** Stop epoch of a trigger at the epoch that just ended, acted on by afterEpoch. */
  private pending: { epoch: number; stopEpoch: number } | null = null
  private batch: RawBatch | null = null

  constructor(private readonly config: SearchConfig) {
    const h = config.hessian
    this.tracker = new EvLocalAvg({ window: h.window, every: h.every, epochs: config.epochs })
    this.weightDecay = config.weightDecay
  }

  private get h() {
    return this.config.hessian
  }

  private get watching(): boolean {
    return this.h.earlyStop || this.h.ada
  }

  /** ADA has reached maxWeightDecay: no further rollbacks. */
  get finalIteration(): boolean {
    return this.weightDecay >= this.h.maxWeightDecay * (1 - 1e-9)
  }

  isRecordEpoch(epoch: number): boolean {
    return epoch < this.config.epochs && (epoch % this.h.every === 0 || epoch === this.config.epochs - 1)
  }

  /** The fixed batch: `valEval`'s first batch, read once (the split is in index order, so it never changes). */
  fixedBatch(s: SearcherView): RawBatch {
    if (!this.batch) {
      const src = s.data.valEval
      const first = src.next()
      if (!first) throw new Error('the validation split has no batch for the Hessian')
      this.batch = { x: Float32Array.from(first.x), y: Int32Array.from(first.y), size: first.size }
      while (src.next()); // back to the start, for the next evaluation
    }
    return this.batch
  }

  /** λ_max of ∇²_arch L_val + archWeightDecay on the fixed batch, at the searcher's state. Replaceable in tests. */
  computeLambda(s: SearcherView): LambdaMax {
    const b = this.fixedBatch(s)
    const [H, W, C] = s.data.shape
    const batch: Batch = { x: tf.tensor4d(b.x, [b.size, H, W, C]), y: tf.tensor1d(b.y, 'int32') }
    try {
      // Seeded by the epoch, not the run's stream: the search does not change when λ_max is on.
      const r = archHessianLambda(s, batch, this.h.method, this.h.iterations, this.config.seed + s.position.epoch)
      return { ...r, value: r.value + this.config.archWeightDecay }
    } finally {
      tf.dispose([batch.x, batch.y])
    }
  }

  /** Inside endEpoch, after the evaluation and the genotype. */
  epochEnd(s: SearcherView): Record<string, number> {
    const { epoch } = s.position
    if (!this.isRecordEpoch(epoch)) return {}
    const lambda = this.computeLambda(s)
    const out: Record<string, number> = { lambdaMax: lambda.value, lambdaHvps: lambda.hvps }
    if (lambda.asymmetry !== undefined) out.lambdaAsymmetry = lambda.asymmetry
    this.tracker.update(epoch, lambda.value, s.derive().text, s.lastValAcc)
    if (this.watching && epoch !== this.config.epochs - 1) {
      const d = this.tracker.decide(epoch, this.h)
      out.esTriggered = d.stop ? 1 : 0
      if (d.stop && d.stopEpoch !== undefined) {
        out.esStopEpoch = d.stopEpoch
        if (!(this.h.ada && this.finalIteration)) this.pending = { epoch, stopEpoch: d.stopEpoch }
      }
      if (this.h.ada) out.weightDecay = this.pending ? this.nextWeightDecay() : this.weightDecay
    }
    return out
  }

  /** After the epoch's events, before its checkpoint: act on a trigger, or keep this epoch's rollback state. */
  afterEpoch(s: SearcherView): void {
    const ended = s.position.epoch - 1
    const trigger = this.pending
    this.pending = null
    if (trigger && this.h.ada) return this.rollback(s, trigger.stopEpoch)
    if (trigger) {
      const genotype = this.tracker.genotypes[trigger.stopEpoch]
      if (genotype === undefined) throw new Error(`no genotype was recorded at the stop epoch ${trigger.stopEpoch}`)
      this.stopped = { ...trigger, genotype, valAcc: this.tracker.valAccs[trigger.stopEpoch] ?? NaN }
      return
    }
    if (this.h.ada && !this.finalIteration && this.isRecordEpoch(ended) && ended >= this.h.startEpoch) {
      this.rollbacks.set(ended, s.snapshot())
      // A stop epoch lies at most every·(⌊window/2⌋ + delta) epochs back.
      const horizon = ended - this.h.every * (Math.floor(this.h.window / 2) + this.h.delta)
      for (const e of [...this.rollbacks.keys()]) if (e < horizon) this.rollbacks.delete(e)
    }
  }

  finished(): boolean {
    return this.stopped !== null
  }

  result(): PluginResult | null {
    return this.stopped && { genotype: this.stopped.genotype, valAcc: this.stopped.valAcc }
  }

  private rollback(s: SearcherView, stopEpoch: number): void {
    const snap = this.rollbacks.get(stopEpoch)
    if (!snap) throw new Error(`DARTS-ADA has no saved state for epoch ${stopEpoch}`)
    const keep = [...this.rollbacks].filter(([e]) => e <= stopEpoch)
    const weightDecay = this.nextWeightDecay()
    const iterations = this.adaIterations + 1
    // Weights, α, optimizers, BN statistics, position, streams and this monitor's records as of stopEpoch.
    s.restore(snap)
    this.rollbacks = new Map(keep)
    this.adaIterations = iterations
    this.weightDecay = weightDecay
    s.setWeightDecay(weightDecay)
  }

  /** weightDecay × adaFactor, capped (and snapped: 3e-4·10 is 0.0029999…) at maxWeightDecay. */
  private nextWeightDecay(): number {
    const next = this.weightDecay * this.h.adaFactor
    return next >= this.h.maxWeightDecay * (1 - 1e-9) ? this.h.maxWeightDecay : next
  }

  nestedSnapshots(): ReadonlyMap<number, Snapshot> {
    return this.rollbacks
  }

  getState(): RDartsState {
    return {
      tracker: this.tracker.getState(),
      weightDecay: this.weightDecay,
      adaIterations: this.adaIterations,
      stopped: this.stopped,
    }
  }

  /** Restores the state of a checkpoint (null: a fresh start), with its rollback states when it has them. */
  setState(state: unknown, s: SearcherView, rollbacks?: ReadonlyMap<number, Snapshot>): void {
    const st = state as RDartsState | null
    this.tracker.setState(st?.tracker ?? new EvLocalAvg(this.tracker.opts).getState())
    this.adaIterations = st?.adaIterations ?? 0
    this.stopped = st?.stopped ?? null
    this.pending = null
    if (rollbacks) this.rollbacks = new Map(rollbacks)
    this.weightDecay = st?.weightDecay ?? this.config.weightDecay
    s.setWeightDecay(this.weightDecay)
  }
}
