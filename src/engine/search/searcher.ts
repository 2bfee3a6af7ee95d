/**
 * The DARTS search loop (`train_search.py`; METHODS.md §3.1) for any method: per step an α update on a
 * validation batch, then an SGD step on a train batch (or, with `alternation: 'epoch'`, a weight epoch
 * then an α epoch as HDARTS does); per epoch an eval-mode pass over the validation half, the mixing
 * weights, the derived genotype and the method's own state. Emits run events and asks for checkpoints;
 * file I/O belongs to the worker. Everything a method adds beyond its mixing (selection, monitors,
 * regularizers, perturbations, parametrization extras) attaches through the `SearchPlugin` hooks
 * (plugin.ts); the loop names no plugin.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../core/config/search'
import type { RunEventBody } from '../../core/events'
import { Rng, type RngState } from '../../core/rng'
import type { Derived, MethodContext, SearchMethod } from '../methods/types'
import { Adam } from '../optim/adam'
import { cosineLr } from '../optim/schedule'
import { Sgd } from '../optim/sgd'
import type { SearchState, Supernet } from '../types'
import { Architect, type Batch } from './architect'
import { type SearchData, toBatch } from './data'
import { evaluate } from './evaluate'
import { checkPlugins, composeMethod, type ExtraEpochs, type SearcherView, type SearchPlugin } from './plugin'
import { emptySums, type EpochSums, type Position, progressEvent } from './progress'
import { restoreSnapshot, type Snapshot, takeSnapshot } from './snapshot'
import { weightStep } from './weightStep'

export type Emit = (event: RunEventBody) => void

export interface SearchHooks {
  readonly emit: Emit
  /** Checked between steps; when it returns a reason, the loop saves a checkpoint and returns. */
  readonly stopRequested: () => string | null
  /** Persists the state; called at every epoch end and when stopping. */
  readonly checkpoint: (reason: 'epoch' | 'signal') => Promise<void>
  /** Minimum milliseconds between progress events. */
  readonly progressEveryMs?: number
}

export class Searcher implements SearcherView {
  /** The method as run: the configured one with every plugin's wrapper on top. */
  readonly method: SearchMethod
  readonly sgd: Sgd
  /** One Adam per optimizer group of the method's architecture parameters. */
  readonly adams: Adam[]
  readonly architect: Architect<unknown>
  readonly rng: Rng
  /** In hook order (the registry's). */
  readonly plugins: readonly SearchPlugin[]
  position: Position = { epoch: 0, step: 0 }
  sums: EpochSums = emptySums()
  /** Validation accuracy of the last finished epoch. */
  lastValAcc = 0
  /** The plugin's epochs after the supernet epochs (DARTS-PT's tuning), or null. */
  private readonly extra: ExtraEpochs | null
  private stepSecondsEma = 0
  /** Set while run() is running: emits a throttled progress event (long work inside a step calls it). */
  private beat: (() => void) | null = null
  private lastProgress = 0

  constructor(
    readonly config: SearchConfig,
    method: SearchMethod,
    readonly state: SearchState,
    readonly data: SearchData,
    rngState?: RngState,
    plugins: readonly SearchPlugin[] = [],
  ) {
    checkPlugins(plugins)
    this.plugins = plugins
    this.extra = plugins.find((p) => p.extraEpochs)?.extraEpochs ?? null
    this.method = composeMethod(method, plugins)
    this.rng = rngState ? new Rng(rngState) : new Rng(config.seed ^ 0x9e3779b9)
    this.sgd = new Sgd({ momentum: config.momentum, weightDecay: config.weightDecay, nesterov: config.nesterov })
    this.adams = method.archLrs.map(
      (lr) => new Adam({ lr, beta1: config.archBeta1, beta2: config.archBeta2, weightDecay: config.archWeightDecay }),
    )
    this.architect = new Architect(this.method, state, this.adams, this.sgd, config.unrolled)
  }

