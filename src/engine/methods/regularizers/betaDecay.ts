/**
 * β-DARTS's beta-decay regularization (Ye et al. 2022, arXiv 2203.01665; METHODS.md §3.11):
 * λ_t · mean over rows of logsumexp(α_row). Its gradient is softmax(α_row)/rows, so it acts as a
 * weight decay on the softmax-normalized weights and keeps them from saturating. Composable: any
 * method with softmax-normalized rows (DARTS, PC-DARTS, HDARTS levels) gets it through `withBetaDecay`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import type { SearchPlugin } from '../../search/plugin'
import { overrideMethod } from '../override'
import type { ArchParamSpec, MethodContext, MethodState, RegTerm, SearchMethod } from '../types'

/** λ_t = lambdaMax·epoch/epochs, linear from 0 (the code's `50·epoch/100`). */
export const betaLambda = (lambdaMax: number, epoch: number, epochs: number): number => (lambdaMax * epoch) / Math.max(1, epochs)

/** mean over every row of every matrix (rows concatenated, as `mlc_loss` on the stacked α) of logsumexp(row). */
export function betaDecayLoss(arch: readonly tf.Tensor2D[]): tf.Scalar {
  if (arch.length === 0) throw new Error('β-decay needs at least one architecture matrix')
  return tf.tidy(() => tf.mean(tf.concat(arch.map((a) => tf.logSumExp(a, 1)))) as tf.Scalar)
}

/** The regularizer term with part `betaDecay` = λ·mean logsumexp (the weighted value, the one added to the loss). */
export function betaDecayTerm(arch: readonly tf.Tensor2D[], lambda: number): RegTerm {
  const loss = tf.mul(betaDecayLoss(arch), lambda) as tf.Scalar
  return { loss, parts: { betaDecay: loss } }
}

/** Sum of two terms, parts merged (names are method-specific and do not collide). */
export function addTerms(a: RegTerm | null, b: RegTerm): RegTerm {
  if (!a) return b
  return { loss: tf.add(a.loss, b.loss) as tf.Scalar, parts: { ...a.parts, ...b.parts } }
}

/**
 * Which architecture matrices are regularized: those whose rows are softmax-normalized, i.e. with
 * more than one column. A one-column "row" (a vector stored as `[n, 1]`, e.g. PC-DARTS's β) has
 * logsumexp = itself, which would only shift every entry.
 */
export const defaultBetaDecaySelect = (spec: ArchParamSpec): boolean => spec.shape[1] > 1

/**
 * `method` plus λ_t·β-decay in its α loss, and `betaLambda` in its epoch state. Every other member is
 * the wrapped method's own, called on it (a Proxy, so members other engineers add later delegate too).
 */
export function withBetaDecay<M>(
  method: SearchMethod<M>,
  lambdaMax: number,
  select: (spec: ArchParamSpec) => boolean = defaultBetaDecaySelect,
): SearchMethod<M> {
  const picked = method.archSpecs.flatMap((s, i) => (select(s) ? [i] : []))
  if (picked.length === 0) throw new Error('β-decay: the method has no softmax-normalized architecture matrix')
  const lambda = (ctx: Pick<MethodContext, 'epoch' | 'epochs'>) => betaLambda(lambdaMax, ctx.epoch, ctx.epochs)
  const archRegularizer = (arch: readonly tf.Tensor2D[], ctx: MethodContext): RegTerm =>
    addTerms(
      method.archRegularizer(arch, ctx),
      betaDecayTerm(
        picked.map((i) => arch[i]!),
        lambda(ctx),
      ),
    )
  const epochState = (arch: readonly number[][][], ctx: MethodContext): MethodState => {
    const base = method.epochState?.(arch, ctx) ?? { scalars: {}, matrices: {} }
    return { scalars: { ...base.scalars, betaLambda: lambda(ctx) }, matrices: base.matrices }
  }
  return overrideMethod(method, { archRegularizer, epochState })
}

/** β-decay as a search plugin (regularization.betaDecay.lambdaMax > 0), else null. */
export function betaDecayPlugin(config: SearchConfig): SearchPlugin | null {
  const { lambdaMax } = config.regularization.betaDecay
  return lambdaMax > 0 ? { name: 'beta-decay', wrapMethod: (m) => withBetaDecay(m, lambdaMax) } : null
}
