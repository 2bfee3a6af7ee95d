/**
 * NAS-Bench-201 lookups as run events and metrics: the worker builds the event, and the store and the
 * renderer both turn it into metric points with `benchmarkMetricPoints`, so the live view and the
 * database hold the same series under the same keys (nb201Columns.ts `nb201Key`).
 */
import type { RunEventBody } from '../events'
import { GenotypeError } from '../genotype/model'
import { parseGenotypes } from '../genotype/parse/index'
import { NB201_TABLE_EPOCHS, nb201Key } from './nb201Columns'
import type { Nb201Table } from './nb201Table'

export type BenchmarkEvent = Extract<RunEventBody, { type: 'benchmark' }>

/** The benchmark event of one derived cell, or null when the text holds no NB201 cell (never a guess). */
export function nb201BenchmarkEvent(
  table: Nb201Table,
  opts: { epoch: number; genotypeText: string; final: boolean; searchDataset: string },
): BenchmarkEvent | null {
  let genotype
  try {
    genotype = parseGenotypes(opts.genotypeText)[0]?.genotype
  } catch (err) {
    if (err instanceof GenotypeError) return null
    throw err
  }
  if (!genotype || genotype.kind !== 'nb201') return null
  const s = table.score(genotype)
  const scores: Record<string, BenchmarkEvent['scores'][string]> = {}
  for (const col of table.columns) {
    const ref = table.reference(col)
    scores[col] = { accuracy: s.values[col]!, percentile: s.percentiles[col]!, best: ref.best, allSkip: ref.allSkip }
  }
  return {
    type: 'benchmark',
    epoch: opts.epoch,
    final: opts.final,
    arch: s.arch,
    index: s.index,
    table: { kind: table.source.kind, file: table.source.file, sha256: table.source.sha256, epochs: NB201_TABLE_EPOCHS },
    searchDataset: opts.searchDataset,
    scores,
  }
}

export interface MetricPointOf {
  readonly key: string
  readonly step: number
  readonly value: number
}

/**
 * Metric points of a benchmark event: per epoch the cell's accuracy, percentile and the two reference
 * lines (step = epoch); for the final cell `nb201.final.*` at step 0, which the runs table and the
 * dashboard's final ranking read.
 */
export function benchmarkMetricPoints(e: BenchmarkEvent): MetricPointOf[] {
  const out: MetricPointOf[] = []
  for (const [col, s] of Object.entries(e.scores ?? {})) {
    if (e.final) {
      out.push({ key: nb201Key.final(col), step: 0, value: Number(s.accuracy) })
      out.push({ key: nb201Key.finalPct(col), step: 0, value: Number(s.percentile) })
      continue
    }
    out.push({ key: nb201Key.acc(col), step: e.epoch, value: Number(s.accuracy) })
    out.push({ key: nb201Key.pct(col), step: e.epoch, value: Number(s.percentile) })
    out.push({ key: nb201Key.best(col), step: e.epoch, value: Number(s.best) })
    out.push({ key: nb201Key.allSkip(col), step: e.epoch, value: Number(s.allSkip) })
  }
  return out
}
