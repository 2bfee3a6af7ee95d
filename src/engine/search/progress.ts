/** Where the loop stands (epoch, step, the epoch's running sums) and its throttled `progress` event, with its ETA. */
import type { RunEventBody } from '../../core/events'

export interface Position {
  epoch: number
  /** Steps done in the current epoch. */
  step: number
}

/** Running sums of the epoch in progress (saved in checkpoints so a resumed epoch reports the same numbers). */
export interface EpochSums {
  trainLoss: number
  trainCorrect: number
  seen: number
  archLoss: number
  archSteps: number
  /** Sums of the regularizer's parts over this epoch's α steps, and how many steps had each part. */
  parts: Record<string, number>
  partSteps?: Record<string, number>
  /** Seconds spent in this epoch's steps before the last checkpoint. */
  seconds: number
  /** Sums of the plugins' weight-step scalars (E2NAS L(previous), L(complement)) and their step count. */
  weightParts?: Record<string, number>
  weightSteps?: number
}

export const emptySums = (): EpochSums => ({
  trainLoss: 0,
  trainCorrect: 0,
  seen: 0,
  archLoss: 0,
  archSteps: 0,
  parts: {},
  seconds: 0,
})

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
