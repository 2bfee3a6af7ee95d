/**
 * The architecture step of DARTS (`architect.py`; METHODS.md §3.1, §6.4). First order: ∇_α L_val(w, α).
 * Second order: ∇_α L_val(w', α) − ξ·H with w' the unrolled SGD step and H a finite-difference
 * Hessian-vector product. Weights are tensors passed to a functional forward, so w', w⁺ and w⁻ are
 * new tensors and w itself is never perturbed (no restore round-off).
 *
 * BN choice: every pass here runs in train mode (batch statistics) and none of them updates the running
 * statistics; only the weight step does. (PyTorch's HVP passes update them as a side effect.)
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Alphas, SearchState, Supernet } from '../types'
import type { Adam } from '../optim/adam'
import type { Sgd } from '../optim/sgd'
import { crossEntropy } from './loss'

export interface Batch {
  readonly x: tf.Tensor4D
  readonly y: tf.Tensor1D
}

export interface ArchStepResult {
  /** L_val at the weights the α gradient was taken at (w for first order, w' for second). */
  readonly valLoss: number
}

const trainLoss = (net: Supernet, weights: readonly tf.Tensor[], alphas: Alphas, b: Batch): tf.Scalar =>
  crossEntropy(net.forward(weights, alphas, b.x, { training: true }), b.y)

/** ∇_α L(w, α) on batch b, as [dαNormal, dαReduce], plus the loss value. */
export function alphaGrads(
  net: Supernet,
  weights: readonly tf.Tensor[],
  alphas: Alphas,
  b: Batch,
): { grads: tf.Tensor[]; loss: tf.Scalar } {
  const { value, grads } = tf.valueAndGrads((aN: tf.Tensor, aR: tf.Tensor) =>
    trainLoss(net, weights, { normal: aN as tf.Tensor2D, reduce: aR as tf.Tensor2D }, b),
  )([alphas.normal, alphas.reduce])
  return { grads, loss: value }
}

/** ∇_w L(w, α): gradients for every weight tensor, in `specs` order. */
export function weightGrads(
  net: Supernet,
  weights: readonly tf.Tensor[],
  alphas: Alphas,
  b: Batch,
): { grads: tf.Tensor[]; loss: tf.Scalar } {
  const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => trainLoss(net, ws, alphas, b))([...weights])
  return { grads, loss: value }
}

export class Architect {
  constructor(
    private readonly net: Supernet,
    private readonly state: SearchState,
    private readonly archOptimizer: Adam,
    private readonly weightOptimizer: Sgd,
    readonly unrolled: boolean,
  ) {}

  private get alphas(): Alphas {
    return { normal: this.state.alphasNormal, reduce: this.state.alphasReduce }
  }

  /** One α update. `eta` is the current weight learning rate (ξ = η in DARTS). */
  step(train: Batch, val: Batch, eta: number): ArchStepResult {
    const { grads, loss } = this.unrolled
      ? this.unrolledGrads(train, val, eta)
      : alphaGrads(this.net, this.state.weights, this.alphas, val)
    this.archOptimizer.step([this.state.alphasNormal, this.state.alphasReduce], grads)
    const valLoss = loss.dataSync()[0]!
    tf.dispose([...grads, loss])
    return { valLoss }
  }

  /** g_α = ∇_α L_val(w', α) − η·[∇_α L_train(w⁺, α) − ∇_α L_train(w⁻, α)] / 2ε. */
  unrolledGrads(train: Batch, val: Batch, eta: number): { grads: tf.Tensor[]; loss: tf.Scalar } {
    const net = this.net
    const w = this.state.weights
    const alphas = this.alphas
    return tf.tidy(() => {
      // w' = w − η(μ·v + ∇_w L_train + λw): exactly the next SGD update.
      const gTrain = weightGrads(net, w, alphas, train)
      const wPrime = this.weightOptimizer.unrolled(w, gTrain.grads, eta)
      tf.dispose([...gTrain.grads, gTrain.loss])

      // ∇ of L_val at (w', α) with respect to α and w'.
      const n = wPrime.length
      const { value: valLoss, grads: all } = tf.valueAndGrads((...xs: tf.Tensor[]) =>
        trainLoss(net, xs.slice(0, n), { normal: xs[n] as tf.Tensor2D, reduce: xs[n + 1] as tf.Tensor2D }, val),
      )([...wPrime, alphas.normal, alphas.reduce])
      const dw = all.slice(0, n)
      const dalpha = all.slice(n)

      const hvp = hessianVectorProduct(net, w, alphas, dw, train)
      const grads = dalpha.map((g, i) => tf.sub(g, tf.mul(hvp[i]!, eta)))
      return { grads, loss: valLoss }
    })
  }
}

/**
 * [∇_α L_train(w + εv, α) − ∇_α L_train(w − εv, α)] / 2ε with ε = 0.01/‖v‖₂ (the norm over all
 * weight tensors), DARTS's `_hessian_vector_product`.
 */
export function hessianVectorProduct(
  net: Supernet,
  w: readonly tf.Tensor[],
  alphas: Alphas,
  v: readonly tf.Tensor[],
  batch: Batch,
  r = 0.01,
): tf.Tensor[] {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(v.map((t) => tf.sum(tf.square(t))))).dataSync()[0]!
    const eps = r / norm
    const wPlus = w.map((t, i) => tf.add(t, tf.mul(v[i]!, eps)))
    const gPlus = alphaGrads(net, wPlus, alphas, batch).grads
    tf.dispose(wPlus)
    const wMinus = w.map((t, i) => tf.sub(t, tf.mul(v[i]!, eps)))
    const gMinus = alphaGrads(net, wMinus, alphas, batch).grads
    return gPlus.map((g, i) => tf.div(tf.sub(g, gMinus[i]!), 2 * eps))
  })
}
