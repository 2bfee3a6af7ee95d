/**
 * `hdarts search`: creates a run directory, registers the run in the database and runs the search in
 * a worker process in the foreground, showing its progress. The worker's events go to the database as
 * they arrive (the app, if open, shows the run live) and once more from the run directory at the end.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { BACKEND_CHOICES, DATASET_IDS, PRESETS } from '../../core/config/search'
import type { RunEvent } from '../../core/events'
import { EVENTS_FILE, type RunFile, WORKER_LOG } from '../../core/run/runFile'
import { ChildProcessLauncher } from '../../main/runs/launcher'
import { endedPatch, NO_AUTO_RESUME } from '../../main/runs/recovery'
import {
  createRunDir,
  lastEvent,
  newRunRow,
  openRunDir,
  resolveConfig,
  RunInputError,
  type RunSpec,
} from '../../main/runs/runDir'
import { WORKER_EXIT } from '../../main/runs/protocol'
import { WorkerSession } from '../../main/runs/session'
import type { Store } from '../../main/store/store'
import type { Command } from '../command'
import { DB_OPTION, openDb } from '../db'
import { CliError } from '../errors'
import { defaultRunsDir } from '../paths'
import { ProgressView } from '../progress'

/** Exit code of a worker that checkpointed and stopped on a signal (resumable). */
export const EXIT_STOPPED = WORKER_EXIT.stopped

function specFromOptions(values: Record<string, unknown>): RunSpec {
  const preset = values.preset as string | undefined
  if (!preset) throw new CliError(`search: --preset is required (presets: ${PRESETS.map((p) => p.name).join(', ')})`)
  return {
    preset,
    sets: (values.set as string[] | undefined) ?? [],
    dataset: values.dataset as string | undefined,
    backend: values.backend as string | undefined,
    dataDir: (values['data-dir'] as string | undefined) ?? null,
    download: values.download === true,
  }
}

/** Runs `fn`, turning the run module's bad-input errors into one-line CLI errors. */
export function asCliInput<T>(prefix: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof RunInputError) throw new CliError(`${prefix}: ${err.message}`)
    throw err
  }
}

function createRun(values: Record<string, unknown>, store: Store): { dir: string; run: RunFile } {
  const spec = specFromOptions(values)
  const runsDir = resolve((values['runs-dir'] as string | undefined) ?? defaultRunsDir())
  let created
  try {
    created = createRunDir(runsDir, spec)
  } catch (err) {
    if (err instanceof RunInputError) throw new CliError(`search: ${err.message}`)
    throw new CliError(`search: ${(err as Error).message}`, 1)
  }
  const { dir, run } = created
  store.insertRun(newRunRow(dir, run))
  return created
}

/** Reads and checks a run directory for --resume. */
export const openRun = (dirArg: string): { dir: string; run: RunFile } => asCliInput('search --resume', () => openRunDir(dirArg))

/** Makes sure a run directory made elsewhere (another database, a cluster node) is in this database. */
function register(store: Store, dir: string, run: RunFile): void {
  if (store.getRun(run.id)) return
  if (existsSync(join(dir, EVENTS_FILE))) store.ingestRunDir(dir)
  if (store.getRun(run.id)) return
  store.insertRun(newRunRow(dir, run))
}

