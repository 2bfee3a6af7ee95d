/** `hdarts slurm submit|status|import`: grids as Slurm job arrays on a shared filesystem (docs/cluster.md). */
import { resolve } from 'node:path'
import { GridError } from '../../core/config/grid'
import { RunInputError } from '../../main/runs/runDir'
import { ManifestError, type SlurmOptions } from '../../main/slurm/manifest'
import { gridStatus, type TaskStatus } from '../../main/slurm/status'
import { prepareSubmission, SlurmError } from '../../main/slurm/submit'
import { findGridDirs } from '../../main/slurm/importer'
import { type Command, intOption, type OptionSpec } from '../command'
import { CliError, isBadInput } from '../errors'
import { defaultRunsDir } from '../paths'
import { loadGrid } from './runs'
import { slurmImportCommand } from './slurmImport'

const JSON_OPTION: OptionSpec = { type: 'boolean', help: 'print one JSON document on stdout' }

/** Bad grids, settings and manifests are bad input (exit 2); a failing sbatch is a runtime failure. */
function cliErrors<T>(prefix: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof GridError || err instanceof RunInputError || err instanceof ManifestError || isBadInput(err))
      throw new CliError(`${prefix}: ${(err as Error).message}`)
    if (err instanceof SlurmError) throw new CliError(`${prefix}: ${err.message}`, 1)
    throw err
  }
}

function slurmOptions(values: Record<string, unknown>): SlurmOptions {
  const time = values.time as string | undefined
  if (time !== undefined && !/^(\d+-)?\d+(:\d{1,2}){0,2}$/.test(time))
    throw new CliError(`slurm submit: --time must look like HH:MM:SS or D-HH:MM:SS, got '${time}'`)
  const partition = values.partition as string | undefined
  if (partition !== undefined && !/^[\w.,-]+$/.test(partition))
    throw new CliError(`slurm submit: --partition '${partition}' is not a partition name`)
  const int = (name: string, min: number) => (values[name] === undefined ? undefined : intOption(values, name, 1, min))
  const o = {
    partition,
    gpusPerTask: int('gpus-per-task', 0),
    cpusPerTask: int('cpus-per-task', 1),
    time,
    maxParallel: int('max-parallel', 1),
  }
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as SlurmOptions
}

