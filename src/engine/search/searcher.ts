/**
 * The DARTS search loop (`train_search.py`; METHODS.md §3.1) for any method: per step an α update on a
 * validation batch, then an SGD step on a train batch (or, with `alternation: 'epoch'`, a weight epoch
 * then an α epoch as HDARTS does); per epoch an eval-mode pass over the validation half, the mixing
 * weights, the derived genotype and the method's own state. Emits run events and asks for checkpoints;
 * file I/O belongs to the worker. Composed onto any method: the R-DARTS monitor (`hessian.every`:
 * λ_max, early stop, DARTS-ADA; hessian.ts) and DARTS-PT selection after the supernet epochs
 * (`selection: 'pt'`; pt.ts), whose tuning epochs extend the run.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../core/config/search'
import { Rng, type RngState } from '../../core/rng'
import type { RunEventBody } from '../../core/events'
import { Adam } from '../optim/adam'
import { clipByGlobalNorm } from '../optim/clip'
import { cosineLr } from '../optim/schedule'
import { Sgd } from '../optim/sgd'
import { applyBnUpdate, disposeBnUpdates } from '../ops/batchNorm'
import type { Derived, MethodContext, SearchMethod } from '../methods/types'
import type { BnUpdate, SearchState, Supernet } from '../types'
import { Architect, type Batch, weightGrads } from './architect'
import { RDartsMonitor } from './hessian'
import { countCorrect, crossEntropy } from './loss'
import { PtSelection } from './pt'

/** A stream of batches over one split; `next()` returns null at the end of an epoch and then starts the next. */
export interface BatchSource {
  readonly batchesPerEpoch: number
  next(): { x: Float32Array; y: Int32Array; size: number } | null
  getState(): unknown
  setState(state: unknown): void
}

export interface SearchData {
  /** [H, W, C] of one image. */
  readonly shape: readonly [number, number, number]
  /** Weight-training half, shuffled and augmented. */
  readonly train: BatchSource
  /** Architecture half, shuffled, for the α steps. */
  readonly val: BatchSource
  /** Architecture half in order, no augmentation, for the epoch-end evaluation. */
  readonly valEval: BatchSource
}

export interface Position {
  epoch: number
  /** Steps done in the current epoch. */
  step: number
}

/** Running sums of the epoch in progress (saved in checkpoints so a resumed epoch reports the same numbers). */
export interface EpochAccumulators {
  trainLoss: number
  trainCorrect: number
  seen: number
  archLoss: number
  archSteps: number
  /** Sums of the regularizer's parts over this epoch's α steps, and how many steps had each part. */
  parts: Record<string, number>
  partSteps?: Record<string, number>
  /** Seconds spent in this epoch's steps before the last checkpoint. */
  seconds: number
  /** Sums of the method's weight-step extras (E2NAS L(previous), L(complement)) and their step count. */
  weightParts?: Record<string, number>
  weightSteps?: number
}

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

/** Extra per-epoch work composed onto any method (R-DARTS λ_max, …): returns scalars for the `method` event. */
export type EpochHook = (s: Searcher) => Record<string, number>

