/** `hdarts search`: creates a run directory and runs the search in a worker process, showing its progress. */
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { applyOverrides, BACKEND_CHOICES, ConfigError, DATASET_IDS, getPreset, PRESETS } from '../../core/config/search'
import type { RunEvent } from '../../core/events'
import {
  EVENTS_FILE,
  makeRunId,
  RUN_FILE,
  RUN_FILE_VERSION,
  type RunFile,
  runFileSchema,
  WORKER_LOG,
} from '../../core/run/runFile'
import { APP_VERSION } from '../../shared/app'
import type { Command } from '../command'
import { CliError } from '../errors'
import { defaultRunsDir } from '../paths'
import { ProgressView } from '../progress'

const WORKER = fileURLToPath(new URL('../../worker/main.ts', import.meta.url))
/** Exit code of a worker that checkpointed and stopped on a signal (resumable). */
export const EXIT_STOPPED = 75

function createRun(values: Record<string, unknown>): { dir: string; run: RunFile } {
  const presetName = values.preset as string | undefined
  if (!presetName) throw new CliError(`search: --preset is required (presets: ${PRESETS.map((p) => p.name).join(', ')})`)
  const sets = [...((values.set as string[] | undefined) ?? [])]
  if (values.dataset) sets.unshift(`dataset=${values.dataset as string}`)
  if (values.backend) sets.unshift(`backend=${values.backend as string}`)
  let config
  try {
    config = applyOverrides(getPreset(presetName).config, sets)
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`search: ${err.message}`)
    throw err
  }
  const runsDir = resolve((values['runs-dir'] as string | undefined) ?? defaultRunsDir())
  const id = makeRunId(presetName, config.seed, new Date(), randomBytes(2).toString('hex'))
  const dir = join(runsDir, id)
  const dataDir = values['data-dir'] ? resolve(values['data-dir'] as string) : null
  if (dataDir && !existsSync(dataDir)) throw new CliError(`search: --data-dir ${dataDir}: no such directory`)
  const run: RunFile = {
    schema: 'hdarts.run',
    version: RUN_FILE_VERSION,
    id,
    kind: 'search',
    preset: presetName,
    createdAt: new Date().toISOString(),
    config,
    dataDir,
    download: values.download === true,
    versions: { hdarts: APP_VERSION, node: process.version },
  }
  try {
    mkdirSync(join(dir, 'checkpoints'), { recursive: true })
  } catch (err) {
    throw new CliError(`search: cannot create ${dir}: ${(err as Error).message}`, 1)
  }
  writeFileSync(join(dir, RUN_FILE), JSON.stringify(run, null, 2) + '\n')
  return { dir, run }
}

/** Reads and checks a run directory for --resume. */
export function openRun(dirArg: string): { dir: string; run: RunFile } {
  const dir = resolve(dirArg)
  const file = join(dir, RUN_FILE)
  if (!existsSync(file)) throw new CliError(`search --resume: ${dir} is not a run directory (no ${RUN_FILE})`)
  let parsed
  try {
    parsed = runFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  } catch {
    throw new CliError(`search --resume: ${file} is not valid JSON`)
  }
  if (!parsed.success)
    throw new CliError(`search --resume: ${file}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`)
  return { dir, run: parsed.data }
}

/** The last complete event of a run's log (a torn last line is ignored). */
function lastEvent(path: string): RunEvent | undefined {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]!) as RunEvent
    } catch {
      // torn line from a crash mid-write
    }
  }
  return undefined
}

function runWorker(dir: string, run: RunFile, resume: boolean, json: boolean): Promise<number> {
  const log = openSync(join(dir, WORKER_LOG), 'a')
  const tsx = fileURLToPath(import.meta.resolve('tsx'))
  const child = fork(WORKER, [dir, ...(resume ? ['--resume'] : [])], {
    execArgv: ['--import', tsx],
    stdio: ['ignore', log, log, 'ipc'],
  })
  const view = new ProgressView(process.stderr, run.config.epochs)
  // The header waits for the worker's first event, so a run that fails before starting prints one line only.
  let header = false
  let last: RunEvent | undefined
  let finished: Extract<RunEvent, { type: 'finished' }> | undefined
  let failed: Extract<RunEvent, { type: 'failed' }> | undefined
  let fatal: { reason: string; message: string } | undefined
  child.on('message', (m: { type: string; event?: RunEvent; reason?: string; message?: string }) => {
    if (m.type === 'fatal') fatal = { reason: m.reason ?? 'error', message: m.message ?? 'worker failed' }
    if (m.type !== 'event' || !m.event) return
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
      child.kill('SIGTERM')
    } else child.kill('SIGKILL')
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return new Promise((done) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
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
        return done(fatal.reason === 'bad-input' ? 2 : 1)
      }
      if (finished) return done(0)
      if (code === EXIT_STOPPED) return done(EXIT_STOPPED)
      if (failed?.reason === 'bad-input') {
        if (json || !header) process.stderr.write(`hdarts: ${failed.message}\n`)
        return done(2)
      }
      done(1)
    })
  })
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'Run an architecture search (DARTS first/second order) in a worker process.',
  usage:
    'hdarts search --preset NAME [--dataset ID] [--data-dir DIR] [--set key=value ...] [--runs-dir DIR] [--backend NAME] [--json] | --resume RUN_DIR',
  description:
    `Presets:\n${PRESETS.map((p) => `  ${p.name.padEnd(18)}${p.summary}`).join('\n')}\n\n` +
    'Settings for --set (see docs/search.md): any key of the preset config, e.g. --set epochs=10 --set seed=3.\n' +
    `Datasets: ${DATASET_IDS.join(', ')}. Backends: ${BACKEND_CHOICES.join(', ')}.\n` +
    'Ctrl-C saves a checkpoint and stops; --resume continues from it. Exit code 75 means stopped and resumable.',
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
      if (!existsSync(join(dir, EVENTS_FILE))) throw new CliError(`search --resume: ${dir} has no ${EVENTS_FILE}`)
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
          process.stderr.write(`run ${run.id} already finished (val acc ${(100 * last.valAcc).toFixed(2)}%); nothing to resume\n`)
        return 0
      }
      return runWorker(dir, run, true, json)
    }
    const { dir, run } = createRun(values)
    return runWorker(dir, run, false, json)
  },
}
