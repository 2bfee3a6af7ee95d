/** `hdarts runs list|show|resume|retry|cancel|duplicate|delete|tag|grid`: the run database on the command line (docs/runs.md). */
import { parseUntrustedJson, UnsafeJsonError } from '../../core/json'
import { resolve } from 'node:path'
import { expandGrid, GridError, type GridSpec, parseGrid } from '../../core/config/grid'
import { cancelRun } from '../../main/runs/recovery'
import { resolveConfig, RunInputError } from '../../main/runs/runDir'
import type { RunService } from '../../main/runs/service'
import { RUN_STATUSES, type RunStatus } from '../../main/store/types'
import { type Command, intOption, type OptionSpec } from '../command'
import { type Values, withStore } from './runsStore'
import { runsDeleteCommand, runsDuplicateCommand, runsTagCommand } from './runsEdit'
import { DB_OPTION } from '../db'
import { CliError } from '../errors'
import { readInput } from '../io'
import { defaultRunsDir } from '../paths'
import { runDetails, runJson, runsTable, runText } from '../runsView'

const JSON_OPTION: OptionSpec = { type: 'boolean', help: 'print one JSON document on stdout' }
const PARALLEL_OPTION: OptionSpec = {
  type: 'string',
  value: 'K',
  help: 'run at most K workers at once',
  default: 'one per GPU in $HDARTS_GPUS, else one per CPU core',
}
const RUNS_DIR_OPTION: OptionSpec = {
  type: 'string',
  value: 'DIR',
  help: 'where new run directories go',
  default: '$HDARTS_RUNS_DIR or the app-data folder',
}

const print = (values: Values, json: unknown, text: string): void => {
  process.stdout.write(values.json ? JSON.stringify(json, null, 2) + '\n' : text)
}

export const runsListCommand: Command = {
  name: 'runs list',
  summary: 'List runs, newest first: status, preset, dataset, seed, epochs, best validation accuracy, genotype.',
  usage: 'hdarts runs list [--status S,...] [--experiment N] [--db FILE] [--json]',
  description: `Statuses: ${RUN_STATUSES.join(', ')}. Genotype: op code and input per edge (s3 = sep_conv_3x3, sk = skip_connect, …).`,
  positionals: [0, 0],
  options: {
    status: { type: 'string', value: 'S,...', help: 'only runs with these statuses' },
    experiment: { type: 'string', value: 'N', help: 'only runs of this experiment (grid)' },
    db: DB_OPTION,
    json: JSON_OPTION,
  },
  run: (values) =>
    withStore(values, (store) => {
      const status = (values.status as string | undefined)?.split(',').map((s) => s.trim())
      const bad = status?.find((s) => !(RUN_STATUSES as readonly string[]).includes(s))
      if (bad) throw new CliError(`runs list: unknown status '${bad}' (statuses: ${RUN_STATUSES.join(', ')})`)
      const experimentId = values.experiment === undefined ? undefined : intOption(values, 'experiment', 1)
      const runs = store.listRuns({
        ...(status ? { status: status as RunStatus[] } : {}),
        ...(experimentId ? { experimentId } : {}),
      })
      print(values, { runs: runs.map(runJson) }, runsTable(runs))
      return 0
    }),
}

export const runsShowCommand: Command = {
  name: 'runs show',
  summary: 'Show one run: status, progress, latest metrics, genotype and checkpoints.',
  usage: 'hdarts runs show ID [--db FILE] [--json]',
  description: 'ID is a run id or a unique prefix (or suffix) of one.',
  positionals: [1, 1],
  options: { db: DB_OPTION, json: JSON_OPTION },
  run: (values, [id]) =>
    withStore(values, (store) => {
      const details = runDetails(store, store.findRun(id!))
      print(values, details, runText(details))
      return 0
    }),
}

export const runsCancelCommand: Command = {
  name: 'runs cancel',
  summary: 'Cancel a run; a running worker saves a checkpoint and stops (retry continues from it).',
  usage: 'hdarts runs cancel ID [--db FILE] [--json]',
  positionals: [1, 1],
  options: { db: DB_OPTION, json: JSON_OPTION },
  run: (values, [id]) =>
    withStore(values, (store) => {
      const run = store.findRun(id!)
      const { signalled } = cancelRun(store, run)
      const text = signalled
        ? `cancelled ${run.id}; its worker (pid ${signalled}) saves a checkpoint and stops\n`
        : `cancelled ${run.id}\n`
      print(values, { runId: run.id, status: 'cancelled', signalledPid: signalled }, text)
      return 0
    }),
}

