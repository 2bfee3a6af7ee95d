/**
 * Adam as PyTorch defines it, with coupled L2 weight decay (`g += λθ`, not AdamW): DARTS's α optimizer
 * is Adam(3e-4, betas (0.5, 0.999), weight_decay 1e-3) (METHODS.md §6.5).
 */
import * as tf from '@tensorflow/tfjs-core'

export interface AdamOptions {
  readonly lr: number
  readonly beta1: number
  readonly beta2: number
  readonly weightDecay: number
  readonly eps?: number
}

export class Adam {
  /** First and second moments, one pair per parameter. */
  m: tf.Tensor[] | null = null
  v: tf.Tensor[] | null = null
  /** Number of steps taken (bias correction). */
  t = 0

  constructor(readonly opts: AdamOptions) {}

  step(params: readonly tf.Variable[], grads: readonly tf.Tensor[], lr = this.opts.lr): void {
    const { beta1, beta2, weightDecay } = this.opts
    const eps = this.opts.eps ?? 1e-8
    this.m ??= params.map((p) => tf.keep(tf.zerosLike(p)))
    this.v ??= params.map((p) => tf.keep(tf.zerosLike(p)))
    this.t += 1
    const bc1 = 1 - beta1 ** this.t
    const bc2 = 1 - beta2 ** this.t
    params.forEach((p, i) => {
      const [m, v] = tf.tidy(() => {
        const g = weightDecay ? tf.add(grads[i]!, tf.mul(p, weightDecay)) : grads[i]!
        const m = tf.add(tf.mul(this.m![i]!, beta1), tf.mul(g, 1 - beta1))
        const v = tf.add(tf.mul(this.v![i]!, beta2), tf.mul(tf.square(g), 1 - beta2))
        // PyTorch: θ −= lr/bc1 · m / (√v/√bc2 + ε)
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps)
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / bc1)))
        return [tf.keep(m), tf.keep(v)]
      })
      this.m![i]!.dispose()
      this.v![i]!.dispose()
      this.m![i] = m!
      this.v![i] = v!
    })
  }

  dispose(): void {
    this.m?.forEach((t) => t.dispose())
    this.v?.forEach((t) => t.dispose())
    this.m = this.v = null
  }
}
