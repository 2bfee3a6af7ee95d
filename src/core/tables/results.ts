/**
 * The results table of a paper: one row per group of runs (a method over seeds) or per run, with
 * mean ± std of the final search accuracy, the parameters of the derived cell's evaluation network
 * (DARTS convention: C=36, 20 cells, auxiliary head excluded) and the search cost in GPU- or
 * CPU-hours by the device each run used. Pure; writers are in format.ts.
 */
import { NB201_HEADLINE_COLUMN, nb201Key } from '../benchmark/nb201Columns'
import { parseGenotypes } from '../genotype/parse/index'
import { countOp } from '../genotype/model'
import { groupRuns } from '../metrics/grouping'
import { countNetworkCIFAR } from '../metrics/params'
import { finite, mean, std } from '../metrics/stats'

/** What the table needs of a run: the shape of store.compareTable rows plus the search time. */
export interface TableRun {
  readonly id: string
  readonly method: string
  readonly dataset: string
  readonly seed: number
  readonly status: string
  /** Flattened config (grouping keys). */
  readonly params: Readonly<Record<string, string>>
  /** Latest value of every metric (`valAcc` is a fraction 0..1). */
  readonly latest: Readonly<Record<string, number>>
  readonly finalGenotype: string | null
  /** Compute time of the search (sum of epoch seconds), null when unknown. */
  readonly searchSeconds: number | null
  /** The backend's device string, e.g. 'GPU: NVIDIA A100' or 'AMD EPYC …, 2 cores'. */
  readonly device: string | null
}

export type CostUnit = 'GPU' | 'CPU'

export interface Stat {
  readonly mean: number | null
  readonly std: number | null
  readonly n: number
}

export interface ResultRow {
  readonly label: string
  readonly runIds: readonly string[]
  /** Final search validation accuracy, in percent. */
  readonly valAcc: Stat
  /** Evaluation-network parameters of the final genotype, in millions. */
  readonly paramsM: Stat
  readonly skipsNormal: Stat
  /** Search cost per run in hours. */
  readonly searchHours: Stat
  /** 'GPU' when every run with a known device used a GPU, 'CPU' when none did, null when mixed or unknown. */
  readonly costUnit: CostUnit | null
  /** NB201 searches: the final cell's NAS-Bench-201 CIFAR-10 test accuracy (%, a table lookup) and its percentile. */
  readonly benchmark: Stat
  readonly benchmarkPct: Stat
}

export interface ResultsTable {
  readonly groupBy: string | null
  readonly rows: readonly ResultRow[]
  /** Settings of the parameter count, for the caption. */
  readonly evalNetwork: { readonly channels: number; readonly layers: number }
  /** Runs whose genotype could not be counted (no final genotype, an NB201 cell, unparseable text). */
  readonly notes: readonly string[]
  /** Datasets the runs with a benchmark number searched on (empty: no NB201 lookups, no benchmark column). */
  readonly benchmarkSearchDatasets: readonly string[]
}

/** 'GPU: …', 'CUDA GPU …' and PyTorch's 'cuda:0' are GPUs; everything else (wasm, tfjs-node on CPU) is CPU. */
export const deviceUnit = (device: string | null): CostUnit | null =>
  device === null || device === '' ? null : /^(gpu\b|cuda)/i.test(device.trim()) ? 'GPU' : 'CPU'

function stat(xs: readonly (number | null)[]): Stat {
  const v = finite(xs.filter((x): x is number => x !== null))
  return { mean: v.length ? mean(v) : null, std: v.length > 1 ? std(v) : null, n: v.length }
}

/** DARTS CIFAR evaluation network of the run's final genotype; classes from the dataset name. */
function evalStats(run: TableRun, notes: string[]): { params: number | null; skips: number | null } {
  if (!run.finalGenotype) {
    notes.push(`${run.id}: no final genotype (status ${run.status})`)
    return { params: null, skips: null }
  }
  try {
    const [g] = parseGenotypes(run.finalGenotype)
    if (!g || g.genotype.kind !== 'darts') {
      notes.push(`${run.id}: not a DARTS-space genotype, no parameter count`)
      return { params: null, skips: null }
    }
    const classes = /100/.test(run.dataset) ? 100 : 10
    return {
      params: countNetworkCIFAR(g.genotype, { channels: 36, layers: 20, classes }).params,
      skips: countOp(g.genotype.normal),
    }
  } catch (err) {
    notes.push(`${run.id}: genotype does not parse (${(err as Error).message})`)
    return { params: null, skips: null }
  }
}

function row(label: string, runs: readonly TableRun[], notes: string[]): ResultRow {
  const evals = runs.map((r) => evalStats(r, notes))
  const units = new Set(runs.map((r) => deviceUnit(r.device)).filter((u) => u !== null))
  return {
    label,
    runIds: runs.map((r) => r.id),
    valAcc: stat(runs.map((r) => (r.latest.valAcc === undefined ? null : r.latest.valAcc * 100))),
    paramsM: stat(evals.map((e) => (e.params === null ? null : e.params / 1e6))),
    skipsNormal: stat(evals.map((e) => e.skips)),
    searchHours: stat(runs.map((r) => (r.searchSeconds === null ? null : r.searchSeconds / 3600))),
    costUnit: units.size === 1 ? [...units][0]! : null,
    benchmark: stat(runs.map((r) => r.latest[nb201Key.final(NB201_HEADLINE_COLUMN)] ?? null)),
    benchmarkPct: stat(runs.map((r) => r.latest[nb201Key.finalPct(NB201_HEADLINE_COLUMN)] ?? null)),
  }
}

/** One row per run, or (with `groupBy`) per value of that config key, e.g. 'method'. */
export function resultsTable(runs: readonly TableRun[], opts: { groupBy?: string } = {}): ResultsTable {
  const notes: string[] = []
  const rows = opts.groupBy
    ? groupRuns(runs, opts.groupBy).map((g) => row(g.value, g.runs, notes))
    : runs.map((r) => row(`${r.method} (seed ${r.seed})`, [r], notes))
  const scored = runs.filter((r) => r.latest[nb201Key.final(NB201_HEADLINE_COLUMN)] !== undefined)
  // With benchmark numbers the found cells are what is compared: rank by them, best first (stable otherwise).
  if (scored.length) rows.sort((a, b) => (b.benchmark.mean ?? -Infinity) - (a.benchmark.mean ?? -Infinity))
  const benchmarkSearchDatasets = [...new Set(scored.map((r) => r.dataset))].sort()
  return { groupBy: opts.groupBy ?? null, rows, evalNetwork: { channels: 36, layers: 20 }, notes, benchmarkSearchDatasets }
}