  get net(): Supernet<unknown> {
    return this.method.net
  }

  /** The plugin of this name (tests and tools inspect their state). */
  plugin<P extends SearchPlugin>(name: string): P | undefined {
    return this.plugins.find((p) => p.name === name) as P | undefined
  }

  ctx(phase: MethodContext['phase']): MethodContext {
    // Extra epochs (DARTS-PT's tuning) keep the schedules (ε_t, β_t, τ) at the last supernet epoch's values.
    const epoch = Math.min(this.position.epoch, this.config.epochs - 1)
    return { epoch, epochs: this.config.epochs, phase, rng: this.rng }
  }

  /** Index of the plugin's extra epoch in progress, or null during the supernet epochs. */
  private get extraEpoch(): number | null {
    return this.extra && this.position.epoch >= this.config.epochs ? this.position.epoch - this.config.epochs : null
  }

  /** Supernet epochs plus a plugin's extra epochs. */
  get totalEpochs(): number {
    return this.config.epochs + (this.extra?.epochs ?? 0)
  }

  /** Weight steps per epoch, plus the α steps of an α epoch under epoch alternation. */
  get stepsPerEpoch(): number {
    const i = this.extraEpoch
    if (i !== null) return this.extra!.stepsInEpoch(i)
    const train = this.data.train.batchesPerEpoch
    return this.config.alternation === 'epoch' ? train + this.data.val.batchesPerEpoch : train
  }

  lr(epoch = this.position.epoch): number {
    const { lr, lrMin, epochs, scheduleConvention } = this.config
    if (this.extra && epoch >= epochs) return this.extra.lr(epoch - epochs)
    return cosineLr({ lr, lrMin, epochs, convention: scheduleConvention }, epoch)
  }

  get done(): boolean {
    return this.position.epoch >= this.totalEpochs || this.plugins.some((p) => p.finished?.() === true)
  }

  setWeightDecay(wd: number): void {
    // The options object is the one this searcher created; Sgd reads it at every step.
    Object.assign(this.sgd.opts, { weightDecay: wd })
  }

  resetWeightOptimizer(): void {
    this.sgd.dispose()
  }

  snapshot(): Snapshot {
    return takeSnapshot(this, { nested: true })
  }

  restore(snap: Snapshot): void {
    restoreSnapshot(this, snap)
  }

  heartbeat(): void {
    this.beat?.()
  }

  /** Runs until the last epoch ends or a stop is requested. Returns the stop reason, or null when finished. */
  async run(hooks: SearchHooks): Promise<string | null> {
    const every = hooks.progressEveryMs ?? 1000
    this.lastProgress = 0
    this.beat = () => {
      if (Date.now() - this.lastProgress < every) return
      this.lastProgress = Date.now()
      hooks.emit(this.progressEvent())
    }
    try {
      return await this.loop(hooks, every)
    } finally {
      this.beat = null
    }
  }

  private async loop(hooks: SearchHooks, every: number): Promise<string | null> {
    while (!this.done) {
      const stepStart = performance.now()
      const overhead = this.extra?.overheadSeconds ?? 0
      const stepped = this.trainStep()
      if (stepped) {
        const sec = (performance.now() - stepStart) / 1000
        this.sums.seconds += sec
        // Work a plugin does inside the step (DARTS-PT decisions) is costed separately in the ETA.
        const stepSec = sec - ((this.extra?.overheadSeconds ?? 0) - overhead)
        this.stepSecondsEma = this.stepSecondsEma ? 0.9 * this.stepSecondsEma + 0.1 * stepSec : stepSec
        const now = Date.now()
        if (now - this.lastProgress >= every || this.position.step === this.stepsPerEpoch) {
          this.lastProgress = now
          hooks.emit(this.progressEvent())
        }
      } else {
        this.endEpoch(hooks.emit)
        // R-DARTS: keep this epoch's rollback state, or act on a trigger (stop / roll back).
        for (const p of this.plugins) p.afterEpoch?.(this)
        await hooks.checkpoint('epoch')
        continue
      }
      // Let signal handlers run between steps.
      await new Promise((r) => setImmediate(r))
      const stop = hooks.stopRequested()
      if (stop) {
        await hooks.checkpoint('signal')
        return stop
      }
    }
    return null
  }

