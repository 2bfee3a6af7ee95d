/**
 * Training from scratch (DARTS `train.py`, METHODS.md §2.4): SGD with momentum and coupled weight
 * decay, cosine annealing, gradient clipping, loss = CE + auxiliaryWeight·CE_aux, drop path ramped
 * linearly from 0, and after every epoch an eval-mode pass over the TEST set.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { EvalConfig } from '../../core/config/eval'
import type { DartsGenotype } from '../../core/genotype/model'
import { countNetworkCIFAR } from '../../core/metrics/params'
import { Rng, type RngState } from '../../core/rng'
import type { Batch, LoaderState } from '../data/loader'
import { applyBnUpdate, disposeBnUpdates } from '../ops/batchNorm'
import { initWeights } from '../ops/index'
import { clipByGlobalNorm } from '../optim/clip'
import { cosineLr } from '../optim/schedule'
import { Sgd } from '../optim/sgd'
import { countCorrect, crossEntropy } from '../search/loss'
import type { BnUpdate } from '../types'
import type { EvalData } from './data'
import { countEvalParams, createNetworkCIFAR, type NetworkCIFAR } from './network'

export interface EvalEpochMetrics {
  readonly epoch: number
  readonly lr: number
  /** The drop-path probability this epoch trained with. */
  readonly dropPath: number
  readonly trainLoss: number
  readonly trainAcc: number
  readonly testLoss: number
  readonly testAcc: number
  readonly epochSec: number
  readonly imagesPerSec: number
}

export interface EvalProgress {
  readonly epoch: number
  readonly step: number
  readonly stepsPerEpoch: number
  readonly trainLoss: number
  readonly trainAcc: number
}

/** What `finished` reports: params and FLOPs in DARTS's convention, the auxiliary head apart. */
export interface EvalCost {
  readonly params: number
  readonly auxParams: number
  readonly paramsWithAux: number
  readonly flops: number
  readonly auxFlops: number
  /** True when `auxParams` is non-zero, i.e. the head was trained (and excluded from `params`). */
  readonly auxiliary: boolean
}

export interface EvalSnapshot {
  readonly meta: {
    readonly version: 1
    readonly epoch: number
    readonly dropRng: RngState
    readonly loaders: { train: LoaderState; test: LoaderState }
    readonly hasMomentum: boolean
    readonly sizes: readonly number[]
  }
  readonly data: Float32Array
}

export class EvalTrainer {
  readonly net: NetworkCIFAR
  readonly weights: tf.Variable[]
  readonly bnStats = new Map<string, { mean: tf.Variable; variance: tf.Variable }>()
  readonly sgd: Sgd
  /** Next epoch to train (0-based); equals `config.epochs` when done. */
  epoch = 0
  private readonly dropRng: Rng

  constructor(
    readonly genotype: DartsGenotype,
    readonly config: EvalConfig,
    readonly data: EvalData,
  ) {
    const { shape, numClasses } = data.info
    if (shape.height !== shape.width) throw new Error(`NetworkCIFAR needs square images, got ${shape.height}×${shape.width}`)
    this.net = createNetworkCIFAR({
      genotype,
      C: config.C,
      layers: config.layers,
      numClasses,
      auxiliary: config.auxiliary,
      inputChannels: shape.channels,
      inputSize: shape.height,
    })
    const rng = new Rng(config.seed)
    this.weights = initWeights(this.net.specs, rng).map((t) => tf.variable(t, true))
    for (const b of this.net.bnSpecs)
      this.bnStats.set(b.name, {
        mean: tf.variable(tf.zeros([b.channels]), false),
        variance: tf.variable(tf.ones([b.channels]), false),
      })
    this.dropRng = rng.fork()
    this.sgd = new Sgd({ momentum: config.momentum, weightDecay: config.weightDecay })
  }

  get stepsPerEpoch(): number {
    return this.data.train.batchesPerEpoch
  }

