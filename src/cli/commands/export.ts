/** `hdarts export`: results tables (LaTeX, CSV, Markdown) or a reproducibility bundle (zip) of selected or grouped runs. */
import { TABLE_FORMATS, type TableFormat } from '../../core/tables/index'
import { buildBundle, buildTable, ExportError, tableText } from '../../main/export/index'
import type { Command } from '../command'
import { DB_OPTION } from '../db'
import { CliError } from '../errors'
import { writeOutput } from '../render/output'
import { withStore } from './runsStore'

export { tableRuns } from '../../main/export/index'

const FORMATS = [...TABLE_FORMATS, 'bundle'] as const

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write a results table (LaTeX, CSV or Markdown) or a reproducibility bundle (zip) of selected or grouped runs.',
  usage: 'hdarts export --runs ID,... | --group-by KEY [--db FILE] --format latex|csv|md|bundle [--out PATH]',
  description:
    'Rows: one per run with --runs; one per value of KEY with --group-by (e.g. method), mean ± std over its runs\n' +
    '(sample std). --group-by alone takes every finished run in the database; both together group the selected runs.\n' +
    'Columns: final search validation accuracy (%), parameters in millions of the CIFAR evaluation network of the\n' +
    'final genotype (C=36, 20 cells, auxiliary head excluded), skip connections in the normal cell, and the search\n' +
    'cost per run in GPU-hours or CPU-hours by the device the run used. LaTeX uses booktabs; the best value of each\n' +
    'column is bold (highest accuracy; fewest parameters and hours).\n' +
    '--format bundle writes a zip (needs --out FILE.zip): per run its run.json, events.jsonl, provenance (backend,\n' +
    'device, versions, the command that re-runs it) and final genotype as .py/.json/.svg/.pdf/.tex; the tables; and a\n' +
    'README.md saying how to reproduce each run and how to import the bundle back (with hdarts slurm import).',
  positionals: [0, 0],
  options: {
    runs: { type: 'string', value: 'ID,...', help: 'runs to export (ids or unique prefixes, comma-separated)' },
    'group-by': { type: 'string', value: 'KEY', help: 'group rows by this config key (method, seed, archLr, …)' },
    format: { type: 'string', value: 'FORMAT', help: `${FORMATS.join(', ')}` },
    out: { type: 'string', value: 'PATH', help: 'write to PATH instead of stdout (required for bundle)' },
    db: DB_OPTION,
  },
  examples: [
    'hdarts export --group-by method --format latex --out results.tex',
    'hdarts export --runs 3f2a,9c1d,77b0 --group-by method --format md',
    'hdarts export --group-by method --format bundle --out paper-runs.zip',
  ],
  run(values) {
    const format = values.format as string | undefined
    if (format === undefined) throw new CliError(`export: --format is required (${FORMATS.join(', ')})`)
    if (!(FORMATS as readonly string[]).includes(format))
      throw new CliError(`export: unknown format '${format}' (valid: ${FORMATS.join(', ')})`)
    const runsArg = values.runs as string | undefined
    const groupBy = values['group-by'] as string | undefined
    const out = values.out as string | undefined
    if (runsArg === undefined && groupBy === undefined)
      throw new CliError('export: give --runs ID,... or --group-by KEY (or both)')
    if (groupBy !== undefined && groupBy.trim() === '') throw new CliError('export: --group-by needs a config key, e.g. method')
    // A zip on a terminal is garbage; one in a pipe is fine, but a file name is what the README refers to.
    if (format === 'bundle' && (out === undefined || out === '-'))
      throw new CliError('export: --format bundle needs --out FILE.zip')
    return withStore(values, async (store) => {
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
      try {
        if (format === 'bundle') {
          const b = await buildBundle(store, ids, groupBy !== undefined ? { groupBy } : {})
          for (const note of b.notes) process.stderr.write(`hdarts: note: ${note}\n`)
          writeOutput(b.bytes, out)
          process.stderr.write(
            `hdarts: wrote ${out} (${ids.length} runs, ${b.entries.length} files, ${(b.bytes.length / 1024).toFixed(0)} KiB)\n`,
          )
          return 0
        }
        const table = buildTable(store, ids, groupBy)
        for (const note of table.notes) process.stderr.write(`hdarts: note: ${note}\n`)
        writeOutput(tableText(table, format as TableFormat), out)
        return 0
      } catch (err) {
        if (err instanceof ExportError) throw new CliError(`export: ${err.message}`)
        throw err
      }
    })
  },
}
