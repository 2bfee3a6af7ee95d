/** `hdarts import darts-log`: a PyTorch DARTS-family search log becomes a run beside native ones. */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { getPreset, METHOD_NAMES, searchConfigSchema } from '../../core/config/search'
import { encodeEvent, type RunEvent, type RunEventBody } from '../../core/events'
import { parseGenotypes } from '../../core/genotype/parse/index'
import { countOp, type DartsGenotype } from '../../core/genotype/model'
import { makeRunId, RUN_FILE_VERSION } from '../../core/run/runFile'
import { DARTS_PRIMITIVES } from '../../core/searchSpaces'
import { APP_VERSION } from '../../shared/app'
import type { Command } from '../command'
import { DB_OPTION } from '../db'
import { CliError } from '../errors'
import { readInput } from '../io'
import { defaultRunsDir } from '../paths'
import { type DartsLog, DartsLogError, parseDartsLog } from './importDartsLog'
import { withStore } from './runsStore'

/** DARTS's argparse names → our config keys (the rest keep the preset's values). */
const ARG_KEYS: Record<string, string> = {
  epochs: 'epochs',
  batch_size: 'batchSize',
  learning_rate: 'lr',
  learning_rate_min: 'lrMin',
  momentum: 'momentum',
  weight_decay: 'weightDecay',
  grad_clip: 'gradClip',
  arch_learning_rate: 'archLr',
  arch_weight_decay: 'archWeightDecay',
  init_channels: 'C',
  layers: 'layers',
  train_portion: 'trainPortion',
  seed: 'seed',
  unrolled: 'unrolled',
}

/** The method from the experiment name (`--save pc-darts-…`), else DARTS. */
export function inferMethod(log: DartsLog, name: string | undefined): string {
  const hay = `${name ?? ''} ${String(log.args.save ?? '')}`.toLowerCase()
  const found = [...METHOD_NAMES].filter((m) => m !== 'darts').find((m) => hay.includes(m) || hay.includes(m.replace('-', '')))
  return found ?? 'darts'
}

function configOf(log: DartsLog, method: string): Record<string, unknown> {
  const base: Record<string, unknown> = { ...getPreset(log.args.unrolled === true ? 'darts-2nd' : 'darts-1st').config }
  for (const [arg, key] of Object.entries(ARG_KEYS))
    if (log.args[arg] !== undefined && log.args[arg] !== null) base[key] = log.args[arg]
  base.method = method
  base.dataset = 'cifar10' // train_search.py is CIFAR-10 only
  // Keep the config valid for the app where we can; otherwise the store's looser schema still takes it.
  return searchConfigSchema.safeParse(base).success ? base : { ...base, method: 'darts' }
}

/** The run's events in the product's own format; α printouts (probabilities) become log-probabilities, whose softmax is them. */
export function logEvents(log: DartsLog, runId: string): RunEvent[] {
  const bodies: [number, RunEventBody][] = []
  const epochsTotal = typeof log.args.epochs === 'number' ? log.args.epochs : log.epochs.length
  const started = log.start ?? log.epochs[0]!.start
  bodies.push([
    started,
    {
      type: 'started',
      runId,
      preset: null,
      backend: { name: 'pytorch-import', package: 'torch', version: 'unknown', device: `cuda:${log.args.gpu ?? 0}` },
      weights: log.paramSizeM !== null ? Math.round(log.paramSizeM * 1e6) : 0,
      stepsPerEpoch: 0,
      epochs: epochsTotal,
    },
  ])
  let seconds = 0
  for (const e of log.epochs) {
    const g = parseGenotypes(e.genotype)[0]!.genotype as DartsGenotype
    const epochSec = Math.max(0, (e.end - e.start) / 1000)
    seconds += epochSec
    const images = Math.floor(Number(log.args.train_portion ?? 0.5) * 50_000)
    bodies.push([e.start, { type: 'genotype', epoch: e.epoch, text: e.genotype, format: 'darts' }])
    if (e.normal && e.reduce) {
      const logp = (m: number[][]) => m.map((r) => r.map((p) => Math.log(Math.max(p, 1e-12))))
      bodies.push([
        e.start,
        { type: 'alphas', epoch: e.epoch, ops: DARTS_PRIMITIVES, normal: logp(e.normal), reduce: logp(e.reduce) },
      ])
    }
    bodies.push([
      e.end,
      {
        type: 'epoch',
        epoch: e.epoch,
        lr: e.lr,
        trainLoss: e.trainLoss ?? NaN,
        trainAcc: e.trainAcc / 100,
        valLoss: e.validLoss ?? NaN,
        valAcc: e.validAcc / 100,
        archLoss: NaN, // not in DARTS's log
        epochSec,
        imagesPerSec: epochSec > 0 ? images / epochSec : NaN,
        skipsNormal: countOp(g.normal),
        skipsReduce: countOp(g.reduce),
      },
    ])
  }
  const last = log.epochs.at(-1)!
  if (log.epochs.length >= epochsTotal)
    bodies.push([last.end, { type: 'finished', genotype: last.genotype, valAcc: last.validAcc / 100, seconds }])
  else
    bodies.push([
      last.end,
      { type: 'failed', reason: 'error', message: `imported log ends after epoch ${last.epoch} of ${epochsTotal} (args.epochs)` },
    ])
  return bodies.map(([time, body], i) => ({ seq: i + 1, time, ...body }) as RunEvent)
}

