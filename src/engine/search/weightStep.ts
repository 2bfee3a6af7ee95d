/**
 * The weight step of the search loop: one SGD step on L_train under the method's (perturbed) mixing,
 * with gradient clipping, then the BN running statistics, then the plugins' weight-step scalars.
 */
import * as tf from '@tensorflow/tfjs-core'
import { applyBnUpdate, disposeBnUpdates } from '../ops/batchNorm'
import { clipByGlobalNorm } from '../optim/clip'
import type { BnUpdate } from '../types'
import type { Batch } from './architect'
import { runningStats } from './evaluate'
import { countCorrect, crossEntropy } from './loss'
import type { Searcher } from './searcher'

export interface WeightStepResult {
  /** Mean cross-entropy of the batch before the update. */
  readonly loss: number
  readonly correct: number
  /** The plugins' scalars (E2NAS L(previous), L(complement)), or null when no plugin logs any. */
  readonly extras: Record<string, number> | null
}

export function weightStep(s: Searcher, b: Batch, eta: number): WeightStepResult {
  const updates: BnUpdate[] = []
  const method = s.method
  const arch = s.state.arch
  const ctx = s.ctx('weight')
  let correct = 0
  let loss = 0
  tf.tidy(() => {
    // The architecture is a constant here: its mixing is computed once, outside the weights' tape. A
    // perturbation (SDARTS) sees L_train in eval-mode BN, as SmoothDARTS attacks after model.eval().
    const bnStats = runningStats(s)
    const mixing = method.weightMixing
      ? method.weightMixing(arch, ctx, (m) =>
          crossEntropy(method.net.forward(s.state.weights, m, b.x, { training: false, bnStats }), b.y),
        )
      : method.mixing(arch, ctx)
    // Loss, accuracy and gradients all come from the one forward pass.
    const scale = method.weightLossScale?.(ctx) ?? 1
    const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
      const logits = method.net.forward(ws, mixing, b.x, { training: true, bnUpdates: updates })
      correct = countCorrect(logits, b.y)
      const ce = crossEntropy(logits, b.y)
      loss = ce.dataSync()[0]!
      return scale === 1 ? ce : tf.mul(ce, scale)
    })([...s.state.weights])
    const clipped = clipByGlobalNorm(grads, s.config.gradClip)
    s.sgd.step(s.state.weights, clipped.grads, eta)
    value.dispose()
  })
  let extras: Record<string, number> | null = null
  const logging = s.plugins.filter((p) => p.afterWeightStep)
  if (logging.length) {
    const lossAt = (m: unknown) =>
      tf.tidy(() => crossEntropy(method.net.forward(s.state.weights, m, b.x, { training: true }), b.y).dataSync()[0]!)
    extras = {}
    for (const p of logging) Object.assign(extras, p.afterWeightStep!(s, ctx, lossAt))
  }
  // Running statistics: updated by the weight step only (see architect.ts).
  for (const u of updates) {
    const stats = s.state.bnStats.get(u.name)
    if (stats) applyBnUpdate(stats, u)
  }
  disposeBnUpdates(updates)
  return { loss, correct, extras }
}
