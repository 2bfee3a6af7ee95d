/**
 * DARTS- (METHODS.md §3.7) as a wrapper around any parametrization whose mixing has an `auxSkip` slot:
 * every mixed op gets β_t·aux(x) beside its candidates, outside the softmax (the supernet must be built
 * with `auxSkip: true`). β_t follows the run's epoch, as `DecayScheduler.step(epoch)` once per epoch.
 * Everything else (arch parameters, regularizer, perturbation, derivation) is the wrapped method's.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import type { SearchPlugin } from '../../search/plugin'
import { overrideMethod } from '../override'
import type { MethodContext, MethodState, SearchMethod } from '../types'

export type AuxSkipSchedule = SearchConfig['regularization']['auxSkip']

/**
 * DARTS-'s `DecayScheduler` with T_start = 0 and T_max = T_stop = epochs: linear base·(T_max − e)/T_max
 * (1 at epoch 0, 1/T_max at the last), cosine base·(1 + cos(π·e/T_max))/2, none: base.
 */
export function auxSkipBeta(schedule: AuxSkipSchedule, epoch: number, epochs: number): number {
  const base = schedule.beta
  if (epochs <= 0) return base
  switch (schedule.decay) {
    case 'linear':
      return (base * (epochs - epoch)) / epochs
    case 'cosine':
      return (base * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2
    case 'none':
      return base
  }
}

/** Mixing types with DARTS-'s β_t slot (DartsMixing). */
export type WithAuxSkip = { readonly auxSkip?: number }

/**
 * `method` with DARTS-'s β_t in every mixing it produces (the plain one and, when it perturbs, the
 * weight step's) and `auxBeta` in its epoch state. Every other member is the wrapped method's own, called
 * on it (a Proxy, as `withBetaDecay`, so members other features add later delegate too).
 */
export function auxSkipMethod<M extends WithAuxSkip>(method: SearchMethod<M>, schedule: AuxSkipSchedule): SearchMethod<M> {
  if (!method.net.config.auxSkip) throw new Error('DARTS- needs a supernet built with auxSkip: true')
  const beta = (ctx: Pick<MethodContext, 'epoch' | 'epochs'>) => auxSkipBeta(schedule, ctx.epoch, ctx.epochs)
  const withBeta = (m: M, ctx: MethodContext): M => ({ ...m, auxSkip: beta(ctx) })
  const mixing = (arch: readonly tf.Tensor2D[], ctx: MethodContext): M => withBeta(method.mixing(arch, ctx), ctx)
  // The loss an SDARTS attack sees must include the skip too: wrap it on the way in and the result on the way out.
  const weightMixing = (arch: readonly tf.Tensor2D[], ctx: MethodContext, loss: (m: M) => tf.Scalar): M =>
    withBeta(
      method.weightMixing!(arch, ctx, (m) => loss(withBeta(m, ctx))),
      ctx,
    )
  const epochState = (arch: readonly number[][][], ctx: MethodContext): MethodState => {
    const base = method.epochState?.(arch, ctx) ?? { scalars: {}, matrices: {} }
    return { scalars: { ...base.scalars, auxBeta: beta(ctx) }, matrices: base.matrices }
  }
  // Absent stays absent: the searcher treats a missing weightMixing as plain mixing.
  return overrideMethod(method, { mixing, epochState, ...(method.weightMixing ? { weightMixing } : {}) })
}

/** Wraps `method` with DARTS-'s auxiliary skip when `config.regularization.auxSkip.beta > 0`, else returns it. */
export function withAuxSkip<M extends WithAuxSkip>(method: SearchMethod<M>, config: SearchConfig): SearchMethod<M> {
  const schedule = config.regularization.auxSkip
  return schedule.beta > 0 ? auxSkipMethod(method, schedule) : method
}

/** DARTS- as a search plugin (regularization.auxSkip.beta > 0), else null. */
export function auxSkipPlugin(config: SearchConfig): SearchPlugin | null {
  if (!(config.regularization.auxSkip.beta > 0)) return null
  return { name: 'aux-skip', wrapMethod: (m) => withAuxSkip(m as SearchMethod<WithAuxSkip>, config) as SearchMethod }
}
