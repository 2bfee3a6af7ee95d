/**
 * Search worker: one process per run. `node --import tsx src/worker/main.ts RUN_DIR [--resume]`.
 * Appends events to RUN_DIR/events.jsonl (and sends them to the parent over IPC when there is one),
 * checkpoints at every epoch end and on SIGTERM/SIGINT/SIGUSR1 (Slurm's warning signal), and resumes
 * exactly from the newest good checkpoint.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunEventBody } from '../core/events'
import { CHECKPOINT_DIR, EVENTS_FILE, RUN_FILE, runFileSchema } from '../core/run/runFile'
import { describeBackend, initBackend, isOutOfMemoryError } from '../engine/backends/init'
import { DatasetError } from '../engine/data/types'
import { loadSearchData } from '../engine/search/data'
import { buildSearch } from '../engine/search/session'
import { restoreSnapshot, takeSnapshot } from '../engine/search/snapshot'
import { CheckpointError, readCheckpoint, writeCheckpoint } from './checkpoint'
import { EventLog, readEvents } from './eventLog'
import { toParent, WORKER_EXIT } from './protocol'

class BadInput extends Error {}

async function main(argv: string[]): Promise<number> {
  // Installed first: a signal during start-up still ends in a checkpoint after the first step.
  let stopSignal: string | null = null
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGUSR1'] as const) process.on(sig, () => (stopSignal ??= sig))
  const dir = argv[0]
  if (!dir) throw new BadInput('usage: worker RUN_DIR [--resume]')
  const resume = argv.includes('--resume')
  let runJson: unknown
  try {
    runJson = JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8'))
  } catch (err) {
    throw new BadInput(`${join(dir, RUN_FILE)}: ${(err as Error).message}`)
  }
  const parsed = runFileSchema.safeParse(runJson)
  if (!parsed.success) throw new BadInput(`${join(dir, RUN_FILE)}: ${parsed.error.issues[0]!.message}`)
  const run = parsed.data
  const ckptDir = join(dir, CHECKPOINT_DIR)
  mkdirSync(ckptDir, { recursive: true })

  // A finished run is never run again (e.g. a requeued Slurm task whose search had completed).
  const eventsPath = join(dir, EVENTS_FILE)
  if (resume && existsSync(eventsPath) && readEvents(eventsPath).at(-1)?.type === 'finished') {
    console.log(`[run ${run.id} worker ${process.pid}] already finished; nothing to resume`)
    return WORKER_EXIT.finished
  }

  // A damaged or unreadable checkpoint is reported before anything else is touched.
  let checkpoint = null
  if (resume) {
    try {
      checkpoint = readCheckpoint(ckptDir)
    } catch (err) {
      if (err instanceof CheckpointError) throw new BadInput(err.message)
      throw err
    }
  }
  const eventSeq = (checkpoint?.snapshot.meta as { eventSeq?: number } | undefined)?.eventSeq ?? 0
  const log = new EventLog(join(dir, EVENTS_FILE), resume ? { truncateAfterSeq: eventSeq } : {})
  const emit = (body: RunEventBody): void => {
    const event = log.append(body)
    toParent({ type: 'event', event })
  }
  activeEmit = emit

  const backend = await initBackend(run.config.backend === 'auto' ? undefined : run.config.backend)
  console.log(`[run ${run.id} worker ${process.pid}] ${describeBackend(backend)}`)
  const backendRecord = { name: backend.name, package: backend.package, version: backend.version, device: backend.device }
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
  const stop = await searcher.run({
    emit,
    stopRequested: () => stopSignal,
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
    },
  })
  if (stop) {
    emit({ type: 'stopped', signal: stop, epoch: searcher.position.epoch, step: searcher.position.step })
    log.close()
    return WORKER_EXIT.stopped
  }
  emit({
    type: 'finished',
    // R-DARTS early stop: the genotype of the stop epoch; DARTS-PT: the projected one.
    genotype: searcher.finalGenotypeText(),
    valAcc: searcher.finalValAcc(),
    seconds: (performance.now() - started) / 1000,
  })
  log.close()
  return WORKER_EXIT.finished
}

let activeEmit: ((body: RunEventBody) => void) | null = null

function fail(err: unknown): number {
  const e = err as Error
  const oom = isOutOfMemoryError(err)
  const bad = err instanceof BadInput || err instanceof DatasetError
  const message = oom
    ? `out of memory: this configuration does not fit in the backend's memory (the wasm heap is capped at 4 GiB); lower batchSize or C (${e.message})`
    : e.message
  console.error(`[worker ${process.pid}] ${bad ? message : (e.stack ?? message)}`)
  const fatal = (): void => toParent({ type: 'fatal', reason: bad ? 'bad-input' : 'error', message })
  try {
    if (activeEmit) activeEmit({ type: 'failed', reason: oom ? 'out-of-memory' : bad ? 'bad-input' : 'error', message })
    else fatal()
  } catch {
    // The event log itself may be what failed (a full disk): the parent still hears why.
    try {
      fatal()
    } catch {
      // no parent channel either; the exit code and the worker log remain
    }
  }
  return bad ? WORKER_EXIT.badInput : WORKER_EXIT.error
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => process.exit(fail(err)),
)
