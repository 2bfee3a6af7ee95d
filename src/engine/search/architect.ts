/**
 * The architecture step of DARTS (`architect.py`; METHODS.md §3.1, §6.4), for any method. First
 * order: ∇_arch [L_val(w, arch) + R(arch)]. Second order: ∇_arch L_val(w', arch) − ξ·H with w' the
 * unrolled SGD step and H a finite-difference Hessian-vector product (plus ∇R). Weights are tensors
 * passed to a functional forward, so w', w⁺ and w⁻ are new tensors and w itself is never perturbed.
 *
 * BN choice: every pass here runs in train mode (batch statistics) and none of them updates the running
 * statistics; only the weight step does. (PyTorch's HVP passes update them as a side effect.)
 */
import * as tf from '@tensorflow/tfjs-core'
import type { MethodContext, SearchMethod } from '../methods/types'
import type { Adam } from '../optim/adam'
import type { Sgd } from '../optim/sgd'
import type { SearchState } from '../types'
import { crossEntropy } from './loss'

export interface Batch {
  readonly x: tf.Tensor4D
  readonly y: tf.Tensor1D
}

export interface ArchStepResult {
  /** L_val at the weights the α gradient was taken at (w for first order, w' for second). */
  readonly valLoss: number
  /** The regularizer's parts (PR-DARTS S/G/Q/Path, zero-one, β-decay), as numbers. */
  readonly parts: Record<string, number>
}

/** CE of the supernet under the method's mixing of `arch`, in train-mode BN. */
export function trainLoss<M>(
  method: SearchMethod<M>,
  weights: readonly tf.Tensor[],
  arch: readonly tf.Tensor2D[],
  b: Batch,
  ctx: MethodContext,
): tf.Scalar {
  return crossEntropy(method.net.forward(weights, method.mixing(arch, ctx), b.x, { training: true }), b.y)
}

/** ∇_arch L(w, arch) on batch b (plus the regularizer when `withReg`), the loss (without it) and the regularizer's parts. */
export function alphaGrads<M>(
  method: SearchMethod<M>,
  weights: readonly tf.Tensor[],
  arch: readonly tf.Tensor2D[],
  b: Batch,
  ctx: MethodContext,
  withReg = true,
): { grads: tf.Tensor[]; loss: tf.Scalar; parts: Record<string, tf.Scalar> } {
  let ce: tf.Scalar | null = null
  let parts: Record<string, tf.Scalar> = {}
  const { value, grads } = tf.valueAndGrads((...a: tf.Tensor[]) => {
    const as = a as tf.Tensor2D[]
    // Kept: the loss without the regularizer and its parts are reported, not just the total.
    ce = tf.keep(trainLoss(method, weights, as, b, ctx))
    const scale = method.archLossScale?.(ctx) ?? 1
    const scaled = scale === 1 ? ce : tf.mul(ce, scale)
    const reg = withReg ? method.archRegularizer(as, ctx) : null
    if (!reg) return scaled
    parts = Object.fromEntries(Object.entries(reg.parts).map(([k, t]) => [k, tf.keep(t)]))
    return tf.add(scaled, reg.loss) as tf.Scalar
  })([...arch])
  if (value !== ce) value.dispose()
  return { grads, loss: ce!, parts }
}

/** ∇_w L(w, mixing): gradients for every weight tensor, in `specs` order. */
export function weightGrads<M>(
  method: SearchMethod<M>,
  weights: readonly tf.Tensor[],
  mixing: M,
  b: Batch,
): { grads: tf.Tensor[]; loss: tf.Scalar } {
  const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) =>
    crossEntropy(method.net.forward(ws, mixing, b.x, { training: true }), b.y),
  )([...weights])
  return { grads, loss: value }
}

export class Architect<M> {
  constructor(
    private readonly method: SearchMethod<M>,
    private readonly state: SearchState,
    /** One Adam per optimizer group of the method's arch parameters. */
    private readonly archOptimizers: readonly Adam[],
    private readonly weightOptimizer: Sgd,
    readonly unrolled: boolean,
  ) {}