  lrAt(epoch: number): number {
    const c = this.config
    return cosineLr({ lr: c.lr, lrMin: c.lrMin, epochs: c.epochs, convention: c.scheduleConvention }, epoch)
  }

  /** DARTS: `model.drop_path_prob = drop_path_prob · epoch / epochs`, a ramp from 0. */
  dropPathAt(epoch: number): number {
    return (this.config.dropPathProb * epoch) / this.config.epochs
  }

  cost(): EvalCost {
    const { shape, numClasses } = this.data.info
    const ref = countNetworkCIFAR(this.genotype, {
      channels: this.config.C,
      layers: this.config.layers,
      classes: numClasses,
      auxiliary: this.config.auxiliary,
      inputSize: shape.height,
    })
    const own = countEvalParams(this.net)
    // The input-channel count of the stem differs from CIFAR's 3 on grey datasets; the TF.js net is the truth.
    return {
      params: own.params,
      auxParams: own.auxParams,
      paramsWithAux: own.params + own.auxParams,
      flops: ref.flops,
      auxFlops: ref.auxFlops,
      auxiliary: own.auxParams > 0,
    }
  }

  /** One SGD step on a batch; returns the summed loss and correct count of the main logits. */
  trainStep(batch: Batch, epoch: number, lr: number): { loss: number; correct: number } {
    const { height: H, width: W, channels: C } = this.data.info.shape
    const updates: BnUpdate[] = []
    let correct = 0
    let loss = 0
    tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.size, H, W, C])
      const y = tf.tensor1d(batch.y, 'int32')
      const opts = { training: true, bnUpdates: updates, dropPathProb: this.dropPathAt(epoch), rng: this.dropRng }
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
        const out = this.net.forward(ws, x, opts)
        correct = countCorrect(out.logits, y)
        const ce = crossEntropy(out.logits, y)
        if (!out.logitsAux || this.config.auxiliaryWeight === 0) return ce
        return tf.add(ce, tf.mul(crossEntropy(out.logitsAux, y), this.config.auxiliaryWeight)) as tf.Scalar
      })([...this.weights])
      const clipped = clipByGlobalNorm(grads, this.config.gradClip)
      this.sgd.step(this.weights, clipped.grads, lr)
      loss = value.dataSync()[0]! * batch.size
    })
    for (const u of updates) {
      const stats = this.bnStats.get(u.name)
      if (stats) applyBnUpdate(stats, u)
    }
    disposeBnUpdates(updates)
    return { loss, correct }
  }

  /** Eval-mode pass over the whole test loader (in order, un-augmented). */
  evaluate(): { loss: number; acc: number } {
    const { height: H, width: W, channels: C } = this.data.info.shape
    let [loss, correct, seen] = [0, 0, 0]
    for (let i = 0; i < this.data.test.batchesPerEpoch; i++) {
      const b = this.data.test.next()
      tf.tidy(() => {
        const x = tf.tensor4d(b.x, [b.size, H, W, C])
        const y = tf.tensor1d(b.y, 'int32')
        const { logits } = this.net.forward(this.weights, x, { training: false, bnStats: this.bnStats })
        loss += crossEntropy(logits, y).dataSync()[0]! * b.size
        correct += countCorrect(logits, y)
      })
      seen += b.size
    }
    return { loss: loss / Math.max(seen, 1), acc: correct / Math.max(seen, 1) }
  }

  /** Trains epoch `this.epoch`, evaluates on the test set and advances. */
  runEpoch(onProgress?: (p: EvalProgress) => void, shouldStop?: () => boolean): EvalEpochMetrics | null {
    const steps = this.epochSteps(onProgress, shouldStop)
    for (;;) {
      const r = steps.next()
      if (r.done) return r.value
    }
  }

  /**
   * As runEpoch, yielding to the event loop after every step: a worker's signal handlers only run then,
   * and a stop must not wait for the end of an epoch (hours at DARTS scale on a CPU).
   */
  async runEpochAsync(onProgress?: (p: EvalProgress) => void, shouldStop?: () => boolean): Promise<EvalEpochMetrics | null> {
    const steps = this.epochSteps(onProgress, shouldStop)
    for (;;) {
      const r = steps.next()
      if (r.done) return r.value
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** The epoch as a generator that yields after each step; returns null when stopped. */
  private *epochSteps(
    onProgress?: (p: EvalProgress) => void,
    shouldStop?: () => boolean,
  ): Generator<void, EvalEpochMetrics | null, void> {
    const epoch = this.epoch
    const lr = this.lrAt(epoch)
    const t0 = performance.now()
    let [loss, correct, seen] = [0, 0, 0]
    const steps = this.stepsPerEpoch
    for (let step = 0; step < steps; step++) {
      // Checkpoints hold epoch boundaries only: a stop mid-epoch redoes the epoch from its start state.
      if (shouldStop?.()) return null
      const b = this.data.train.next()
      const r = this.trainStep(b, epoch, lr)
      ;[loss, correct, seen] = [loss + r.loss, correct + r.correct, seen + b.size]
      onProgress?.({ epoch, step: step + 1, stepsPerEpoch: steps, trainLoss: loss / seen, trainAcc: correct / seen })
      yield
    }
    const trainSec = (performance.now() - t0) / 1000
    const test = this.evaluate()
    this.epoch += 1
    return {
      epoch,
      lr,
      dropPath: this.dropPathAt(epoch),
      trainLoss: loss / Math.max(seen, 1),
      trainAcc: correct / Math.max(seen, 1),
      testLoss: test.loss,
      testAcc: test.acc,
      epochSec: (performance.now() - t0) / 1000,
      imagesPerSec: seen / Math.max(trainSec, 1e-9),
    }
  }

  private stateTensors(): tf.Tensor[] {
    const bn = [...this.bnStats.values()].flatMap((s) => [s.mean, s.variance])
    return [...this.weights, ...bn, ...(this.sgd.momentumBuffers ?? [])]
  }

  /** Weights, BN running statistics, momentum buffers, drop-path and loader RNGs at an epoch boundary. */
  snapshot(): EvalSnapshot {
    const tensors = this.stateTensors()
    const sizes = tensors.map((t) => t.size)
    const data = new Float32Array(sizes.reduce((a, b) => a + b, 0))
    let offset = 0
    for (const t of tensors) {
      data.set(t.dataSync() as Float32Array, offset)
      offset += t.size
    }
    const loaders = { train: this.data.train.getState(), test: this.data.test.getState() }
    const meta = {
      version: 1 as const,
      epoch: this.epoch,
      dropRng: this.dropRng.getState(),
      loaders,
      hasMomentum: !!this.sgd.momentumBuffers,
      sizes,
    }
    return { meta, data }
  }

  restore(s: EvalSnapshot): void {
    const fixed = [...this.weights, ...[...this.bnStats.values()].flatMap((b) => [b.mean, b.variance])]
    const expected = fixed.length + (s.meta.hasMomentum ? this.weights.length : 0)
    if (s.meta.sizes.length !== expected) throw new Error(`checkpoint holds ${s.meta.sizes.length} tensors, expected ${expected}`)
    let offset = 0
    const take = (t: tf.Tensor) => {
      const part = s.data.subarray(offset, offset + t.size)
      offset += t.size
      return tf.tensor(part, t.shape, 'float32')
    }
    for (const v of fixed) {
      const t = take(v)
      ;(v as tf.Variable).assign(t)
      t.dispose()
    }
    this.sgd.dispose()
    if (s.meta.hasMomentum) this.sgd.momentumBuffers = this.weights.map((w) => take(w))
    this.dropRng.setState(s.meta.dropRng)
    this.data.train.setState(s.meta.loaders.train)
    this.data.test.setState(s.meta.loaders.test)
    this.epoch = s.meta.epoch
  }

  dispose(): void {
    this.sgd.dispose()
    tf.dispose([...this.weights, ...[...this.bnStats.values()].flatMap((b) => [b.mean, b.variance])])
  }
}
