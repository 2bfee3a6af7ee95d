/** The supernet's epoch-end evaluation: eval-mode BN with the running statistics, over the in-order validation half. */
import * as tf from '@tensorflow/tfjs-core'
import { toBatch } from './data'
import { countCorrect, crossEntropy } from './loss'
import type { SearcherView } from './plugin'

/** The BN running statistics, for eval-mode forwards. */
export function runningStats(s: Pick<SearcherView, 'state'>): Map<string, { mean: tf.Tensor; variance: tf.Tensor }> {
  return new Map([...s.state.bnStats].map(([k, v]) => [k, { mean: v.mean as tf.Tensor, variance: v.variance as tf.Tensor }]))
}

/** Supernet loss and accuracy on the validation half under the method's deterministic ('eval') mixing. */
export function evaluate(s: SearcherView): { loss: number; acc: number } {
  const bnStats = runningStats(s)
  let loss = 0
  let correct = 0
  let seen = 0
  for (let b = s.data.valEval.next(); b; b = s.data.valEval.next()) {
    const raw = b
    tf.tidy(() => {
      const { x, y } = toBatch(s.data.shape, raw)
      const mixing = s.method.mixing(s.state.arch, s.ctx('eval'))
      const logits = s.net.forward(s.state.weights, mixing, x, { training: false, bnStats })
      loss += crossEntropy(logits, y).dataSync()[0]! * raw.size
      correct += countCorrect(logits, y)
      seen += raw.size
    })
  }
  return { loss: loss / Math.max(1, seen), acc: correct / Math.max(1, seen) }
}
