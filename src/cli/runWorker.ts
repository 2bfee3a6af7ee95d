/**
 * Running one run's worker in the foreground of a terminal, shared by `hdarts search` and `hdarts eval`:
 * the run is marked running, the worker's events go to the database as they arrive (the app, if open,
 * shows the run live), a progress view on stderr, and a one-line (or JSON) result at the end.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { EvalFinished, RunEvent, SearchFinished } from '../core/events'
import { EVENTS_FILE, type RunFile, WORKER_LOG } from '../core/run/runFile'
import { ChildProcessLauncher } from '../main/runs/launcher'
import { WORKER_EXIT } from '../main/runs/protocol'
import { endedPatch, NO_AUTO_RESUME } from '../main/runs/recovery'
import { newRunRow, openRunDir, RunInputError } from '../main/runs/runDir'
import { WorkerSession } from '../main/runs/session'
import type { Store } from '../main/store/store'
import { CliError } from './errors'
import { ProgressView } from './progress'

/** Exit code of a worker that checkpointed and stopped on a signal (resumable). */
export const EXIT_STOPPED = WORKER_EXIT.stopped

type Finished = Extract<RunEvent, { type: 'finished' }>

/** Runs `fn`, turning the run module's bad-input errors into one-line CLI errors. */
export function asCliInput<T>(prefix: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof RunInputError) throw new CliError(`${prefix}: ${err.message}`)
    throw err
  }
}

/** Reads and checks a run directory for --resume; `command` is the kind of run the command resumes. */
export function openRun(dirArg: string, command: RunFile['kind'] = 'search'): { dir: string; run: RunFile } {
  const opened = asCliInput(`${command} --resume`, () => openRunDir(dirArg))
  if (opened.run.kind !== command)
    throw new CliError(
      `${command} --resume: ${opened.dir} is a ${opened.run.kind} run; resume it with 'hdarts ${opened.run.kind} --resume'`,
    )
  return opened
}

/** Makes sure a run directory made elsewhere (another database, a cluster node) is in this database. */
export function register(store: Store, dir: string, run: RunFile): void {
  if (store.getRun(run.id)) return
  if (existsSync(join(dir, EVENTS_FILE))) store.ingestRunDir(dir)
  if (store.getRun(run.id)) return
  store.insertRun(newRunRow(dir, run))
}

const isEval = (f: Finished): f is EventFinished<EvalFinished> => 'kind' in f && f.kind === 'eval'
type EventFinished<T> = Finished & T

/** The --json document of a run's end. */
function resultJson(
  run: RunFile,
  dir: string,
  status: string,
  f: Finished | undefined,
  error: string | null,
  lastSeq: number | null,
) {
  const common = { runId: run.id, runDir: dir, kind: run.kind, status }
  if (run.kind === 'eval') {
    const e = f && isEval(f) ? f : undefined
    const cost = e ? { params: e.params, paramsWithAux: e.paramsWithAux, flops: e.flops, auxiliary: e.auxiliary } : null
    return { ...common, testAcc: e?.testAcc ?? null, ...cost, genotype: run.genotype.text, error, lastSeq }
  }
  const s = f && !isEval(f) ? (f as SearchFinished) : undefined
  return { ...common, valAcc: s?.valAcc ?? null, genotype: s?.genotype ?? null, error, lastSeq }
}

function finishedLine(f: Finished, dir: string): string {
  if (isEval(f))
    return (
      `finished in ${Math.round(f.seconds)} s: test acc ${(100 * f.testAcc).toFixed(2)}%\n` +
      `  params ${f.params}${f.auxiliary ? ` (${f.paramsWithAux} with the auxiliary head)` : ''}, ${f.flops} FLOPs\n  run dir ${dir}`
    )
  const s = f as SearchFinished
  return `finished in ${Math.round(s.seconds)} s: val acc ${(100 * s.valAcc).toFixed(2)}%\n  genotype = ${s.genotype}\n  run dir ${dir}`
}

