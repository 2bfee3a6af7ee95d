/** Cross-entropy as PyTorch's `nn.CrossEntropyLoss` (mean over the batch) and top-1 accuracy. */
import * as tf from '@tensorflow/tfjs-core'

/** `logits` [N, classes], `labels` int32 [N]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, logits.shape[1])
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)))
  })
}

/** Number of rows whose argmax equals the label. */
export function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')).dataSync()[0]!)
}
