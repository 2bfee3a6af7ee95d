/**
 * The evaluation loop of the worker (src/worker/main.ts): EvalTrainer on a fixed genotype, an
 * 'evalEpoch' event and a checkpoint after every epoch. A stop mid-epoch writes no checkpoint: the
 * trainer's state is only exact at epoch boundaries, so a resume redoes the interrupted epoch from the
 * last epoch checkpoint, and the log is cut back to it (no duplicated epochs, no stale progress).
 */
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { GenotypeError } from '../core/genotype/model'
import { parseGenotypes } from '../core/genotype/parse/index'
import { CHECKPOINT_DIR, type EvalRunFile } from '../core/run/runFile'
import { loadEvalData } from '../engine/eval/data'
import { type EvalProgress, type EvalSnapshot, EvalTrainer } from '../engine/eval/trainer'
import { writeCheckpoint } from './checkpoint'
import { BadInput, type WorkerContext } from './context'
import { WORKER_EXIT } from './protocol'

/** Progress events at most this often (a step of a small net takes milliseconds). */
const PROGRESS_EVERY_MS = 250

function genotypeOf(run: EvalRunFile) {
  let list
  try {
    list = parseGenotypes(run.genotype.text)
  } catch (err) {
    if (err instanceof GenotypeError) throw new BadInput(`run.json genotype: ${err.message}`)
    throw err
  }
  const g = list[0]?.genotype
  if (!g || g.kind !== 'darts') throw new BadInput('run.json genotype: not a DARTS-space genotype')
  return g
}

export async function runEval(ctx: WorkerContext<EvalRunFile>): Promise<number> {
  const { run, emit, log, ckptDir, checkpoint, resume, eventSeq } = ctx
  const genotype = genotypeOf(run)
  const data = await loadEvalData(run.config, { dataDir: run.dataDir, download: run.download })
  const trainer = new EvalTrainer(genotype, run.config, data)
  const epochs = run.config.epochs

  if (checkpoint) {
    trainer.restore(checkpoint.snapshot as unknown as EvalSnapshot)
    emit({ type: 'resumed', epoch: trainer.epoch, step: 0, backend: ctx.backend, discardedAfterSeq: eventSeq })
  } else if (resume) {
    // Killed before its first checkpoint: start over, keeping nothing from the lost attempt.
    emit({ type: 'resumed', epoch: 0, step: 0, backend: ctx.backend, discardedAfterSeq: eventSeq })
  }
  if (!resume || !checkpoint)
    emit({
      type: 'started',
      runId: run.id,
      preset: run.preset,
      backend: ctx.backend,
      weights: trainer.weights.reduce((n, w) => n + w.size, 0),
      stepsPerEpoch: trainer.stepsPerEpoch,
      epochs,
    })

  const writeEpochCheckpoint = (): void => {
    log.sync()
    const snap = trainer.snapshot()
    // As the search: the checkpoint records how far the event log is valid; a resume drops anything after it.
    const bytes = writeCheckpoint(ckptDir, { meta: { ...snap.meta, eventSeq: log.lastSeq + 1 }, data: snap.data })
    const file = join(CHECKPOINT_DIR, 'latest.ckpt')
    emit({ type: 'checkpoint', epoch: trainer.epoch, step: 0, file, bytes, reason: 'epoch' })
    log.sync()
  }

  const started = performance.now()
  let last: { testAcc: number } | null = null
  while (trainer.epoch < epochs) {
    const epochStart = performance.now()
    let lastEmit = 0
    const onProgress = (p: EvalProgress): void => {
      const now = performance.now()
      if (now - lastEmit < PROGRESS_EVERY_MS && p.step < p.stepsPerEpoch) return
      lastEmit = now
      const secPerStep = (now - epochStart) / 1000 / p.step
      const stepsLeft = p.stepsPerEpoch - p.step + (epochs - p.epoch - 1) * p.stepsPerEpoch
      emit({
        type: 'progress',
        epoch: p.epoch,
        step: p.step,
        stepsPerEpoch: p.stepsPerEpoch,
        trainLoss: p.trainLoss,
        trainAcc: p.trainAcc,
        imagesPerSec: (p.step * run.config.batchSize) / Math.max((now - epochStart) / 1000, 1e-9),
        etaSec: stepsLeft * secPerStep,
      })
    }
    const m = await trainer.runEpochAsync(onProgress, () => ctx.stopRequested() !== null)
    if (!m) break
    emit({ type: 'evalEpoch', ...m })
    last = m
    writeEpochCheckpoint()
    if (ctx.stopRequested()) break
  }
  const stop = ctx.stopRequested()
  if (stop && trainer.epoch < epochs) {
    emit({ type: 'stopped', signal: stop, epoch: trainer.epoch, step: 0 })
    log.close()
    return WORKER_EXIT.stopped
  }
  // A resume after the last epoch's checkpoint (killed before 'finished') has no epoch in memory: test again.
  const testAcc = last?.testAcc ?? trainer.evaluate().acc
  const cost = trainer.cost()
  emit({
    type: 'finished',
    kind: 'eval',
    genotype: run.genotype.text,
    testAcc,
    seconds: (performance.now() - started) / 1000,
    params: cost.params,
    paramsWithAux: cost.paramsWithAux,
    flops: cost.flops,
    auxiliary: cost.auxiliary,
  })
  log.close()
  trainer.dispose()
  tf.disposeVariables()
  return WORKER_EXIT.finished
}