  /**
   * One step: an α step then a weight step, or under epoch alternation a weight step (first part of the
   * epoch) or an α step (second part). Extra epochs alternate per step. Returns false at the end of the epoch.
   */
  trainStep(): boolean {
    const extra = this.extraEpoch
    if (extra !== null) {
      if (this.position.step >= this.extra!.stepsInEpoch(extra)) {
        // The epoch is over; a full one also takes the source's end-of-epoch null.
        if (this.position.step === this.data.train.batchesPerEpoch) this.data.train.next()
        return false
      }
      if (!this.extra!.beforeStep(this, extra, this.position.step)) return false
    }
    const eta = this.lr()
    const archOn = this.position.epoch >= this.config.archStartEpoch
    if (this.config.alternation === 'epoch' && extra === null) {
      const inWeightPhase = this.position.step < this.data.train.batchesPerEpoch
      // The weight phase stops after batchesPerEpoch reads, so the train source's end-of-epoch null comes first next time.
      const raw = inWeightPhase ? (this.data.train.next() ?? this.data.train.next()) : this.data.val.next()
      if (!raw) {
        if (inWeightPhase) throw new Error('the weight split ended before its epoch was done')
        return false
      }
      for (const p of this.plugins) p.beforeStep?.(this)
      const batch = toBatch(this.data.shape, raw)
      try {
        if (inWeightPhase) this.weightStep(batch, eta)
        else if (archOn) this.archStep(batch, batch, eta)
      } finally {
        tf.dispose([batch.x, batch.y])
      }
      this.position.step += 1
      return true
    }
    // In extra epochs a null can only be a stale end-of-epoch one (left by epoch alternation): skip it.
    const trainBatch = this.data.train.next() ?? (extra !== null ? this.data.train.next() : null)
    if (!trainBatch) return false
    let valBatch = this.data.val.next()
    valBatch ??= this.data.val.next() // the α half cycles independently of the weight half
    if (!valBatch) throw new Error('the architecture split produced no batch')
    for (const p of this.plugins) p.beforeStep?.(this)
    const train = toBatch(this.data.shape, trainBatch)
    const val = toBatch(this.data.shape, valBatch)
    try {
      if (archOn) this.archStep(train, val, eta, extra !== null ? this.extra!.archGroups?.(extra) : undefined)
      if (extra === null || this.extra!.trainWeights?.(extra) !== false) this.weightStep(train, eta)
    } finally {
      tf.dispose([train.x, train.y, val.x, val.y])
    }
    this.position.step += 1
    return true
  }

  private archStep(train: Batch, val: Batch, eta: number, groups?: readonly number[]): void {
    const ctx = this.ctx('arch')
    const arch = this.architect.step(train, val, eta, ctx, groups)
    for (const p of this.plugins) p.afterArchStep?.(this, ctx)
    const sums = this.sums
    sums.archLoss += arch.valLoss
    sums.archSteps += 1
    const counts = (sums.partSteps ??= {})
    for (const [k, v] of Object.entries(arch.parts)) {
      sums.parts[k] = (sums.parts[k] ?? 0) + v
      counts[k] = (counts[k] ?? 0) + 1
    }
  }

  private weightStep(b: Batch, eta: number): void {
    const r = weightStep(this, b, eta)
    const sums = this.sums
    sums.trainLoss += r.loss * b.y.shape[0]
    sums.trainCorrect += r.correct
    sums.seen += b.y.shape[0]
    if (!r.extras) return
    const parts = (sums.weightParts ??= {})
    for (const [k, v] of Object.entries(r.extras)) parts[k] = (parts[k] ?? 0) + v
    sums.weightSteps = (sums.weightSteps ?? 0) + 1
  }

