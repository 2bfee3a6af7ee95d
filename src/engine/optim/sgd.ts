/**
 * SGD exactly as PyTorch defines it: coupled L2 weight decay added to the gradient before momentum,
 * `buf = μ·buf + (g + λw)`, `w −= lr·buf` (Nesterov: `w −= lr·(g' + μ·buf)`). tf.train.momentum has
 * no weight decay and a different first step, so this is written out (METHODS.md §6.5).
 */
import * as tf from '@tensorflow/tfjs-core'

export interface SgdOptions {
  readonly momentum: number
  readonly weightDecay: number
  readonly nesterov?: boolean
}

export class Sgd {
  /** Momentum buffers, one per weight; created on the first step, as in PyTorch. */
  momentumBuffers: tf.Tensor[] | null = null

  constructor(readonly opts: SgdOptions) {}

  /** Applies one step to `params` with `grads` (same order) at learning rate `lr`. Disposes nothing it was given. */
  step(params: readonly tf.Variable[], grads: readonly tf.Tensor[], lr: number): void {
    const { momentum, weightDecay, nesterov } = this.opts
    const first = this.momentumBuffers === null
    const next: tf.Tensor[] = []
    params.forEach((p, i) => {
      const buf = tf.tidy(() => {
        const d = weightDecay ? tf.add(grads[i]!, tf.mul(p, weightDecay)) : tf.clone(grads[i]!)
        if (!momentum) return d
        return first ? d : tf.add(tf.mul(this.momentumBuffers![i]!, momentum), d)
      })
      tf.tidy(() => {
        const direction = nesterov && momentum ? tf.add(tf.add(grads[i]!, tf.mul(p, weightDecay)), tf.mul(buf, momentum)) : buf
        p.assign(tf.sub(p, tf.mul(direction, lr)))
      })
      next.push(tf.keep(buf))
    })
    this.momentumBuffers?.forEach((b) => b.dispose())
    this.momentumBuffers = momentum ? next : (next.forEach((b) => b.dispose()), null)
  }

  /**
   * The unrolled weights of second-order DARTS: `w' = w − ξ(μ·buf + ∇ + λw)`, using this optimizer's
   * momentum buffer and weight decay without changing any state (METHODS.md §6.4).
   */
  unrolled(params: readonly tf.Tensor[], grads: readonly tf.Tensor[], xi: number): tf.Tensor[] {
    const { momentum, weightDecay } = this.opts
    return params.map((p, i) =>
      tf.tidy(() => {
        let d = tf.add(grads[i]!, tf.mul(p, weightDecay))
        if (momentum && this.momentumBuffers) d = tf.add(d, tf.mul(this.momentumBuffers[i]!, momentum))
        return tf.sub(p, tf.mul(d, xi))
      }),
    )
  }

  dispose(): void {
    this.momentumBuffers?.forEach((b) => b.dispose())
    this.momentumBuffers = null
  }
}
