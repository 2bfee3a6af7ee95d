/**
 * `hdarts eval`: trains a genotype from scratch (DARTS train.py) as a run like a search: a run directory
 * (run.json kind 'eval'), a worker process with checkpoints each epoch, resumable, registered in the
 * run database with its per-epoch test accuracy.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { EVAL_PRESETS } from '../../core/config/eval'
import { EVENTS_FILE } from '../../core/run/runFile'
import { createEvalRunDir, type EvalRunSpec, resolveEvalConfig } from '../../main/runs/evalRunDir'
import { pickEvalGenotype } from '../../main/runs/evalSubmit'
import { lastEvent, newRunRow, RunInputError } from '../../main/runs/runDir'
import type { Command } from '../command'
import { RUN_OPTIONS } from './search'
import { openDb } from '../db'
import { CliError } from '../errors'
import { readInput } from '../io'
import { defaultRunsDir } from '../paths'
import { alreadyFinished, asCliInput, openRun, register, runWorker } from '../runWorker'

/** The one DARTS-space genotype FILE (and --name) designates, as DARTS text. */
function loadGenotype(path: string, name: string | undefined): EvalRunSpec['genotype'] {
  let input
  try {
    input = readInput(path)
  } catch (err) {
    if (err instanceof CliError) throw new CliError(`eval: --genotype ${err.message}`)
    throw err
  }
  return asCliInput('eval', () => pickEvalGenotype(input.text, name, { source: input.source, nameOption: '--name' }))
}

function specFromOptions(values: Record<string, unknown>): EvalRunSpec {
  const preset = values.preset as string | undefined
  if (!preset) throw new CliError(`eval: --preset is required (presets: ${EVAL_PRESETS.map((p) => p.name).join(', ')})`)
  const file = values.genotype as string | undefined
  if (!file) throw new CliError('eval: --genotype FILE is required')
  const sets = (values.set as string[] | undefined) ?? []
  const backend = values.backend as string | undefined
  // Bad settings are reported before the genotype file is even read.
  const spec = { preset, sets: backend ? [`backend=${backend}`, ...sets] : sets }
  asCliInput('eval', () => resolveEvalConfig(spec))
  return {
    ...spec,
    genotype: loadGenotype(file, values.name as string | undefined),
    dataDir: (values['data-dir'] as string | undefined) ?? null,
    download: values.download === true,
  }
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Train a genotype from scratch (DARTS train.py) and report its test accuracy, as a resumable run.',
  usage:
    'hdarts eval --genotype FILE [--name NAME] --preset NAME [--set key=value ...] [--data-dir DIR] [--runs-dir DIR] [--db FILE] [--json] | --resume RUN_DIR [--db FILE]',
  description:
    `Presets:\n${EVAL_PRESETS.map((p) => `  ${p.name.padEnd(18)}${p.summary}`).join('\n')}\n\n` +
    'FILE holds DARTS Genotype(...) text (a genotypes.py, a search log), hdarts JSON or FairDARTS triples; pick one\n' +
    'genotype with --name when it holds several. Settings for --set (see docs/eval.md): C, layers, epochs, batchSize,\n' +
    'lr, auxiliary, dropPathProb, cutout, limitTrain, limitTest, imageSize, seed, backend, ...\n' +
    'Each epoch trains on the train set and tests on the TEST set; the run database records testAcc and testLoss.\n' +
    'Ctrl-C stops (the last epoch checkpoint is kept); --resume continues from it. Exit code 75 means stopped and resumable.',
  positionals: [0, 0],
  options: {
    genotype: { type: 'string', value: 'FILE', help: 'the genotype file' },
    name: { type: 'string', value: 'NAME', help: 'the genotype to train when FILE holds several (name or alias)' },
    preset: { type: 'string', value: 'NAME', help: 'eval preset' },
    ...RUN_OPTIONS,
    resume: { type: 'string', value: 'RUN_DIR', help: 'resume a stopped or interrupted evaluation from its last checkpoint' },
  },
  examples: [
    'hdarts eval --genotype resources/genotypes/darts.py --name DARTS_V2 --preset darts-eval-quick',
    'hdarts eval --genotype genotype.txt --preset darts-eval --set seed=1',
    'hdarts eval --resume ~/.local/share/hdarts-studio/runs/<id>',
  ],
  async run(values) {
    const json = values.json === true
    if (values.resume) {
      if (values.preset || values.set || values.genotype || values.name)
        throw new CliError('eval: --resume takes no --genotype, --name, --preset or --set (the run keeps its config)')
      const { dir, run } = openRun(values.resume as string, 'eval')
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
    // Bad input (preset, settings, genotype) is reported before the database or any directory is touched.
    const spec = specFromOptions(values)
    const runsDir = resolve((values['runs-dir'] as string | undefined) ?? defaultRunsDir())
    const store = await openDb(values)
    try {
      let created
      try {
        created = createEvalRunDir(runsDir, spec)
      } catch (err) {
        if (err instanceof RunInputError) throw new CliError(`eval: ${err.message}`)
        throw new CliError(`eval: ${(err as Error).message}`, 1)
      }
      store.insertRun(newRunRow(created.dir, created.run))
      return await runWorker(store, created.dir, created.run, false, json)
    } finally {
      store.close()
    }
  },
}