  /** Eval-mode pass over the validation half, events, then the next epoch. */
  endEpoch(emit: Emit): void {
    const { epoch } = this.position
    const evalStart = performance.now()
    const val = evaluate(this)
    const sums = this.sums
    const values = this.archValues()
    const derived = this.method.derive(values)
    const extra = this.method.epochState?.(values, this.ctx('eval')) ?? { scalars: {}, matrices: {} }
    const scalars: Record<string, number> = { ...extra.scalars }
    // A part is averaged over the steps that had it (E2NAS's novelty starts once its archive is full).
    for (const [k, v] of Object.entries(sums.parts)) scalars[k] = v / Math.max(1, sums.partSteps?.[k] ?? sums.archSteps)
    for (const [k, v] of Object.entries(sums.weightParts ?? {})) scalars[k] = v / Math.max(1, sums.weightSteps ?? 0)
    this.lastValAcc = val.acc // plugins record it (R-DARTS keeps each record epoch's)
    for (const p of this.plugins) if (p.epochEnd) Object.assign(scalars, p.epochEnd(this))
    const epochSec = sums.seconds + (performance.now() - evalStart) / 1000
    emit({
      type: 'epoch',
      epoch,
      lr: this.lr(),
      trainLoss: sums.trainLoss / Math.max(1, sums.seen),
      trainAcc: sums.trainCorrect / Math.max(1, sums.seen),
      valLoss: val.loss,
      valAcc: val.acc,
      archLoss: sums.archLoss / Math.max(1, sums.archSteps),
      epochSec,
      imagesPerSec: sums.seen / Math.max(1e-9, sums.seconds),
      skipsNormal: derived.skipsNormal,
      skipsReduce: derived.skipsReduce,
    })
    emit({ type: 'alphas', epoch, ...this.method.alphaSnapshot(values) })
    emit({ type: 'genotype', epoch, text: derived.text, format: derived.format })
    if (Object.keys(scalars).length || Object.keys(extra.matrices).length)
      emit({ type: 'method', epoch, scalars, matrices: extra.matrices })
    this.position = { epoch: epoch + 1, step: 0 }
    this.sums = emptySums()
  }

  /** The architecture parameters as plain matrices, in `archSpecs` order. */
  archValues(): number[][][] {
    return this.state.arch.map((v) => v.arraySync())
  }

  derive(): Derived {
    return this.method.derive(this.archValues())
  }

  currentGenotypeText(): string {
    return this.derive().text
  }

  /** A plugin's result when it has one (R-DARTS early stop: the stop epoch's), else the current state's. */
  private result(): { genotype: string; valAcc: number } | null {
    for (const p of this.plugins) {
      const r = p.result?.()
      if (r) return r
    }
    return null
  }

  /** The run's genotype: a plugin's result, or the current one (after DARTS-PT, the projected genotype). */
  finalGenotypeText(): string {
    return this.result()?.genotype ?? this.currentGenotypeText()
  }

  /** Validation accuracy that goes with finalGenotypeText(). */
  finalValAcc(): number {
    return this.result()?.valAcc ?? this.lastValAcc
  }

  private progressEvent(): RunEventBody {
    return progressEvent({
      position: this.position,
      stepsPerEpoch: this.stepsPerEpoch,
      totalEpochs: this.totalEpochs,
      valBatches: this.data.valEval.batchesPerEpoch,
      extraCost: this.extra?.remainingCost?.(this.data.valEval.batchesPerEpoch) ?? 0,
      sums: this.sums,
      stepSeconds: this.stepSecondsEma,
    })
  }

  dispose(): void {
    this.sgd.dispose()
    for (const a of this.adams) a.dispose()
  }
}