/** `--resume` of a run that has finished already: its result, exit 0. */
export function alreadyFinished(dir: string, run: RunFile, last: Finished, json: boolean): number {
  if (json) process.stdout.write(JSON.stringify(resultJson(run, dir, 'finished', last, null, last.seq), null, 2) + '\n')
  else {
    const acc = isEval(last)
      ? `test acc ${(100 * last.testAcc).toFixed(2)}%`
      : `val acc ${(100 * (last as SearchFinished).valAcc).toFixed(2)}%`
    process.stderr.write(`run ${run.id} already finished (${acc}); nothing to resume\n`)
  }
  return 0
}

export function runWorker(store: Store, dir: string, run: RunFile, resume: boolean, json: boolean): Promise<number> {
  const current = store.getRun(run.id)
  // Marked running before the worker exists (its pid follows), so no worker ever runs unrecorded.
  store.updateRun(run.id, {
    status: 'running',
    statusReason: `hdarts ${run.kind}`,
    pid: null,
    error: null,
    startedAt: current?.startedAt ?? Date.now(),
    endedAt: null,
  })
  const handle = new ChildProcessLauncher().launch({ runDir: dir, resume, env: process.env, serviceName: `hdarts run ${run.id}` })
  const warn = (err: Error) =>
    process.stderr.write(`hdarts: warning: the database missed events (they are in the run directory): ${err.message}\n`)
  const session = new WorkerSession({ store, runId: run.id, runDir: dir, handle, onError: warn })
  if (handle.pid) store.updateRun(run.id, { pid: handle.pid })
  const view = new ProgressView(process.stderr, run.config.epochs)
  // The header waits for the worker's first event, so a run that fails before starting prints one line only.
  let header = false
  let last: RunEvent | undefined
  let finished: Finished | undefined
  let failed: Extract<RunEvent, { type: 'failed' }> | undefined
  let fatal: { reason: string; message: string } | undefined
  handle.onMessage((m) => {
    if (m.type === 'fatal') fatal = { reason: m.reason, message: m.message }
    if (m.type !== 'event') return
    last = m.event
    if (m.event.type === 'finished') finished = m.event
    if (m.event.type === 'failed') failed = m.event
    if (json) return
    // Bad input found by the worker before any work (a missing or corrupt dataset): one line at exit.
    if (!header && m.event.type === 'failed' && m.event.reason === 'bad-input') return
    if (!header) {
      header = true
      view.line(`run ${run.id}\n  dir ${dir}`)
    }
    view.event(m.event)
  })
  // Ctrl-C: let the worker checkpoint, then stop; a second Ctrl-C kills it.
  let interrupts = 0
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts += 1
    if (interrupts === 1) {
      if (!json) view.line(`${sig}: saving a checkpoint, then stopping (again to kill)`)
      session.stop('pause')
    } else session.kill()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return session.ended.then(({ code, signal, outcome, madeProgress }) => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    try {
      const row = store.getRun(run.id)
      if (row) store.updateRun(run.id, endedPatch(row, outcome, madeProgress, NO_AUTO_RESUME))
    } catch (err) {
      warn(err as Error)
    }
    const status = finished ? 'finished' : code === EXIT_STOPPED ? 'stopped' : 'failed'
    if (json) {
      const doc = resultJson(run, dir, status, finished, failed?.message ?? null, last?.seq ?? null)
      process.stdout.write(JSON.stringify(doc, null, 2) + '\n')
    } else if (finished) {
      view.line(finishedLine(finished, dir))
    } else if (code === EXIT_STOPPED) {
      view.line(`stopped; resume with: hdarts ${run.kind} --resume ${dir}`)
    } else if (!failed && !fatal) {
      view.line(`worker exited with ${signal ?? `code ${code}`}; see ${join(dir, WORKER_LOG)}`)
    }
    if (fatal) {
      // Failed before touching the run (bad config, damaged checkpoint): one line, like any bad input.
      process.stderr.write(`hdarts: ${fatal.message}\n`)
      return fatal.reason === 'bad-input' ? 2 : 1
    }
    if (finished) return 0
    if (code === EXIT_STOPPED) return EXIT_STOPPED
    if (failed?.reason === 'bad-input') {
      if (json || !header) process.stderr.write(`hdarts: ${failed.message}\n`)
      return 2
    }
    return 1
  })
}
