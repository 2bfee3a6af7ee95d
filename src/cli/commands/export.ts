/** `hdarts export`: results tables (LaTeX, CSV, Markdown) of selected or grouped runs, for papers. */
import { formatTable, resultsTable, TABLE_FORMATS, type TableFormat, type TableRun } from '../../core/tables/index'
import type { Store } from '../../main/store/store'
import type { Command } from '../command'
import { DB_OPTION } from '../db'
import { CliError } from '../errors'
import { writeOutput } from '../render/output'
import { withStore } from './runsStore'

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
      params,
      latest,
      finalGenotype: run.finalGenotype,
      searchSeconds: seconds.get(run.id) ?? wall,
      device: run.device,
    }
  })
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a results table (LaTeX, CSV or Markdown) of selected runs or of runs grouped by a setting.',
  usage: 'hdarts export --runs ID,... | --group-by KEY [--db FILE] --format latex|csv|md [--out PATH]',
  description:
    'Rows: one per run with --runs; one per value of KEY with --group-by (e.g. method), mean ± std over its runs\n' +
    '(sample std). --group-by alone takes every finished run in the database; both together group the selected runs.\n' +
    'Columns: final search validation accuracy (%), parameters in millions of the CIFAR evaluation network of the\n' +
    'final genotype (C=36, 20 cells, auxiliary head excluded), skip connections in the normal cell, and the search\n' +
    'cost per run in GPU-hours or CPU-hours by the device the run used. LaTeX uses booktabs; the best value of each\n' +
    'column is bold (highest accuracy; fewest parameters and hours).',
  positionals: [0, 0],
  options: {
    runs: { type: 'string', value: 'ID,...', help: 'runs to tabulate (ids or unique prefixes, comma-separated)' },
    'group-by': { type: 'string', value: 'KEY', help: 'group rows by this config key (method, seed, archLr, …)' },
    format: { type: 'string', value: 'FORMAT', help: `table format: ${TABLE_FORMATS.join(', ')}` },
    out: { type: 'string', value: 'PATH', help: 'write to PATH instead of stdout' },
    db: DB_OPTION,
  },
  examples: [
    'hdarts export --group-by method --format latex --out results.tex',
    'hdarts export --runs 3f2a,9c1d,77b0 --group-by method --format md',
  ],
  run(values) {
    const format = values.format as string | undefined
    if (format === undefined) throw new CliError(`export: --format is required (${TABLE_FORMATS.join(', ')})`)
    if (!(TABLE_FORMATS as readonly string[]).includes(format))
      throw new CliError(`export: unknown format '${format}' (valid: ${TABLE_FORMATS.join(', ')})`)
    const runsArg = values.runs as string | undefined
    const groupBy = values['group-by'] as string | undefined
    if (runsArg === undefined && groupBy === undefined)
      throw new CliError('export: give --runs ID,... or --group-by KEY (or both)')
    if (groupBy !== undefined && groupBy.trim() === '') throw new CliError('export: --group-by needs a config key, e.g. method')
    return withStore(values, (store) => {
      let ids: string[]
      if (runsArg !== undefined) {
        const wanted = runsArg
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
        if (wanted.length === 0) throw new CliError('export: --runs is empty')
        ids = [...new Set(wanted.map((id) => store.findRun(id).id))]
      } else {
        // Oldest first, so groups appear in the order they were searched.
        ids = store
          .listRuns({ status: ['finished'] })
          .map((r) => r.id)
          .reverse()
        if (ids.length === 0) throw new CliError('export: the database has no finished runs to group')
      }
      const runs = tableRuns(store, ids)
      if (groupBy !== undefined && !runs.some((r) => groupBy in r.params))
        throw new CliError(`export: no run has the config key '${groupBy}' (e.g. method, seed, dataset)`)
      const table = resultsTable(runs, groupBy !== undefined ? { groupBy } : {})
      for (const note of table.notes) process.stderr.write(`hdarts: note: ${note}\n`)
      writeOutput(formatTable(table, format as TableFormat), values.out as string | undefined)
      return 0
    })
  },
}