  /** One α update. `eta` is the current weight learning rate (ξ = η in DARTS). `groups`: the optimizer groups to step (default all). */
  step(train: Batch, val: Batch, eta: number, ctx: MethodContext, groups?: readonly number[]): ArchStepResult {
    const arch = this.state.arch
    const { grads, loss, parts } = this.unrolled
      ? this.unrolledGrads(train, val, eta, ctx)
      : alphaGrads(this.method, this.state.weights, arch, val, ctx)
    this.archOptimizers.forEach((opt, g) => {
      if (groups && !groups.includes(g)) return
      const idx = this.method.archSpecs.flatMap((s, i) => (s.group === g ? [i] : []))
      opt.step(
        idx.map((i) => arch[i]!),
        idx.map((i) => grads[i]!),
      )
    })
    const valLoss = loss.dataSync()[0]!
    const partValues = Object.fromEntries(Object.entries(parts).map(([k, t]) => [k, t.dataSync()[0]!]))
    tf.dispose([...grads, loss, ...Object.values(parts)])
    return { valLoss, parts: partValues }
  }

  /** g = ∇_arch L_val(w', arch) − η·[∇_arch L_train(w⁺) − ∇_arch L_train(w⁻)] / 2ε (+ ∇R(arch)). */
  unrolledGrads(
    train: Batch,
    val: Batch,
    eta: number,
    ctx: MethodContext,
  ): { grads: tf.Tensor[]; loss: tf.Scalar; parts: Record<string, tf.Scalar> } {
    const method = this.method
    const w = this.state.weights
    const arch = this.state.arch
    let parts: Record<string, tf.Scalar> = {}
    const out = tf.tidy(() => {
      // w' = w − η(μ·v + ∇_w L_train + λw): exactly the next SGD update.
      const gTrain = weightGrads(method, w, method.mixing(arch, ctx), train)
      const wPrime = this.weightOptimizer.unrolled(w, gTrain.grads, eta)
      tf.dispose([...gTrain.grads, gTrain.loss])

      // ∇ of L_val at (w', arch) with respect to arch and w'.
      const n = wPrime.length
      const { value: valLoss, grads: all } = tf.valueAndGrads((...xs: tf.Tensor[]) =>
        trainLoss(method, xs.slice(0, n), xs.slice(n) as tf.Tensor2D[], val, ctx),
      )([...wPrime, ...arch])
      const dw = all.slice(0, n)
      const dalpha = all.slice(n)

      const hvp = hessianVectorProduct(method, w, arch, dw, train, ctx)
      let grads = dalpha.map((g, i) => tf.sub(g, tf.mul(hvp[i]!, eta)))
      // The regularizer depends on arch alone, so its gradient simply adds.
      const reg = tf.valueAndGrads((...a: tf.Tensor[]) => {
        const r = method.archRegularizer(a as tf.Tensor2D[], ctx)
        if (r) parts = Object.fromEntries(Object.entries(r.parts).map(([k, t]) => [k, tf.keep(t)]))
        // 0·Σa keeps every arch tensor on the tape when the regularizer reads only some of them.
        const anchor = tf.addN(a.map((t) => tf.mul(tf.sum(t), 0))) as tf.Scalar
        return r ? (tf.add(r.loss, anchor) as tf.Scalar) : anchor
      })([...arch])
      grads = grads.map((g, i) => tf.add(g, reg.grads[i]!))
      return { grads, loss: valLoss }
    })
    return { ...out, parts }
  }
}

/**
 * [∇_arch L_train(w + εv) − ∇_arch L_train(w − εv)] / 2ε with ε = 0.01/‖v‖₂ (the norm over all
 * weight tensors), DARTS's `_hessian_vector_product`.
 */
export function hessianVectorProduct<M>(
  method: SearchMethod<M>,
  w: readonly tf.Tensor[],
  arch: readonly tf.Tensor2D[],
  v: readonly tf.Tensor[],
  batch: Batch,
  ctx: MethodContext,
  r = 0.01,
): tf.Tensor[] {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(v.map((t) => tf.sum(tf.square(t))))).dataSync()[0]!
    const eps = r / norm
    const wPlus = w.map((t, i) => tf.add(t, tf.mul(v[i]!, eps)))
    const plus = alphaGrads(method, wPlus, arch, batch, ctx, false)
    tf.dispose([...wPlus, plus.loss]) // alphaGrads keeps its loss for the caller
    const wMinus = w.map((t, i) => tf.sub(t, tf.mul(v[i]!, eps)))
    const minus = alphaGrads(method, wMinus, arch, batch, ctx, false)
    minus.loss.dispose()
    const [gPlus, gMinus] = [plus.grads, minus.grads]
    return gPlus.map((g, i) => tf.div(tf.sub(g, gMinus[i]!), 2 * eps))
  })
}
