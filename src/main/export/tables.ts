/** Results tables of stored runs (`hdarts export --format latex|csv|md`, the app's `export.table`, the bundle's tables). */
import { formatTable, resultsTable, type ResultsTable, type TableFormat, type TableRun } from '../../core/tables/index'
import type { Store } from '../store/store'
import { ExportError } from './genotype'

/** store.compareTable rows plus the search's compute time (sum of epoch seconds; wall time when absent). */
export function tableRuns(store: Store, ids: readonly string[]): TableRun[] {
  const seconds = new Map<string, number>()
  for (const p of store.metricSeries(ids, 'epochSec'))
    seconds.set(p.runId, (seconds.get(p.runId) ?? 0) + (Number.isFinite(p.value) ? p.value : 0))
  return store.compareTable(ids).map(({ run, params, latest }) => {
    const wall = run.startedAt !== null && run.endedAt !== null ? (run.endedAt - run.startedAt) / 1000 : null
    return {
      id: run.id,
      method: run.method,
      dataset: run.dataset,
      seed: run.seed,
      status: run.status,
      // The dashboard groups by preset too, which is a run field rather than a config key.
      params: run.preset !== null && !('preset' in params) ? { ...params, preset: run.preset } : params,
      latest,
      finalGenotype: run.finalGenotype,
      searchSeconds: seconds.get(run.id) ?? wall,
      device: run.device,
    }
  })
}

/** The table of `ids` (already resolved), grouped by a config key when given; ExportError for an unknown key. */
export function buildTable(store: Store, ids: readonly string[], groupBy?: string): ResultsTable {
  const runs = tableRuns(store, ids)
  if (groupBy !== undefined && !runs.some((r) => groupBy in r.params))
    throw new ExportError(`no run has the config key '${groupBy}' (e.g. method, seed, dataset)`)
  return resultsTable(runs, groupBy !== undefined ? { groupBy } : {})
}

export const TABLE_FILES: Readonly<Record<TableFormat, { ext: string; mime: string }>> = {
  latex: { ext: 'tex', mime: 'application/x-tex' },
  csv: { ext: 'csv', mime: 'text/csv' },
  md: { ext: 'md', mime: 'text/markdown' },
}

export const tableText = (t: ResultsTable, format: TableFormat): string => formatTable(t, format)
