/**
 * `hdarts search`: creates a run directory, registers the run in the database and runs the search in
 * a worker process in the foreground, showing its progress. The worker's events go to the database as
 * they arrive (the app, if open, shows the run live) and once more from the run directory at the end.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { BACKEND_CHOICES, BACKEND_ENV, DATASET_IDS, PRESETS } from '../../core/config/search'
import { EVENTS_FILE, type RunFile } from '../../core/run/runFile'
import { createRunDir, lastEvent, newRunRow, resolveConfig, RunInputError, type RunSpec } from '../../main/runs/runDir'
import type { Store } from '../../main/store/store'
import type { Command, OptionSpec } from '../command'
import { DB_OPTION, openDb } from '../db'
import { CliError } from '../errors'
import { defaultRunsDir } from '../paths'
import { alreadyFinished, asCliInput, EXIT_STOPPED, openRun, register, runWorker } from '../runWorker'

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

/** Options every run-creating command shares (search, eval); order as shown in --help. */
export const RUN_OPTIONS = {
  set: { type: 'string', multiple: true, value: 'KEY=VALUE', help: 'override a setting (repeatable)' },
  'data-dir': { type: 'string', value: 'DIR', help: 'look for dataset files here first' },
  download: { type: 'boolean', help: 'download the dataset (checksum-verified) if no copy is found' },
  'runs-dir': {
    type: 'string',
    value: 'DIR',
    help: 'where run directories go',
    default: '$HDARTS_RUNS_DIR or the app-data folder',
  },
  backend: { type: 'string', value: 'NAME', help: 'pin a TF.js backend' },
  db: DB_OPTION,
  json: { type: 'boolean', help: 'print one JSON document at the end instead of progress' },
} as const satisfies Record<string, OptionSpec>

export const searchCommand: Command = {
  name: 'search',
  summary: 'Run an architecture search (any method preset; see --help) in a worker process, registered in the run database.',
  usage:
    'hdarts search --preset NAME [--dataset ID] [--data-dir DIR] [--set key=value ...] [--runs-dir DIR] [--backend NAME] [--db FILE] [--json] | --resume RUN_DIR [--backend NAME] [--db FILE]',
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
    ...RUN_OPTIONS,
    resume: { type: 'string', value: 'RUN_DIR', help: 'resume a stopped or interrupted run from its last checkpoint' },
  },
  examples: [
    'hdarts search --preset darts-1st-quick',
    'hdarts search --preset darts-1st-quick --set epochs=2 --set seed=3',
    'hdarts search --resume ~/.local/share/hdarts-studio/runs/<id>',
    'hdarts search --resume ~/.local/share/hdarts-studio/runs/<id> --backend wasm',
  ],
  async run(values) {
    const json = values.json === true
    if (values.resume) {
      if (values.preset || values.set || values.dataset)
        throw new CliError('search: --resume takes no --preset, --dataset or --set (the run keeps its config)')
      const { dir, run } = openRun(values.resume as string)
      // --backend on resume moves the run (e.g. off a GPU that was lost); the worker logs the switch and the
      // 'resumed' event records the new backend.
      const backend = values.backend as string | undefined
      if (backend != null) {
        if (!(BACKEND_CHOICES as readonly string[]).includes(backend))
          throw new CliError(`search: unknown backend '${backend}' (expected one of: ${BACKEND_CHOICES.join(', ')})`)
        process.env[BACKEND_ENV] = backend
      }
      // No log yet: a run directory made ahead (a Slurm task's first start) runs from the beginning.
      const fresh = !existsSync(join(dir, EVENTS_FILE))
      const store = await openDb(values)
      try {
        register(store, dir, run)
        if (fresh) return await runWorker(store, dir, run, false, json)
        const last = lastEvent(join(dir, EVENTS_FILE))
        if (last?.type === 'finished') return alreadyFinished(dir, run, last, json)
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
