/**
 * The DARTS search loop (`train_search.py`; METHODS.md §3.1): per step an α update on a validation
 * batch, then an SGD step on a train batch; per epoch an eval-mode pass over the validation half, the
 * softmax(α) snapshot and the derived genotype. Emits run events and asks for checkpoints; file I/O
 * belongs to the worker.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../core/config/search'
import { deriveDarts } from '../../core/genotype/derive'
import { countOp } from '../../core/genotype/model'
import { toDartsText } from '../../core/genotype/serialize'
import { Rng, type RngState } from '../../core/rng'
import type { RunEventBody } from '../../core/events'
import { Adam } from '../optim/adam'
import { clipByGlobalNorm } from '../optim/clip'
import { cosineLr } from '../optim/schedule'
import { Sgd } from '../optim/sgd'
import { applyBnUpdate, disposeBnUpdates } from '../ops/batchNorm'
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

export class Searcher {
  readonly sgd: Sgd
  readonly adam: Adam
  readonly architect: Architect
  readonly rng: Rng
  position: Position = { epoch: 0, step: 0 }
  acc: EpochAccumulators = emptyAccumulators()
  /** Validation accuracy of the last finished epoch. */
  lastValAcc = 0
  private stepSecondsEma = 0

  constructor(
    readonly config: SearchConfig,
    readonly net: Supernet,
    readonly state: SearchState,
    readonly data: SearchData,
    rngState?: RngState,
  ) {
    this.rng = rngState ? new Rng(rngState) : new Rng(config.seed ^ 0x9e3779b9)
    this.sgd = new Sgd({ momentum: config.momentum, weightDecay: config.weightDecay })
    this.adam = new Adam({
      lr: config.archLr,
      beta1: config.archBeta1,
      beta2: config.archBeta2,
      weightDecay: config.archWeightDecay,
    })
    this.architect = new Architect(net, state, this.adam, this.sgd, config.unrolled)
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
        if (now - lastProgress >= every || this.position.step === this.data.train.batchesPerEpoch) {
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

  /** One α step then one weight step. Returns false at the end of the epoch's train batches. */
  trainStep(): boolean {
    const trainBatch = this.data.train.next()
    if (!trainBatch) return false
    let valBatch = this.data.val.next()
    valBatch ??= this.data.val.next() // the α half cycles independently of the weight half
    if (!valBatch) throw new Error('the architecture split produced no batch')
    const [H, W, C] = this.data.shape
    const eta = this.lr()
    const toBatch = (b: { x: Float32Array; y: Int32Array; size: number }): Batch => ({
      x: tf.tensor4d(b.x, [b.size, H, W, C]),
      y: tf.tensor1d(b.y, 'int32'),
    })
    const train = toBatch(trainBatch)
    const val = toBatch(valBatch)
    try {
      const arch = this.architect.step(train, val, eta)
      this.acc.archLoss += arch.valLoss
      this.acc.archSteps += 1
      this.weightStep(train, eta)
    } finally {
      tf.dispose([train.x, train.y, val.x, val.y])
    }
    this.position.step += 1
    return true
  }

  private weightStep(b: Batch, eta: number): void {
    const updates: BnUpdate[] = []
    const alphas = { normal: this.state.alphasNormal, reduce: this.state.alphasReduce }
    let correct = 0
    let loss = 0
    tf.tidy(() => {
      // Loss, accuracy and gradients all come from the one forward pass.
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
        const logits = this.net.forward(ws, alphas, b.x, { training: true, bnUpdates: updates })
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
    const alphas = this.softmaxAlphas()
    const ops = this.net.config.ops
    const genotype = deriveDarts(alphas.normal, alphas.reduce, {
      ops,
      steps: this.config.steps,
      multiplier: this.config.multiplier,
      weights: 'normalized',
    })
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
      skipsNormal: countOp(genotype.normal),
      skipsReduce: countOp(genotype.reduce),
    })
    emit({ type: 'alphas', epoch, ops: [...ops], normal: alphas.normal, reduce: alphas.reduce })
    emit({ type: 'genotype', epoch, text: toDartsText(genotype) })
    this.lastValAcc = val.acc
    this.position = { epoch: epoch + 1, step: 0 }
    this.acc = emptyAccumulators()
  }

  evaluate(): { loss: number; acc: number } {
    const [H, W, C] = this.data.shape
    const bnStats = new Map(
      [...this.state.bnStats].map(([k, v]) => [k, { mean: v.mean as tf.Tensor, variance: v.variance as tf.Tensor }]),
    )
    const alphas = { normal: this.state.alphasNormal, reduce: this.state.alphasReduce }
    let loss = 0
    let correct = 0
    let seen = 0
    for (let b = this.data.valEval.next(); b; b = this.data.valEval.next()) {
      const batch = b
      tf.tidy(() => {
        const x = tf.tensor4d(batch.x, [batch.size, H, W, C])
        const y = tf.tensor1d(batch.y, 'int32')
        const logits = this.net.forward(this.state.weights, alphas, x, { training: false, bnStats })
        loss += crossEntropy(logits, y).dataSync()[0]! * batch.size
        correct += countCorrect(logits, y)
        seen += batch.size
      })
    }
    return { loss: loss / Math.max(1, seen), acc: correct / Math.max(1, seen) }
  }

  softmaxAlphas(): { normal: number[][]; reduce: number[][] } {
    const rows = (t: tf.Tensor2D) => tf.tidy(() => tf.softmax(t, -1).arraySync() as number[][])
    return { normal: rows(this.state.alphasNormal), reduce: rows(this.state.alphasReduce) }
  }

  currentGenotypeText(): string {
    const a = this.softmaxAlphas()
    return toDartsText(
      deriveDarts(a.normal, a.reduce, {
        ops: this.net.config.ops,
        steps: this.config.steps,
        multiplier: this.config.multiplier,
        weights: 'normalized',
      }),
    )
  }

  private progressEvent(): RunEventBody {
    const { epoch, step } = this.position
    const perEpoch = this.data.train.batchesPerEpoch
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
    this.adam.dispose()
  }
}

export const emptyAccumulators = (): EpochAccumulators => ({
  trainLoss: 0,
  trainCorrect: 0,
  seen: 0,
  archLoss: 0,
  archSteps: 0,
  seconds: 0,
})
