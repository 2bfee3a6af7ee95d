/** The search loop of the worker (src/worker/main.ts): a Searcher with its checkpoints and events. */
import { join } from 'node:path'
import { CHECKPOINT_DIR, type SearchRunFile } from '../core/run/runFile'
import { loseWebGpuDevice } from '../engine/backends/webgpu'
import { loadSearchData } from '../engine/search/data'
import { buildSearch } from '../engine/search/session'
import { restoreSnapshot, takeSnapshot } from '../engine/search/snapshot'
import { benchmarkScorer } from './benchmark'
import { writeCheckpoint } from './checkpoint'
import type { WorkerContext } from './context'
import { WORKER_EXIT } from './protocol'

export async function runSearch(ctx: WorkerContext<SearchRunFile>): Promise<number> {
  const { run, log, ckptDir, checkpoint, resume, eventSeq } = ctx
  // NB201 searches: every derived cell is looked up in the benchmark table as it is emitted.
  const bench = await benchmarkScorer(run.config, ctx.emit, (line) =>
    console.log(`[run ${run.id} worker ${process.pid}] ${line}`),
  )
  const { emit } = bench
  const backendRecord = ctx.backend
  const { data, info } = await loadSearchData(run.config, { dataDir: run.dataDir, download: run.download })
  const searcher = buildSearch(run.config, data, info.numClasses)

  if (checkpoint) {
    restoreSnapshot(searcher, checkpoint.snapshot)
    emit({
      type: 'resumed',
      epoch: searcher.position.epoch,
      step: searcher.position.step,
      backend: backendRecord,
      discardedAfterSeq: eventSeq,
    })
  } else if (resume) {
    // Killed before its first checkpoint: start over, keeping nothing from the lost attempt.
    emit({ type: 'resumed', epoch: 0, step: 0, backend: backendRecord, discardedAfterSeq: eventSeq })
  }
  if (!resume || !checkpoint)
    emit({
      type: 'started',
      runId: run.id,
      preset: run.preset,
      backend: backendRecord,
      weights: searcher.net.specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0),
      stepsPerEpoch: searcher.stepsPerEpoch,
      epochs: searcher.totalEpochs, // DARTS-PT's tuning epochs extend the run
    })

  const started = performance.now()
  let lostInjected = false
  const stop = await searcher.run({
    emit,
    stopRequested: ctx.stopRequested,
    checkpoint: async (reason) => {
      log.sync()
      const snap = takeSnapshot(searcher)
      // The checkpoint records how far the event log is valid; a resume drops anything after it.
      const seqAfter = log.lastSeq + 1
      const bytes = writeCheckpoint(ckptDir, { meta: { ...snap.meta, eventSeq: seqAfter } as typeof snap.meta, data: snap.data })
      emit({
        type: 'checkpoint',
        epoch: searcher.position.epoch,
        step: searcher.position.step,
        file: join(CHECKPOINT_DIR, 'latest.ckpt'),
        bytes,
        reason,
      })
      log.sync()
      // Fault injection (tests/worker/webgpu-lost.test.ts): lose the WebGPU device right after the first
      // checkpoint, as a driver reset or a removed GPU would.
      if (process.env.HDARTS_FAULT_WEBGPU_LOST === 'after-checkpoint' && !lostInjected) lostInjected = loseWebGpuDevice()
    },
  })
  if (stop) {
    emit({ type: 'stopped', signal: stop, epoch: searcher.position.epoch, step: searcher.position.step })
    log.close()
    return WORKER_EXIT.stopped
  }
  const finalText = searcher.finalGenotypeText()
  bench.final(Math.max(0, searcher.position.epoch - 1), finalText)
  emit({
    type: 'finished',
    // R-DARTS early stop: the genotype of the stop epoch; DARTS-PT: the projected one.
    genotype: finalText,
    valAcc: searcher.finalValAcc(),
    seconds: (performance.now() - started) / 1000,
  })
  log.close()
  return WORKER_EXIT.finished
}
