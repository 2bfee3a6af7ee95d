/** `hdarts slurm import DIR`: the runs of grid folders into the local database, with a progress bar. */
import { importRuns, type ImportProgress, type ImportSummary } from '../../main/slurm/importer'
import { ManifestError } from '../../main/slurm/manifest'
import type { Command } from '../command'
import { DB_OPTION } from '../db'
import { CliError } from '../errors'
import { formatDuration } from '../progress'
import { withStore } from './runsStore'

/** A one-line bar with ETA on a TTY; in logs, a line every 10%. */
function progressBar(out: NodeJS.WriteStream): (p: ImportProgress) => void {
  const started = Date.now()
  let lastTenth = -1
  return ({ done, total }) => {
    const frac = total ? done / total : 1
    const elapsed = (Date.now() - started) / 1000
    const eta = done ? (elapsed / done) * (total - done) : NaN
    if (out.isTTY) {
      const width = 24
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░')
      out.write(`\r\x1b[2Kimport ${bar} ${done}/${total} runs  ETA ${formatDuration(eta)}${done === total ? '\n' : ''}`)
    } else if (Math.floor(frac * 10) > lastTenth) {
      lastTenth = Math.floor(frac * 10)
      out.write(`import: ${done}/${total} runs${done < total ? `, ETA ${formatDuration(eta)}` : ''}\n`)
    }
  }
}

const summaryText = (s: ImportSummary): string =>
  `imported ${s.runs - s.errors.length} of ${s.runs} runs from ${s.grids} grid folder${s.grids === 1 ? '' : 's'}: ${s.new} new, ${s.updated} updated, ${s.unchanged} unchanged; ` +
  `${s.eventsAdded} events added; ${s.finished}/${s.runs} finished\n` +
  s.experiments.map((e) => `  experiment ${e.id} '${e.name}'  ${e.gridDir}\n`).join('') +
  s.errors.map((e) => `  error: ${e}\n`).join('')

export const slurmImportCommand: Command = {
  name: 'slurm import',
  summary: 'Bring the runs of grid folders into the database (idempotent, incremental; safe while the array runs).',
  usage: 'hdarts slurm import DIR [--db FILE] [--json]',
  description:
    "DIR: a grid folder from 'hdarts slurm submit', or a folder of them. Each grid becomes one experiment; importing\n" +
    'again adds only new events. Runs still on the cluster show as paused with a reason starting "slurm:", so no local\n' +
    'service starts them. Exit 1 when some run directory could not be read (the others are imported).',
  positionals: [1, 1],
  options: { db: DB_OPTION, json: { type: 'boolean', help: 'print one JSON document on stdout (no progress bar)' } },
  examples: ['hdarts slurm import /scratch/$USER/hdarts'],
  run: (values, [dir]) =>
    withStore(values, (store) => {
      let summary: ImportSummary
      try {
        summary = importRuns(store, dir!, values.json ? undefined : progressBar(process.stderr))
      } catch (err) {
        if (err instanceof ManifestError) throw new CliError(`slurm import: ${err.message}`)
        throw err
      }
      process.stdout.write(values.json ? JSON.stringify(summary, null, 2) + '\n' : summaryText(summary))
      return summary.errors.length ? 1 : 0
    }),
}