function runWorker(store: Store, dir: string, run: RunFile, resume: boolean, json: boolean): Promise<number> {
  const current = store.getRun(run.id)
  // Marked running before the worker exists (its pid follows), so no worker ever runs unrecorded.
  store.updateRun(run.id, {
    status: 'running',
    statusReason: 'hdarts search',
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
  let finished: Extract<RunEvent, { type: 'finished' }> | undefined
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
      process.stdout.write(
        JSON.stringify(
          {
            runId: run.id,
            runDir: dir,
            status,
            valAcc: finished?.valAcc ?? null,
            genotype: finished?.genotype ?? null,
            error: failed?.message ?? null,
            lastSeq: last?.seq ?? null,
          },
          null,
          2,
        ) + '\n',
      )
    } else if (finished) {
      view.line(
        `finished in ${Math.round(finished.seconds)} s: val acc ${(100 * finished.valAcc).toFixed(2)}%\n  genotype = ${finished.genotype}\n  run dir ${dir}`,
      )
    } else if (code === EXIT_STOPPED) {
      view.line(`stopped; resume with: hdarts search --resume ${dir}`)
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

export const searchCommand: Command = {
  name: 'search',
  summary: 'Run an architecture search (any method preset; see --help) in a worker process, registered in the run database.',
  usage:
    'hdarts search --preset NAME [--dataset ID] [--data-dir DIR] [--set key=value ...] [--runs-dir DIR] [--backend NAME] [--db FILE] [--json] | --resume RUN_DIR [--db FILE]',
  description:
    `Presets:\n${PRESETS.map((p) => `  ${p.name.padEnd(18)}${p.summary}`).join('\n')}\n\n` +
    'Settings for --set (see docs/search.md): any key of the preset config, e.g. --set epochs=10 --set seed=3.\n' +
    `Datasets: ${DATASET_IDS.join(', ')}. Backends: ${BACKEND_CHOICES.join(', ')}.\n` +
    'Ctrl-C saves a checkpoint and stops; --resume continues from it. Exit code 75 means stopped and resumable.\n' +
    "The run is registered in the database (--db); 'hdarts runs list' shows it.",
  positionals: [0, 0],
  options: {
    preset: { type: 'string', value: 'NAME', help: 'search preset' },
    dataset: { type: 'string', value: 'ID', help: 'dataset (overrides the preset)' },
    'data-dir': { type: 'string', value: 'DIR', help: 'look for dataset files here first' },
    download: { type: 'boolean', help: 'download the dataset (checksum-verified) if no copy is found' },
    set: { type: 'string', multiple: true, value: 'KEY=VALUE', help: 'override a setting (repeatable)' },
    'runs-dir': {
      type: 'string',
      value: 'DIR',
      help: 'where run directories go',
      default: '$HDARTS_RUNS_DIR or the app-data folder',
    },
    backend: { type: 'string', value: 'NAME', help: 'pin a TF.js backend' },
    resume: { type: 'string', value: 'RUN_DIR', help: 'resume a stopped or interrupted run from its last checkpoint' },
    db: DB_OPTION,
    json: { type: 'boolean', help: 'print one JSON document at the end instead of progress' },
  },
  examples: [
    'hdarts search --preset darts-1st-quick',
    'hdarts search --preset darts-1st-quick --set epochs=2 --set seed=3',
    'hdarts search --resume ~/.local/share/hdarts-studio/runs/<id>',
  ],
  async run(values) {
    const json = values.json === true
    if (values.resume) {
      if (values.preset || values.set || values.dataset)
        throw new CliError('search: --resume takes no --preset, --dataset or --set (the run keeps its config)')
      const { dir, run } = openRun(values.resume as string)
      // No log yet: a run directory made ahead (a Slurm task's first start) runs from the beginning.
      const fresh = !existsSync(join(dir, EVENTS_FILE))
      const store = await openDb(values)
      try {
        register(store, dir, run)
        if (fresh) return await runWorker(store, dir, run, false, json)
        const last = lastEvent(join(dir, EVENTS_FILE))
        if (last?.type === 'finished') {
          if (json)
            process.stdout.write(
              JSON.stringify(
                {
                  runId: run.id,
                  runDir: dir,
                  status: 'finished',
                  valAcc: last.valAcc,
                  genotype: last.genotype,
                  error: null,
                  lastSeq: last.seq,
                },
                null,
                2,
              ) + '\n',
            )
          else
            process.stderr.write(
              `run ${run.id} already finished (val acc ${(100 * last.valAcc).toFixed(2)}%); nothing to resume\n`,
            )
          return 0
        }
        return await runWorker(store, dir, run, true, json)
      } finally {
        store.close()
      }
    }
    // Bad settings are reported before the database or any directory is touched.
    asCliInput('search', () => resolveConfig(specFromOptions(values)))
    const store = await openDb(values)
    try {
      const { dir, run } = createRun(values, store)
      return await runWorker(store, dir, run, false, json)
    } finally {
      store.close()
    }
  },
}
