/** The loop's throttled `progress` event, with its ETA. */
import type { RunEventBody } from '../../core/events'
import type { EpochSums, Position } from './searcher'

export interface ProgressInput {
  readonly position: Position
  readonly stepsPerEpoch: number
  readonly totalEpochs: number
  /** Batches of the epoch-end evaluation. */
  readonly valBatches: number
  /** Step-equivalents of work still to come outside the steps (DARTS-PT decisions). */
  readonly extraCost: number
  readonly sums: EpochSums
  /** Moving average of a step's seconds. */
  readonly stepSeconds: number
}

export function progressEvent(p: ProgressInput): RunEventBody {
  const { epoch, step } = p.position
  const remainingSteps = (p.totalEpochs - epoch) * p.stepsPerEpoch - step + p.extraCost
  // The epoch-end evaluation costs about a third of a training step per val batch (forward only).
  const evalSteps = (p.totalEpochs - epoch) * p.valBatches * 0.3
  return {
    type: 'progress',
    epoch,
    step,
    stepsPerEpoch: p.stepsPerEpoch,
    trainLoss: p.sums.trainLoss / Math.max(1, p.sums.seen),
    trainAcc: p.sums.trainCorrect / Math.max(1, p.sums.seen),
    imagesPerSec: p.sums.seen / Math.max(1e-9, p.sums.seconds),
    etaSec: Math.round((remainingSteps + evalSteps) * p.stepSeconds),
  }
}