export const slurmSubmitCommand: Command = {
  name: 'slurm submit',
  summary: 'Write a grid as a Slurm job array (run dirs, manifest, sbatch script) on a shared folder, and sbatch it.',
  usage:
    'hdarts slurm submit GRID.json [--set KEY=VALUE ...] [--partition P] [--gpus-per-task N] [--cpus-per-task N] [--time HH:MM:SS] [--max-parallel K] [--runs-dir SHARED_DIR] [--dry-run] [--json]',
  description:
    'Every grid point is checked first. Then SHARED_DIR/<date>-<name>/ gets runs/<id>/ per point, manifest.json and\n' +
    'manifest.tsv (one row per array index), and job.sbatch: one array task per row, each running\n' +
    "'hdarts search --resume RUN_DIR' with this Node and this checkout, so SHARED_DIR and the checkout must be on a\n" +
    "filesystem the nodes share. Nothing is added to the local database: import the runs with 'hdarts slurm import'.\n" +
    'Tasks checkpoint on the time-limit warning (USR1, 120 s ahead) or a requeue and are requeued; finished runs never rerun.',
  positionals: [1, 1],
  options: {
    set: {
      type: 'string',
      multiple: true,
      value: 'KEY=VALUE',
      help: "a setting for every run, after the grid's own (repeatable)",
    },
    partition: { type: 'string', value: 'P', help: 'Slurm partition' },
    'gpus-per-task': { type: 'string', value: 'N', help: 'GPUs per task (tfjs-node-gpu uses one)' },
    'cpus-per-task': { type: 'string', value: 'N', help: 'CPU cores per task' },
    time: { type: 'string', value: 'HH:MM:SS', help: 'time limit per attempt; tasks checkpoint and requeue before it' },
    'max-parallel': { type: 'string', value: 'K', help: 'run at most K tasks at once (--array=0-N%K)' },
    'runs-dir': {
      type: 'string',
      value: 'SHARED_DIR',
      help: 'where the grid folder goes',
      default: '$HDARTS_RUNS_DIR or the app-data folder',
    },
    'dry-run': { type: 'boolean', help: 'write everything but do not call sbatch' },
    json: JSON_OPTION,
  },
  examples: [
    'hdarts slurm submit examples/grid-quick.json --runs-dir /scratch/$USER/hdarts --time 04:00:00 --gpus-per-task 1',
    'hdarts slurm submit examples/grid-quick.json --runs-dir ./cluster --dry-run',
  ],
  run(values, [file]) {
    const options = slurmOptions(values)
    const grid = loadGrid(file!)
    const runsDir = resolve((values['runs-dir'] as string | undefined) ?? defaultRunsDir())
    const r = cliErrors('slurm submit', () =>
      prepareSubmission({
        grid,
        runsDir,
        options,
        sets: (values.set as string[] | undefined) ?? [],
        dryRun: values['dry-run'] === true,
      }),
    )
    const out = {
      gridDir: r.gridDir,
      script: r.script,
      jobId: r.jobId,
      tasks: r.manifest.rows.map((row) => ({
        index: row.index,
        runId: row.runId,
        preset: row.preset,
        seed: row.seed,
        runDir: row.runDir,
      })),
    }
    if (values.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n')
    else
      process.stdout.write(
        `${r.manifest.rows.length} tasks in ${r.gridDir}\n` +
          (r.jobId ? `submitted job ${r.jobId}\n` : `dry run: submit with: sbatch ${r.script}\n`) +
          `progress: hdarts slurm status ${r.gridDir}\nimport:   hdarts slurm import ${r.gridDir}\n`,
      )
    return 0
  },
}

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`)

function taskLine(t: TaskStatus): string {
  const slurm = t.slurm ? `${t.slurm.state}${t.slurm.reason ? ` (${t.slurm.reason})` : ''}` : '-'
  const run = t.finished
    ? 'finished'
    : t.failed
      ? 'failed'
      : t.lastEvent
        ? `epoch ${t.epochsDone}/${t.epochsTotal ?? '?'}`
        : 'not started'
  return `  ${String(t.index).padStart(4)}  ${slurm.padEnd(22)} ${run.padEnd(12)} ${pct(t.valAcc).padStart(6)}  ${t.resumes ? `${t.resumes} resume(s)  ` : ''}${t.runId}`
}

export const slurmStatusCommand: Command = {
  name: 'slurm status',
  summary: "Each task's Slurm state (squeue; sacct, or scontrol without accounting) and its run's progress.",
  usage: 'hdarts slurm status [GRID_DIR] [--job ID] [--json]',
  description: 'GRID_DIR: a grid folder, or a folder of them (default $HDARTS_RUNS_DIR or the app-data runs folder).',
  positionals: [0, 1],
  options: {
    job: { type: 'string', value: 'ID', help: 'the array job id (default: the one recorded at submit)' },
    json: JSON_OPTION,
  },
  run(values, [dir]) {
    const grids = cliErrors('slurm status', () => findGridDirs(dir ?? defaultRunsDir()))
    const job = values.job as string | undefined
    if (job !== undefined && !/^\d+$/.test(job)) throw new CliError(`slurm status: --job must be a job id, got '${job}'`)
    const all = cliErrors('slurm status', () => grids.map((g) => gridStatus(g, job ? { jobId: job } : {})))
    if (values.json) {
      process.stdout.write(JSON.stringify({ grids: all }, null, 2) + '\n')
      return 0
    }
    for (const g of all) {
      const done = g.tasks.filter((t) => t.finished).length
      process.stdout.write(
        `${g.name}: ${done}/${g.tasks.length} finished; job ${g.jobId ?? '(not submitted)'}${g.jobId ? ` [${g.source}]` : ''}\n  ${g.gridDir}\n` +
          g.tasks.map(taskLine).join('\n') +
          '\n',
      )
    }
    return 0
  },
}

export const SLURM_COMMANDS: readonly Command[] = [slurmSubmitCommand, slurmStatusCommand, slurmImportCommand]
