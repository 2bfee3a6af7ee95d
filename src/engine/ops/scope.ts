/**
 * How an op finds its weights and runs its BNs during one forward pass. Ops declare names relative
 * to a prefix (`dw1`, `bn1`); a scope resolves them against the flat weight list of a network
 * (`cells.0.edges.3.sep_conv_3x3.dw1`) and routes BN statistics per ForwardOptions.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BnUpdate, ForwardOptions, ParamSpec } from '../types'
import { batchNormEval, batchNormTrain } from './batchNorm'

export interface OpContext {
  readonly training: boolean
  /** Weight by full name; throws for an unknown name. */
  param(name: string): tf.Tensor
  readonly bnUpdates?: BnUpdate[]
  readonly bnStats?: ReadonlyMap<string, { mean: tf.Tensor; variance: tf.Tensor }>
}

/** An OpContext over `weights` given in `specs` order, checking count and shapes up front. */
export function contextFromWeights(specs: readonly ParamSpec[], weights: readonly tf.Tensor[], opts: ForwardOptions): OpContext {
  if (weights.length !== specs.length) throw new Error(`expected ${specs.length} weight tensors, got ${weights.length}`)
  const byName = new Map<string, tf.Tensor>()
  specs.forEach((spec, i) => {
    const w = weights[i]!
    if (w.shape.length !== spec.shape.length || w.shape.some((d, k) => d !== spec.shape[k]))
      throw new Error(`weight ${i} (${spec.name}) has shape [${w.shape}], expected [${spec.shape}]`)
    byName.set(spec.name, w)
  })
  return {
    training: opts.training,
    ...(opts.bnUpdates ? { bnUpdates: opts.bnUpdates } : {}),
    ...(opts.bnStats ? { bnStats: opts.bnStats } : {}),
    param(name) {
      const w = byName.get(name)
      if (!w) throw new Error(`no weight named "${name}"`)
      return w
    },
  }
}

export class ParamScope {
  constructor(
    readonly ctx: OpContext,
    readonly prefix = '',
  ) {}

  name(rel: string): string {
    return this.prefix ? `${this.prefix}.${rel}` : rel
  }

  child(rel: string): ParamScope {
    return new ParamScope(this.ctx, this.name(rel))
  }

  w<T extends tf.Tensor = tf.Tensor4D>(rel: string): T {
    return this.ctx.param(this.name(rel)) as T
  }

  /**
   * BN `rel` on x. `weight` (a scalar, the mixed op's softmax weight) is folded into γ and β: it costs
   * a [C]-sized multiply instead of a full-size one (REPORT §5 item 2), and BN's backward then carries
   * its gradient.
   */
  bn(rel: string, x: tf.Tensor4D, affine: boolean, weight?: tf.Tensor): tf.Tensor4D {
    const name = this.name(rel)
    let gamma = affine ? this.w<tf.Tensor1D>(`${rel}.weight`) : undefined
    let beta = affine ? this.w<tf.Tensor1D>(`${rel}.bias`) : undefined
    if (weight) {
      gamma = gamma ? tf.mul(gamma, weight) : (weight as tf.Tensor1D)
      if (beta) beta = tf.mul(beta, weight)
    }
    if (this.ctx.training) {
      const updates = this.ctx.bnUpdates
      const r = batchNormTrain(x, gamma, beta, updates !== undefined)
      if (updates && r.mean && r.variance)
        updates.push({ name, mean: r.mean, variance: r.variance, count: x.shape[0] * x.shape[1] * x.shape[2] })
      return r.y
    }
    const stats = this.ctx.bnStats?.get(name)
    if (!stats) throw new Error(`eval-mode BN "${name}" has no running statistics (pass ForwardOptions.bnStats)`)
    return batchNormEval(x, stats.mean, stats.variance, gamma, beta)
  }
}