export class Searcher {
  /** The method as run: the configured one, with the DARTS-PT projection on top when selecting by PT. */
  readonly method: SearchMethod
  readonly sgd: Sgd
  /** One Adam per optimizer group of the method's architecture parameters. */
  readonly adams: Adam[]
  readonly architect: Architect<unknown>
  readonly rng: Rng
  readonly epochHooks: EpochHook[] = []
  position: Position = { epoch: 0, step: 0 }
  acc: EpochAccumulators = emptyAccumulators()
  /** R-DARTS λ_max / early stop / DARTS-ADA (hessian.every > 0), else null. */
  readonly rdarts: RDartsMonitor | null
  /** DARTS-PT selection (selection = 'pt'), else null. */
  readonly pt: PtSelection | null
  /** Validation accuracy of the last finished epoch. */
  lastValAcc = 0
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
  ) {
    this.pt = config.selection === 'pt' ? new PtSelection(config, method.net, data.train.batchesPerEpoch) : null
    this.method = this.pt ? this.pt.wrap(method) : method
    this.rng = rngState ? new Rng(rngState) : new Rng(config.seed ^ 0x9e3779b9)
    this.sgd = new Sgd({ momentum: config.momentum, weightDecay: config.weightDecay, nesterov: config.nesterov })
    this.adams = method.archLrs.map(
      (lr) => new Adam({ lr, beta1: config.archBeta1, beta2: config.archBeta2, weightDecay: config.archWeightDecay }),
    )
    this.architect = new Architect(this.method, state, this.adams, this.sgd, config.unrolled)
    this.rdarts = config.hessian.every > 0 ? new RDartsMonitor(this) : null
  }

  get net(): Supernet<unknown> {
    return this.method.net
  }

  ctx(phase: MethodContext['phase']): MethodContext {
    // DARTS-PT's tuning epochs keep the schedules (ε_t, β_t, τ) at the last supernet epoch's values.
    const epoch = Math.min(this.position.epoch, this.config.epochs - 1)
    return { epoch, epochs: this.config.epochs, phase, rng: this.rng }
  }

  /** In DARTS-PT's tuning phase (after the supernet epochs). */
  get inPt(): boolean {
    return this.pt !== null && this.position.epoch >= this.config.epochs
  }

  /** Supernet epochs plus DARTS-PT's tuning epochs. */
  get totalEpochs(): number {
    return this.config.epochs + (this.pt?.epochs ?? 0)
  }

  /** Weight steps per epoch, plus the α steps of an α epoch under epoch alternation. */
  get stepsPerEpoch(): number {
    if (this.pt && this.inPt) return this.pt.stepsInEpoch(this.position.epoch - this.config.epochs)
    const train = this.data.train.batchesPerEpoch
    return this.config.alternation === 'epoch' ? train + this.data.val.batchesPerEpoch : train
  }

  lr(epoch = this.position.epoch): number {
    const { lr, lrMin, epochs, scheduleConvention } = this.config
    if (this.pt && epoch >= epochs) return this.pt.lr(epoch - epochs)
    return cosineLr({ lr, lrMin, epochs, convention: scheduleConvention }, epoch)
  }

  get done(): boolean {
    return this.position.epoch >= this.totalEpochs || this.rdarts?.stopped != null
  }

  /** Changes the weight step's (coupled) weight decay, for DARTS-ADA; the architect's unrolled step shares it. */
  setWeightDecay(wd: number): void {
    // The options object is the one this searcher created; Sgd reads it at every step.
    Object.assign(this.sgd.opts, { weightDecay: wd })
  }

  /** Lets long work inside a step (DARTS-PT decisions) keep progress events coming. */
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
      const decided = this.pt?.decisionSeconds ?? 0
      const stepped = this.trainStep()
      if (stepped) {
        const sec = (performance.now() - stepStart) / 1000
        this.acc.seconds += sec
        // DARTS-PT decisions inside the step are costed separately in the ETA.
        const stepSec = sec - ((this.pt?.decisionSeconds ?? 0) - decided)
        this.stepSecondsEma = this.stepSecondsEma ? 0.9 * this.stepSecondsEma + 0.1 * stepSec : stepSec
        const now = Date.now()
        if (now - this.lastProgress >= every || this.position.step === this.stepsPerEpoch) {
          this.lastProgress = now
          hooks.emit(this.progressEvent())
        }
      } else {
        this.endEpoch(hooks.emit)
        // R-DARTS: keep this epoch's rollback state, or act on a trigger (stop / roll back).
        this.rdarts?.afterEpoch()
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
   * epoch) or an α step (second part). Returns false at the end of the epoch.
   */
  trainStep(): boolean {
    if (this.pt && this.inPt) {
      // DARTS-PT: decisions due before this tuning step; per-step alternation, as its tuning loop.
      const i = this.position.epoch - this.config.epochs
      if (this.position.step >= this.pt.stepsInEpoch(i)) {
        // The epoch is over; a full one also takes the source's end-of-epoch null.
        if (this.position.step === this.data.train.batchesPerEpoch) this.data.train.next()
        return false
      }
      if (!this.pt.beforeStep(this, i * this.pt.stepsPerEpoch + this.position.step)) return false
    }
    const [H, W, C] = this.data.shape
    const toBatch = (b: { x: Float32Array; y: Int32Array; size: number }): Batch => ({
      x: tf.tensor4d(b.x, [b.size, H, W, C]),
      y: tf.tensor1d(b.y, 'int32'),
    })
    const eta = this.lr()
    const archOn = this.position.epoch >= this.config.archStartEpoch
    if (this.config.alternation === 'epoch' && !this.inPt) {
      const inWeightPhase = this.position.step < this.data.train.batchesPerEpoch
      // The weight phase stops after batchesPerEpoch reads, so the train source's end-of-epoch null comes first next time.
      const raw = inWeightPhase ? (this.data.train.next() ?? this.data.train.next()) : this.data.val.next()
      if (!raw) {
        if (inWeightPhase) throw new Error('the weight split ended before its epoch was done')
        return false
      }
      const batch = toBatch(raw)
      try {
        if (inWeightPhase) this.weightStep(batch, eta)
        else if (archOn) this.archStep(batch, batch, eta)
      } finally {
        tf.dispose([batch.x, batch.y])
      }
      this.position.step += 1
      return true
    }
    // In the PT phase a null can only be a stale end-of-epoch one (left by epoch alternation): skip it.
    const trainBatch = this.data.train.next() ?? (this.inPt ? this.data.train.next() : null)
    if (!trainBatch) return false
    let valBatch = this.data.val.next()
    valBatch ??= this.data.val.next() // the α half cycles independently of the weight half
    if (!valBatch) throw new Error('the architecture split produced no batch')
    const train = toBatch(trainBatch)
    const val = toBatch(valBatch)
    try {
      if (archOn) this.archStep(train, val, eta)
      this.weightStep(train, eta)
    } finally {
      tf.dispose([train.x, train.y, val.x, val.y])
    }
    this.position.step += 1
    return true
  }

  private archStep(train: Batch, val: Batch, eta: number): void {
    const arch = this.architect.step(train, val, eta, this.ctx('arch'))
    this.acc.archLoss += arch.valLoss
    this.acc.archSteps += 1
    const counts = (this.acc.partSteps ??= {})
    for (const [k, v] of Object.entries(arch.parts)) {
      this.acc.parts[k] = (this.acc.parts[k] ?? 0) + v
      counts[k] = (counts[k] ?? 0) + 1
    }
  }

  private weightStep(b: Batch, eta: number): void {
    const updates: BnUpdate[] = []
    const method = this.method
    const arch = this.state.arch
    const ctx = this.ctx('weight')
    let correct = 0
    let loss = 0
    tf.tidy(() => {
      // The architecture is a constant here: its mixing is computed once, outside the weights' tape. A
      // perturbation (SDARTS) sees L_train in eval-mode BN, as SmoothDARTS attacks after model.eval().
      const bnStats = this.runningStats()
      const mixing = method.weightMixing
        ? method.weightMixing(arch, ctx, (m) =>
            crossEntropy(method.net.forward(this.state.weights, m, b.x, { training: false, bnStats }), b.y),
          )
        : method.mixing(arch, ctx)
      // Loss, accuracy and gradients all come from the one forward pass.
      const scale = method.weightLossScale?.(ctx) ?? 1
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
        const logits = method.net.forward(ws, mixing, b.x, { training: true, bnUpdates: updates })
        correct = countCorrect(logits, b.y)
        const ce = crossEntropy(logits, b.y)
        loss = ce.dataSync()[0]!
        return scale === 1 ? ce : tf.mul(ce, scale)
      })([...this.state.weights])
      const clipped = clipByGlobalNorm(grads, this.config.gradClip)
      this.sgd.step(this.state.weights, clipped.grads, eta)
      value.dispose()
    })
    if (method.weightStepExtras) this.addWeightExtras(b, ctx)
    // Running statistics: updated by the weight step only (see architect.ts).
    for (const u of updates) {
      const stats = this.state.bnStats.get(u.name)
      if (stats) applyBnUpdate(stats, u)
    }
    disposeBnUpdates(updates)
    this.acc.trainLoss += loss * b.y.shape[0]
    this.acc.trainCorrect += correct
    this.acc.seen += b.y.shape[0]
  }

  private addWeightExtras(b: Batch, ctx: MethodContext): void {
    const lossAt = (m: unknown) =>
      tf.tidy(() => crossEntropy(this.method.net.forward(this.state.weights, m, b.x, { training: true }), b.y).dataSync()[0]!)
    const extras = this.method.weightStepExtras!(this.state.arch, ctx, lossAt)
    const sums = (this.acc.weightParts ??= {})
    for (const [k, v] of Object.entries(extras)) sums[k] = (sums[k] ?? 0) + v
    this.acc.weightSteps = (this.acc.weightSteps ?? 0) + 1
  }

  /** Eval-mode pass over the validation half, events, then the next epoch. */
  endEpoch(emit: Emit): void {
    const { epoch } = this.position
    const evalStart = performance.now()
    const val = this.evaluate()
    const acc = this.acc
    const values = this.archValues()
    const derived = this.method.derive(values)
    const extra = this.method.epochState?.(values, this.ctx('eval')) ?? { scalars: {}, matrices: {} }
    const scalars: Record<string, number> = { ...extra.scalars }
    // A part is averaged over the steps that had it (E2NAS's novelty starts once its archive is full).
    for (const [k, v] of Object.entries(acc.parts)) scalars[k] = v / Math.max(1, acc.partSteps?.[k] ?? acc.archSteps)
    for (const [k, v] of Object.entries(acc.weightParts ?? {})) scalars[k] = v / Math.max(1, acc.weightSteps ?? 0)
    this.lastValAcc = val.acc // hooks record it (R-DARTS keeps each record epoch's)
    for (const hook of this.epochHooks) Object.assign(scalars, hook(this))
    const epochSec = acc.seconds + (performance.now() - evalStart) / 1000
    emit({
      type: 'epoch',
      epoch,
      lr: this.lr(),
      trainLoss: acc.trainLoss / Math.max(1, acc.seen),
      trainAcc: acc.trainCorrect / Math.max(1, acc.seen),
      valLoss: val.loss,
      valAcc: val.acc,
      archLoss: acc.archLoss / Math.max(1, acc.archSteps),
      epochSec,
      imagesPerSec: acc.seen / Math.max(1e-9, acc.seconds),
      skipsNormal: derived.skipsNormal,
      skipsReduce: derived.skipsReduce,
    })
    emit({ type: 'alphas', epoch, ...this.method.alphaSnapshot(values) })
    emit({ type: 'genotype', epoch, text: derived.text, format: derived.format })
    if (Object.keys(scalars).length || Object.keys(extra.matrices).length)
      emit({ type: 'method', epoch, scalars, matrices: extra.matrices })
    this.position = { epoch: epoch + 1, step: 0 }
    this.acc = emptyAccumulators()
  }

  /** The BN running statistics, for eval-mode forwards. */
  runningStats(): Map<string, { mean: tf.Tensor; variance: tf.Tensor }> {
    return new Map([...this.state.bnStats].map(([k, v]) => [k, { mean: v.mean as tf.Tensor, variance: v.variance as tf.Tensor }]))
  }

  /** Supernet accuracy on the validation half in eval mode (BN running statistics). */
  evaluate(maxBatches = Infinity, mixingOverride?: unknown): { loss: number; acc: number } {
    const [H, W, C] = this.data.shape
    const bnStats = this.runningStats()
    let loss = 0
    let correct = 0
    let seen = 0
    let n = 0
    for (let b = this.data.valEval.next(); b; b = this.data.valEval.next()) {
      if (n++ >= maxBatches) continue // drain the source so the next pass starts at the beginning
      const batch = b
      tf.tidy(() => {
        const x = tf.tensor4d(batch.x, [batch.size, H, W, C])
        const y = tf.tensor1d(batch.y, 'int32')
        const mixing = mixingOverride ?? this.method.mixing(this.state.arch, this.ctx('eval'))
        const logits = this.net.forward(this.state.weights, mixing, x, { training: false, bnStats })
        loss += crossEntropy(logits, y).dataSync()[0]! * batch.size
        correct += countCorrect(logits, y)
        seen += batch.size
      })
    }
    return { loss: loss / Math.max(1, seen), acc: correct / Math.max(1, seen) }
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

  /**
   * The run's result: after an R-DARTS early stop the genotype logged at the stop epoch, otherwise the
   * current one (after DARTS-PT, the projected genotype).
   */
  finalGenotypeText(): string {
    return this.rdarts?.stopped?.genotype ?? this.currentGenotypeText()
  }

  /** Validation accuracy that goes with finalGenotypeText(). */
  finalValAcc(): number {
    return this.rdarts?.stopped?.valAcc ?? this.lastValAcc
  }

  private progressEvent(): RunEventBody {
    const { epoch, step } = this.position
    const perEpoch = this.stepsPerEpoch
    const valBatches = this.data.valEval.batchesPerEpoch
    const ptCost = this.pt ? this.pt.remainingCost(valBatches) : 0
    const remainingSteps = (this.totalEpochs - epoch) * perEpoch - step + ptCost
    // The epoch-end evaluation costs about a third of a training step per val batch (forward only).
    const evalSteps = (this.totalEpochs - epoch) * valBatches * 0.3
    return {
      type: 'progress',
      epoch,
      step,
      stepsPerEpoch: perEpoch,
      trainLoss: this.acc.trainLoss / Math.max(1, this.acc.seen),
      trainAcc: this.acc.trainCorrect / Math.max(1, this.acc.seen),
      imagesPerSec: this.acc.seen / Math.max(1e-9, this.acc.seconds),
      etaSec: Math.round((remainingSteps + evalSteps) * this.stepSecondsEma),
    }
  }

  dispose(): void {
    this.sgd.dispose()
    for (const a of this.adams) a.dispose()
  }
}

export const emptyAccumulators = (): EpochAccumulators => ({
  trainLoss: 0,
  trainCorrect: 0,
  seen: 0,
  archLoss: 0,
  archSteps: 0,
  parts: {},
  seconds: 0,
})
