/**
 * The DARTS search loop (`train_search.py`; METHODS.md §3.1) for any method: per step an α update on a
 * validation batch, then an SGD step on a train batch (or, with `alternation: 'epoch'`, a weight epoch
 * then an α epoch as HDARTS does); per epoch an eval-mode pass over the validation half, the mixing
 * weights, the derived genotype and the method's own state. Emits run events and asks for checkpoints;
 * file I/O belongs to the worker.
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
import { countCorrect, crossEntropy } from './loss'

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
  /** Sums of the regularizer's parts over this epoch's α steps. */
  parts: Record<string, number>
  /** Seconds spent in this epoch's steps before the last checkpoint. */
  seconds: number
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
  readonly sgd: Sgd
  /** One Adam per optimizer group of the method's architecture parameters. */
  readonly adams: Adam[]
  readonly architect: Architect<unknown>
  readonly rng: Rng
  readonly epochHooks: EpochHook[] = []
  position: Position = { epoch: 0, step: 0 }
  acc: EpochAccumulators = emptyAccumulators()
  /** Validation accuracy of the last finished epoch. */
  lastValAcc = 0
  private stepSecondsEma = 0

  constructor(
    readonly config: SearchConfig,
    readonly method: SearchMethod,
    readonly state: SearchState,
    readonly data: SearchData,
    rngState?: RngState,
  ) {
    this.rng = rngState ? new Rng(rngState) : new Rng(config.seed ^ 0x9e3779b9)
    this.sgd = new Sgd({ momentum: config.momentum, weightDecay: config.weightDecay, nesterov: config.nesterov })
    this.adams = method.archLrs.map(
      (lr) => new Adam({ lr, beta1: config.archBeta1, beta2: config.archBeta2, weightDecay: config.archWeightDecay }),
    )
    this.architect = new Architect(method, state, this.adams, this.sgd, config.unrolled)
  }

  get net(): Supernet<unknown> {
    return this.method.net
  }

  ctx(phase: MethodContext['phase']): MethodContext {
    return { epoch: this.position.epoch, epochs: this.config.epochs, phase, rng: this.rng }
  }

  /** Weight steps per epoch, plus the α steps of an α epoch under epoch alternation. */
  get stepsPerEpoch(): number {
    const train = this.data.train.batchesPerEpoch
    return this.config.alternation === 'epoch' ? train + this.data.val.batchesPerEpoch : train
  }

  lr(epoch = this.position.epoch): number {
    const { lr, lrMin, epochs, scheduleConvention } = this.config
    return cosineLr({ lr, lrMin, epochs, convention: scheduleConvention }, epoch)
  }

  get done(): boolean {
    return this.position.epoch >= this.config.epochs
  }

  /** Runs until the last epoch ends or a stop is requested. Returns the stop reason, or null when finished. */
  async run(hooks: SearchHooks): Promise<string | null> {
    const every = hooks.progressEveryMs ?? 1000
    let lastProgress = 0
    while (!this.done) {
      const stepStart = performance.now()
      const stepped = this.trainStep()
      if (stepped) {
        const sec = (performance.now() - stepStart) / 1000
        this.acc.seconds += sec
        this.stepSecondsEma = this.stepSecondsEma ? 0.9 * this.stepSecondsEma + 0.1 * sec : sec
        const now = Date.now()
        if (now - lastProgress >= every || this.position.step === this.stepsPerEpoch) {
          lastProgress = now
          hooks.emit(this.progressEvent())
        }
      } else {
        this.endEpoch(hooks.emit)
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
    const [H, W, C] = this.data.shape
    const toBatch = (b: { x: Float32Array; y: Int32Array; size: number }): Batch => ({
      x: tf.tensor4d(b.x, [b.size, H, W, C]),
      y: tf.tensor1d(b.y, 'int32'),
    })
    const eta = this.lr()
    const archOn = this.position.epoch >= this.config.archStartEpoch
    if (this.config.alternation === 'epoch') {
      const inWeightPhase = this.position.step < this.data.train.batchesPerEpoch
      const raw = inWeightPhase ? this.data.train.next() : this.data.val.next()
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
    const trainBatch = this.data.train.next()
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
    for (const [k, v] of Object.entries(arch.parts)) this.acc.parts[k] = (this.acc.parts[k] ?? 0) + v
  }

  private weightStep(b: Batch, eta: number): void {
    const updates: BnUpdate[] = []
    const method = this.method
    const arch = this.state.arch
    const ctx = this.ctx('weight')
    let correct = 0
    let loss = 0
    tf.tidy(() => {
      // The architecture is a constant here: its mixing is computed once, outside the weights' tape.
      const mixing = method.weightMixing
        ? method.weightMixing(arch, ctx, (m) =>
            crossEntropy(method.net.forward(this.state.weights, m, b.x, { training: true }), b.y),
          )
        : method.mixing(arch, ctx)
      // Loss, accuracy and gradients all come from the one forward pass.
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
        const logits = method.net.forward(ws, mixing, b.x, { training: true, bnUpdates: updates })
        correct = countCorrect(logits, b.y)
        return crossEntropy(logits, b.y)
      })([...this.state.weights])
      const clipped = clipByGlobalNorm(grads, this.config.gradClip)
      this.sgd.step(this.state.weights, clipped.grads, eta)
      loss = value.dataSync()[0]!
    })
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
    for (const [k, v] of Object.entries(acc.parts)) scalars[k] = v / Math.max(1, acc.archSteps)
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
    this.lastValAcc = val.acc
    this.position = { epoch: epoch + 1, step: 0 }
    this.acc = emptyAccumulators()
  }

  /** Supernet accuracy on the validation half in eval mode (BN running statistics). */
  evaluate(maxBatches = Infinity, mixingOverride?: unknown): { loss: number; acc: number } {
    const [H, W, C] = this.data.shape
    const bnStats = new Map(
      [...this.state.bnStats].map(([k, v]) => [k, { mean: v.mean as tf.Tensor, variance: v.variance as tf.Tensor }]),
    )
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

  private progressEvent(): RunEventBody {
    const { epoch, step } = this.position
    const perEpoch = this.stepsPerEpoch
    const remainingSteps = (this.config.epochs - epoch) * perEpoch - step
    // The epoch-end evaluation costs about a third of a training step per val batch (forward only).
    const evalSteps = (this.config.epochs - epoch) * this.data.valEval.batchesPerEpoch * 0.3
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