export const importDartsLogCommand: Command = {
  name: 'import darts-log',
  summary: 'Import a PyTorch DARTS-family search log (log.txt) as a run beside native runs.',
  usage: 'hdarts import darts-log LOG.txt|- [--name NAME] [--db FILE] [--runs-dir DIR] [--json]',
  description:
    "Reads the log of quark0/darts cnn/train_search.py (and forks): args = Namespace(...), per epoch 'epoch N lr X',\n" +
    "'genotype = Genotype(...)', the softmax(alpha) tensor printouts when stdout was captured with it, 'train_acc' and\n" +
    "'valid_acc'. Writes a run directory (run.json, events.jsonl) and indexes it. A last epoch without valid_acc\n" +
    "(a crash, or a search still running) is left out and reported. The run is 'finished' when the log reaches\n" +
    "args.epochs, else 'failed' with the epoch it stops at. Log times are read as UTC.",
  positionals: [1, 1],
  options: {
    name: { type: 'string', value: 'NAME', help: "tag the run name=NAME (and infer the method from it, e.g. 'pc-darts-s2')" },
    'runs-dir': {
      type: 'string',
      value: 'DIR',
      help: 'where the run directory goes',
      default: '$HDARTS_RUNS_DIR or the app-data folder',
    },
    db: DB_OPTION,
    json: { type: 'boolean', help: 'print one JSON document' },
  },
  examples: ['hdarts import darts-log search-EXP-20190625-145841/log.txt --name darts-v1-seed2'],
  run(values, [file]) {
    const { text, source } = readInput(file!)
    let log: DartsLog
    try {
      log = parseDartsLog(text)
    } catch (err) {
      if (err instanceof DartsLogError) throw new CliError(`${source}:${err.line}: ${err.message}`)
      throw err
    }
    const name = values.name as string | undefined
    const method = inferMethod(log, name)
    const config = configOf(log, method)
    const seed = typeof config.seed === 'number' ? config.seed : 0
    const created = new Date(log.start ?? log.epochs[0]!.start)
    const id = makeRunId(`import-${method}`, seed, created, randomBytes(2).toString('hex'))
    const dir = join(resolve((values['runs-dir'] as string | undefined) ?? defaultRunsDir()), id)
    const run = {
      schema: 'hdarts.run',
      version: RUN_FILE_VERSION,
      id,
      kind: 'search',
      preset: null,
      createdAt: created.toISOString(),
      config,
      dataDir: null,
      download: false,
      versions: { hdarts: APP_VERSION, node: process.version, importedFrom: 'pytorch darts log' },
    }
    const events = logEvents(log, id)
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'run.json'), JSON.stringify(run, null, 2) + '\n')
    writeFileSync(join(dir, 'events.jsonl'), events.map((e) => encodeEvent(e) + '\n').join(''))
    return withStore(values, (store) => {
      store.ingestRunDir(dir)
      store.setTag(id, 'source', 'pytorch-darts-log')
      store.setTag(id, 'log', source === '<stdin>' ? source : resolve(source))
      if (name) store.setTag(id, 'name', name)
      const row = store.getRun(id)!
      const summary = {
        id,
        runDir: dir,
        method,
        status: row.status,
        epochs: log.epochs.length,
        epochsTotal: row.epochsTotal,
        lastValAcc: row.lastValAcc,
        alphas: log.epochs.filter((e) => e.normal && e.reduce).length,
        truncated: log.truncated,
      }
      if (values.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n')
      else {
        const acc = row.lastValAcc !== null ? `, valid_acc ${(row.lastValAcc * 100).toFixed(2)}%` : ''
        process.stdout.write(
          `imported ${id}: ${log.epochs.length} epoch(s) of ${row.epochsTotal}${acc}, ${row.status}\n  ${dir}\n`,
        )
      }
      if (log.truncated)
        process.stderr.write(
          `hdarts: note: ${source}:${log.truncated.line}: epoch ${log.truncated.epoch} has no valid_acc (log cut short); left out\n`,
        )
      return 0
    })
  },
}
