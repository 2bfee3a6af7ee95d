/** `hdarts import darts-log`: a PyTorch DARTS-family search log becomes a run beside native ones (src/main/import). */
import { resolve } from 'node:path'
import { importDartsLog } from '../../main/import/dartsLog'
import { type DartsLog, DartsLogError, parseDartsLog } from '../../main/import/parseDartsLog'
import type { Command } from '../command'
import { DB_OPTION } from '../db'
import { CliError } from '../errors'
import { readInput } from '../io'
import { defaultRunsDir } from '../paths'
import { withStore } from './runsStore'

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
    const { text, source } = readInput(file!, 'a PyTorch DARTS log (log.txt)')
    let log: DartsLog
    try {
      log = parseDartsLog(text)
    } catch (err) {
      if (err instanceof DartsLogError) throw new CliError(`${source}:${err.line}: ${err.message}`)
      throw err
    }
    const name = values.name as string | undefined
    const runsDir = (values['runs-dir'] as string | undefined) ?? defaultRunsDir()
    return withStore(values, (store) => {
      const r = importDartsLog(store, log, { runsDir, name, source: source === '<stdin>' ? source : resolve(source) })
      const { row } = r
      const summary = {
        id: r.id,
        runDir: r.runDir,
        method: r.method,
        status: row.status,
        epochs: r.epochs,
        epochsTotal: row.epochsTotal,
        lastValAcc: row.lastValAcc,
        alphas: r.alphas,
        truncated: r.truncated,
      }
      if (values.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n')
      else {
        const acc = row.lastValAcc !== null ? `, valid_acc ${(row.lastValAcc * 100).toFixed(2)}%` : ''
        process.stdout.write(`imported ${r.id}: ${r.epochs} epoch(s) of ${row.epochsTotal}${acc}, ${row.status}\n  ${r.runDir}\n`)
      }
      if (r.truncated)
        process.stderr.write(
          `hdarts: note: ${source}:${r.truncated.line}: epoch ${r.truncated.epoch} has no valid_acc (log cut short); left out\n`,
        )
      return 0
    })
  },
}
