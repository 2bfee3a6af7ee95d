/**
 * A parsed PyTorch DARTS-family search log (parseDartsLog.ts) → a run directory (run.json +
 * events.jsonl) beside native runs, indexed in the store. Shared by `hdarts import darts-log` and the
 * app's `runs.importLog`, so both write the same run from the same log.
 */
import { randomBytes } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { getPreset, METHOD_NAMES, searchConfigSchema } from '../../core/config/search'
import { encodeEvent, type RunEvent, type RunEventBody } from '../../core/events'
import { countOp, type DartsGenotype } from '../../core/genotype/model'
import { parseGenotypes } from '../../core/genotype/parse/index'
import { makeRunId, RUN_FILE_VERSION } from '../../core/run/runFile'
import { DARTS_PRIMITIVES } from '../../core/searchSpaces'
import { ensureDir } from '../../node/safePaths'
import { APP_VERSION } from '../../shared/app'
import type { RunRow, Store } from '../store'
import type { DartsLog } from './parseDartsLog'

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

export interface ImportLogOptions {
  /** The runs folder; the run directory is created inside it. */
  readonly runsDir: string
  /** Tagged as `name`, and read for the method (`pc-darts-s2` → PC-DARTS). */
  readonly name?: string
  /** Where the log came from, tagged as `log`: a path, `<stdin>`, or a file name picked in the app. */
  readonly source: string
}

export interface ImportedLog {
  readonly id: string
  readonly runDir: string
  readonly method: string
  readonly row: RunRow
  /** Complete epochs imported, and how many of them carried both α printouts. */
  readonly epochs: number
  readonly alphas: number
  readonly truncated: DartsLog['truncated']
}

/**
 * Writes the run directory and indexes it, tagged `source=pytorch-darts-log`, `log=<source>` and
 * `name`. On any failure the directory and the row are removed again: an import happens whole or not at all.
 */
export function importDartsLog(store: Store, log: DartsLog, o: ImportLogOptions): ImportedLog {
  const method = inferMethod(log, o.name)
  const config = configOf(log, method)
  const seed = typeof config.seed === 'number' ? config.seed : 0
  const created = new Date(log.start ?? log.epochs[0]!.start)
  const id = makeRunId(`import-${method}`, seed, created, randomBytes(2).toString('hex'))
  const dir = join(ensureDir(o.runsDir, 'the runs folder'), id)
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
  let indexed = false
  try {
    ensureDir(dir, 'the run folder')
    writeFileSync(join(dir, 'run.json'), JSON.stringify(run, null, 2) + '\n')
    writeFileSync(join(dir, 'events.jsonl'), events.map((e) => encodeEvent(e) + '\n').join(''))
    store.ingestRunDir(dir)
    indexed = true
    store.setTag(id, 'source', 'pytorch-darts-log')
    store.setTag(id, 'log', o.source)
    if (o.name) store.setTag(id, 'name', o.name)
  } catch (err) {
    if (indexed)
      try {
        store.deleteRun(id)
      } catch {
        // the original error is the one to report
      }
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return {
    id,
    runDir: dir,
    method,
    row: store.getRun(id)!,
    epochs: log.epochs.length,
    alphas: log.epochs.filter((e) => e.normal && e.reduce).length,
    truncated: log.truncated,
  }
}
