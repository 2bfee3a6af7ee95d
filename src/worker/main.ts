/**
 * Run worker (a search or an evaluation, by run.json's kind): one process per run. `node --import tsx src/worker/main.ts RUN_DIR [--resume]`.
 * Appends events to RUN_DIR/events.jsonl (and sends them to the parent over IPC when there is one),
 * checkpoints at every epoch end and on SIGTERM/SIGINT/SIGUSR1 (Slurm's warning signal), and resumes
 * exactly from the newest good checkpoint.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { RunEventBody } from '../core/events'
import { BACKEND_ENV } from '../core/config/search'
import { CHECKPOINT_DIR, EVENTS_FILE, RUN_FILE, runFileSchema } from '../core/run/runFile'
import { type BackendPin, describeBackend, initBackend, isOutOfMemoryError } from '../engine/backends/init'
import { WEBGPU_OUT_OF_MEMORY_MESSAGE, WebGpuDeviceLostError } from '../engine/backends/webgpu'
import { DatasetError } from '../engine/data/types'
import { CheckpointError, readCheckpoint } from './checkpoint'
import { BadInput } from './context'
import { runEval } from './eval'
import { EventLog, scanEvents } from './eventLog'
import { toParent, WORKER_EXIT } from './protocol'
import { runSearch } from './search'

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
  activeDir = dir
  const ckptDir = join(dir, CHECKPOINT_DIR)
  mkdirSync(ckptDir, { recursive: true })

  // A finished run is never run again (e.g. a requeued Slurm task whose search had completed).
  const eventsPath = join(dir, EVENTS_FILE)
  const scan = scanEvents(eventsPath)
  if (resume && scan.events.at(-1)?.type === 'finished') {
    console.log(`[run ${run.id} worker ${process.pid}] already finished; nothing to resume`)
    return WORKER_EXIT.finished
  }

  // The newest checkpoint that verifies and that the log's good events cover (a damaged line cuts the
  // log back, and a checkpoint past the cut cannot be resumed). Reported before anything is touched.
  let checkpoint = null
  if (resume) {
    try {
      checkpoint = readCheckpoint(ckptDir, { maxEventSeq: scan.events.at(-1)?.seq ?? 0 })
    } catch (err) {
      if (err instanceof CheckpointError) throw new BadInput(err.message)
      throw err
    }
  }
  const eventSeq = (checkpoint?.snapshot.meta as { eventSeq?: number } | undefined)?.eventSeq ?? 0
  const log = new EventLog(eventsPath, resume ? { truncateAfterSeq: eventSeq, scan } : {})
  // What this resume lost or repaired, one line each: printed, and carried by the 'resumed' event.
  const warnings = [
    ...log.notes,
    ...(checkpoint?.skipped.length
      ? [`resumed from ${basename(checkpoint.file)}, an older checkpoint: ${checkpoint.skipped.join('; ')}`]
      : []),
  ]
  for (const w of warnings) console.error(`[run ${run.id} worker ${process.pid}] warning: ${w}`)
  const emit = (body: RunEventBody): void => {
    const event = log.append(body.type === 'resumed' && warnings.length ? { ...body, warnings } : body)
    toParent({ type: 'event', event })
  }
  activeEmit = emit

  // HDARTS_BACKEND (set by `--resume --backend NAME`) moves a run to another backend, e.g. after a lost GPU.
  const wanted = process.env[BACKEND_ENV] || run.config.backend
  const backend = await initBackend(wanted === 'auto' ? undefined : (wanted as BackendPin)).catch((err: Error) => {
    throw wanted === 'auto' ? err : new BadInput(err.message) // a pinned backend that cannot load: one line, exit 2
  })
  activeBackend = backend.name
  console.log(`[run ${run.id} worker ${process.pid}] ${describeBackend(backend)}`)
  // The backend of the run's 'started' event, read by the one event-log rule like everything else.
  const started = scan.events.find((e) => e.type === 'started')
  const startedOn = resume && started?.type === 'started' ? started.backend.name : null
  if (startedOn != null && startedOn !== backend.name)
    console.log(`[run ${run.id} worker ${process.pid}] resuming on ${backend.name}; the run started on ${startedOn}`)
  const ctx = {
    dir,
    ckptDir,
    resume,
    checkpoint,
    eventSeq,
    log,
    emit,
    stopRequested: () => stopSignal,
    backend: {
      name: backend.name,
      package: backend.package,
      version: backend.version,
      device: backend.device,
      ...(backend.adapter ? { adapter: backend.adapter } : {}),
    },
  }
  // One entry for every kind of run, so the launchers (CLI, RunService, Slurm) need not know the kind.
  return run.kind === 'eval' ? runEval({ ...ctx, run }) : runSearch({ ...ctx, run })
}

let activeEmit: ((body: RunEventBody) => void) | null = null
let activeBackend: string | null = null
let activeDir: string | null = null

function fail(err: unknown): number {
  const e = err as Error
  const oom = isOutOfMemoryError(err)
  const bad = err instanceof BadInput || err instanceof DatasetError
  const lost = err instanceof WebGpuDeviceLostError
  const message = oom
    ? activeBackend === 'webgpu'
      ? e.message.startsWith(WEBGPU_OUT_OF_MEMORY_MESSAGE)
        ? e.message
        : `${WEBGPU_OUT_OF_MEMORY_MESSAGE} (${e.message})`
      : `out of memory: this configuration does not fit in the backend's memory (the wasm heap is capped at 4 GiB); lower batchSize or C (${e.message})`
    : lost
      ? `${e.message}; the last epoch checkpoint is kept; continue on another backend with: hdarts search --resume ${activeDir ?? 'RUN_DIR'} --backend wasm`
      : e.message
  console.error(`[worker ${process.pid}] ${bad || lost ? message : (e.stack ?? message)}`)
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