/** resume and retry share everything but the verb. */
function foregroundVerb(verb: 'resume' | 'retry'): Command {
  const resume = verb === 'resume'
  return {
    name: `runs ${verb}`,
    summary: resume
      ? 'Continue paused or interrupted runs from their last checkpoint, in the foreground with progress.'
      : 'Run failed, interrupted or cancelled runs again (from their checkpoint if they have one), in the foreground.',
    usage: `hdarts runs ${verb} ID...${resume ? ' | --all' : ''} [--max-parallel K] [--db FILE] [--json]`,
    description:
      'IDs are run ids or unique prefixes. The runs execute here until they end; Ctrl-C saves checkpoints and pauses them.\n' +
      (resume ? 'With --all: every paused or interrupted run, and the rest of the queue. ' : '') +
      'Exit code 0 when every run finished, 75 when stopped with Ctrl-C, 1 otherwise.',
    positionals: [0, 1000],
    options: {
      ...(resume ? { all: { type: 'boolean', help: 'resume every paused or interrupted run and work through the queue' } } : {}),
      'max-parallel': PARALLEL_OPTION,
      db: DB_OPTION,
      json: JSON_OPTION,
    },
    run(values, ids) {
      const all = values.all === true
      if (all && ids.length) throw new CliError(`runs ${verb}: give run IDs or --all, not both`)
      if (!all && !ids.length) throw new CliError(`runs ${verb}: missing run ID (usage: ${this.usage})`)
      const maxParallel = values['max-parallel'] === undefined ? undefined : intOption(values, 'max-parallel', 1)
      return withStore(values, async (store) => {
        const runs = ids.map((id) => store.findRun(id)) // unknown ids fail before anything starts
        const { runForeground } = await import('../foreground')
        return runForeground({
          store,
          runsDir: defaultRunsDir(),
          maxParallel,
          all,
          json: values.json === true,
          setup: (service: RunService) => {
            if (all) for (const r of store.listRuns({ status: ['paused', 'interrupted'] })) service.resume(r.id)
            for (const r of runs) resume ? service.resume(r.id) : service.retry(r.id)
            return runs.map((r) => r.id)
          },
        })
      })
    },
  }
}

export const runsResumeCommand = foregroundVerb('resume')
export const runsRetryCommand = foregroundVerb('retry')

/** Reads and checks GRID.json completely (every point's settings) before anything is created. */
export function loadGrid(file: string): GridSpec {
  const { text, source } = readInput(file, 'a grid file (GRID.json)')
  let value: unknown
  try {
    value = parseUntrustedJson(text)
  } catch (err) {
    throw new CliError(`${source}: ${err instanceof UnsafeJsonError ? '' : 'not valid JSON: '}${(err as Error).message}`)
  }
  try {
    const spec = parseGrid(value)
    for (const p of expandGrid(spec)) {
      try {
        resolveConfig({ preset: p.preset, sets: p.sets })
      } catch (err) {
        if (err instanceof RunInputError) throw new CliError(`${source}: ${p.preset} seed ${p.seed}: ${err.message}`)
        throw err
      }
    }
    return spec
  } catch (err) {
    if (err instanceof GridError) throw new CliError(`${source}: ${err.message}`)
    throw err
  }
}

export const runsGridCommand: Command = {
  name: 'runs grid',
  summary: 'Run a grid (presets × setting values × seeds) as one experiment, in the foreground with progress.',
  usage: 'hdarts runs grid GRID.json [--max-parallel K] [--runs-dir DIR] [--data-dir DIR] [--download] [--db FILE] [--json]',
  description:
    'GRID.json: {"name": "...", "methods": ["darts-1st-quick", ...], "values": {"key": [v, ...]}, "seeds": [0, 1], "set": ["key=value"]}\n' +
    '(see examples/grid-quick.json). Every run is checked before any is created. Ctrl-C saves checkpoints and pauses\n' +
    "the runs; 'hdarts runs resume --all' continues them, also after a crash.",
  positionals: [1, 1],
  options: {
    'max-parallel': PARALLEL_OPTION,
    'runs-dir': RUNS_DIR_OPTION,
    'data-dir': { type: 'string', value: 'DIR', help: 'look for dataset files here first' },
    download: { type: 'boolean', help: 'download the dataset (checksum-verified) if no copy is found' },
    db: DB_OPTION,
    json: JSON_OPTION,
  },
  examples: ['hdarts runs grid examples/grid-quick.json --max-parallel 2'],
  run(values, [file]) {
    const grid = loadGrid(file!)
    const maxParallel = values['max-parallel'] === undefined ? undefined : intOption(values, 'max-parallel', 1)
    const runsDir = resolve((values['runs-dir'] as string | undefined) ?? defaultRunsDir())
    const extra = { dataDir: (values['data-dir'] as string | undefined) ?? null, download: values.download === true }
    return withStore(values, async (store) => {
      const { runForeground } = await import('../foreground')
      return runForeground({
        store,
        runsDir,
        maxParallel,
        all: false,
        json: values.json === true,
        setup: (service) => service.submitGrid(grid, extra).runs.map((r) => r.id),
      })
    })
  },
}

export const RUNS_COMMANDS: readonly Command[] = [
  runsListCommand,
  runsShowCommand,
  runsResumeCommand,
  runsRetryCommand,
  runsCancelCommand,
  runsDuplicateCommand,
  runsDeleteCommand,
  runsTagCommand,
  runsGridCommand,
]
