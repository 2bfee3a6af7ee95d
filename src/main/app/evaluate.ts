/**
 * The app's evaluation operations (docs/eval.md): `runs.evaluate` queues a genotype's training from
 * scratch, `runs.estimateEval` sizes it first, and `evaluationOf` adds an eval run's genotype and
 * final result to `runs.get`. Only core math here: the engine (TF.js) is not loaded in the app process.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'
import type { EvalConfig } from '../../core/config/eval'
import type { EvalFinished, RunEvent } from '../../core/events'
import { parseGenotypes } from '../../core/genotype/parse/index'
import { countNetworkCIFAR } from '../../core/metrics/params'
import { EVENTS_FILE } from '../../core/run/runFile'
import type { ApiParsedRequest, EvalEstimate, EvalInfo } from '../../shared/api'
import { resolveEvalConfig } from '../runs/evalRunDir'
import { pickEvalGenotype, submitEval } from '../runs/evalSubmit'
import { openRunDir } from '../runs/runDir'
import type { RunService } from '../runs/service'
import type { RunRow } from '../store'

const PICK = { source: 'genotype', nameOption: 'a name' }

/** Queues the evaluation; bad genotype text, preset or setting → RunInputError (a 400). */
export function evaluateOp(service: RunService, req: ApiParsedRequest<'runs.evaluate'>): RunRow {
  // The settings are checked before the genotype, as `hdarts eval` does.
  resolveEvalConfig(req)
  const genotype = pickEvalGenotype(req.genotype, req.name, PICK)
  return submitEval(service, { preset: req.preset, sets: req.sets, genotype, priority: req.priority })
}

/** Image side, channels, classes and train-set size of the eval datasets (src/engine/data/catalog.ts). */
const DATA: Record<string, { size: number; classes: number; train: number | null }> = {
  cifar10: { size: 32, classes: 10, train: 50_000 },
  cifar100: { size: 32, classes: 100, train: 50_000 },
  'fashion-mnist': { size: 28, classes: 10, train: 60_000 },
  mnist: { size: 28, classes: 10, train: 60_000 },
}

const trainImages = (c: EvalConfig): number | null => {
  const all = DATA[c.dataset]?.train ?? null
  return c.limitTrain !== null && (all === null || c.limitTrain < all) ? c.limitTrain : all
}

const MiB = 1024 * 1024
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * The eval network's size (parameters and FLOPs counted as DARTS does), a memory model and a time from
 * this database's finished evaluations of the same preset (seconds per training image-epoch, scaled).
 * Memory, float32: weights × 3 (value, gradient, momentum) + batch × every part's output map × ~8
 * tensors kept for backprop (a sep conv keeps about that many per op) + a runtime overhead.
 */
export function estimateEvalOp(req: ApiParsedRequest<'runs.estimateEval'>, runs: readonly RunRow[]): EvalEstimate {
  const c = resolveEvalConfig(req)
  const picked = pickEvalGenotype(req.genotype, req.name, PICK)
  const g = parseGenotypes(picked.text)[0]!.genotype
  if (g.kind !== 'darts') throw new Error('not a DARTS genotype') // pickEvalGenotype refused it already
  const d = DATA[c.dataset] ?? { size: 32, classes: 10, train: null }
  const cost = countNetworkCIFAR(g, {
    channels: c.C,
    layers: c.layers,
    classes: d.classes,
    auxiliary: c.auxiliary,
    inputSize: c.imageSize ?? d.size,
  })
  const activations = cost.parts.reduce(
    (n, p) => n + p.channels * p.size * p.size * (p.kind === 'normal' || p.kind === 'reduce' ? 8 * g.normal.nodes.length : 2),
    0,
  )
  const memoryBytes = Math.round(cost.paramsWithAux * 4 * 3 + c.batchSize * activations * 4 + 150 * MiB)
  const images = trainImages(c)
  const rates: number[] = []
  for (const r of runs) {
    if (r.kind !== 'eval' || r.preset !== req.preset || r.status !== 'finished' || r.startedAt === null || r.endedAt === null)
      continue
    const rc = r.config as unknown as EvalConfig
    const n = trainImages(rc)
    if (!n || !(rc.epochs > 0) || r.endedAt <= r.startedAt) continue
    rates.push((r.endedAt - r.startedAt) / 1000 / (rc.epochs * n))
  }
  const timing =
    rates.length && images
      ? {
          seconds: Math.round(median(rates) * c.epochs * images),
          basis: `median of ${rates.length} finished evaluation${rates.length > 1 ? 's' : ''} of ${req.preset}, scaled by epochs and images (not by network size)`,
        }
      : { seconds: null, basis: `no finished evaluation of ${req.preset} yet` }
  return { weights: cost.paramsWithAux, params: cost.params, flops: cost.flops, epochs: c.epochs, memoryBytes, ...timing }
}

/** The last complete line of a file, read from its tail (an eval log holds many progress events). */
function lastLine(path: string, tail = 64 * 1024): string | null {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    const n = Math.min(size, tail)
    const buf = Buffer.alloc(n)
    readSync(fd, buf, 0, n, size - n)
    const lines = buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim())
    return lines.at(-1) ?? null
  } finally {
    closeSync(fd)
  }
}

/** An eval run's genotype (run.json) and result (its log's 'finished' event); null for a search. */
export function evaluationOf(row: RunRow): EvalInfo | null {
  if (row.kind !== 'eval') return null
  let genotype: EvalInfo['genotype']
  try {
    const { run } = openRunDir(row.runDir)
    if (run.kind !== 'eval') return null
    genotype = run.genotype
  } catch {
    // The directory is gone or damaged: the database's final genotype is all there is.
    return row.finalGenotype ? { genotype: { name: null, text: row.finalGenotype }, result: null } : null
  }
  const events = join(row.runDir, EVENTS_FILE)
  let result: EvalInfo['result'] = null
  if (row.status === 'finished' && existsSync(events)) {
    try {
      const e = JSON.parse(lastLine(events) ?? 'null') as RunEvent | null
      if (e?.type === 'finished' && 'kind' in e && e.kind === 'eval') result = evalResult(e)
    } catch {
      // a torn last line: no result shown rather than a failed view
    }
  }
  return { genotype, result }
}

export const evalResult = (e: EvalFinished): NonNullable<EvalInfo['result']> => ({
  testAcc: e.testAcc,
  seconds: e.seconds,
  params: e.params,
  paramsWithAux: e.paramsWithAux,
  flops: e.flops,
  auxiliary: e.auxiliary,
})
