/** Store rows → the API's RunSummary, one run or a whole list with a fixed number of queries. */
import { NB201_HEADLINE_COLUMN, nb201Key } from '../../core/benchmark/nb201Columns'
import type { RunSummary } from '../../shared/api'
import type { RunRow, Store } from '../store'

/** The latest skip counts of a run ('skipsNormal'/'skipsReduce' metrics of its epoch events). */
export interface Skips {
  readonly skipsNormal?: number
  readonly skipsReduce?: number
  /** An evaluation's latest test accuracy (its 'evalEpoch' metrics). */
  readonly testAcc?: number
  /** Any other latest metric, e.g. the final cell's NB201 lookup (`nb201.final.*`). */
  readonly [key: string]: number | undefined
}

export function toSummary(row: RunRow, tags: Readonly<Record<string, string>>, note: string | null, skips: Skips): RunSummary {
  return {
    id: row.id,
    kind: row.kind,
    experimentId: row.experimentId,
    preset: row.preset,
    method: row.method,
    dataset: row.dataset,
    seed: row.seed,
    status: row.status,
    statusReason: row.statusReason,
    error: row.error,
    backend: row.backend,
    device: row.device,
    attempts: row.attempts,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    epochsDone: row.epochsDone,
    epochsTotal: row.epochsTotal,
    progress: row.progress,
    etaSec: row.etaSec,
    bestValAcc: row.bestValAcc,
    lastValAcc: row.lastValAcc,
    skipsNormal: skips.skipsNormal ?? null,
    skipsReduce: skips.skipsReduce ?? null,
    finalGenotype: row.finalGenotype,
    lastTestAcc: row.kind === 'eval' ? (skips.testAcc ?? null) : null,
    benchmarkAcc: skips[nb201Key.final(NB201_HEADLINE_COLUMN)] ?? null,
    benchmarkPct: skips[nb201Key.finalPct(NB201_HEADLINE_COLUMN)] ?? null,
    tags,
    note,
  }
}

/** Summaries of many runs: one latest-metrics, one tags and one notes query for the whole list. */
export function summariesOf(store: Store, rows: readonly RunRow[]): RunSummary[] {
  if (!rows.length) return []
  const ids = rows.map((r) => r.id)
  const latest = store.latestMetrics(ids)
  const tags = store.tagsOf(ids)
  const notes = store.notesOf(ids)
  return rows.map((r) => toSummary(r, tags[r.id] ?? {}, notes[r.id] ?? null, latest[r.id] ?? {}))
}

export const summaryOf = (store: Store, row: RunRow): RunSummary => summariesOf(store, [row])[0]!
