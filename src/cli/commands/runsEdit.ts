/**
 * `hdarts runs delete|duplicate|tag`: changing the run database from the command line. Deleting is
 * never implied: it needs --yes, and the run directory goes only with --files as well.
 */
import { ChildProcessLauncher } from '../../main/runs/launcher'
import { RunService } from '../../main/runs/service'
import type { Store } from '../../main/store/store'
import type { Command, OptionSpec } from '../command'
import { DB_OPTION } from '../db'
import { CliError } from '../errors'
import { defaultRunsDir } from '../paths'
import { type Values, withStore } from './runsStore'

const JSON_OPTION: OptionSpec = { type: 'boolean', help: 'print one JSON document on stdout' }

const print = (values: Values, json: unknown, text: string): void => {
  process.stdout.write(values.json ? JSON.stringify(json, null, 2) + '\n' : text)
}

/** A service that is never started: it edits the queue, and whichever service owns the database runs it. */
const idleService = (store: Store): RunService =>
  new RunService({ store, launcher: new ChildProcessLauncher(), runsDir: defaultRunsDir() })

export const runsDeleteCommand: Command = {
  name: 'runs delete',
  summary: 'Remove a run from the database (with --files, its run directory too). Needs --yes.',
  usage: 'hdarts runs delete ID --yes [--files] [--db FILE] [--json]',
  description: 'A running run must be cancelled first. Without --files the run directory stays, and can be imported again.',
  positionals: [1, 1],
  options: {
    yes: { type: 'boolean', help: 'confirm the deletion' },
    files: { type: 'boolean', help: 'also delete the run directory (events, checkpoints, logs)' },
    db: DB_OPTION,
    json: JSON_OPTION,
  },
  run: (values, [id]) =>
    withStore(values, (store) => {
      const run = store.findRun(id!)
      if (values.yes !== true)
        throw new CliError(
          `runs delete: this removes run ${run.id}${values.files ? ' and its directory' : ''}; add --yes to confirm`,
        )
      idleService(store).delete(run.id, { deleteFiles: values.files === true })
      const what =
        values.files === true
          ? `deleted run ${run.id} and ${run.runDir}`
          : `deleted run ${run.id} (its directory stays: ${run.runDir})`
      print(values, { runId: run.id, filesDeleted: values.files === true }, what + '\n')
      return 0
    }),
}

export const runsDuplicateCommand: Command = {
  name: 'runs duplicate',
  summary: 'Queue a copy of a run with the same config, plus any --set changes.',
  usage: 'hdarts runs duplicate ID [--set KEY=VALUE ...] [--db FILE] [--json]',
  description: "The copy is queued in the run's experiment; `hdarts runs resume --all`, `hdarts serve` or the app runs it.",
  positionals: [1, 1],
  options: {
    set: { type: 'string', multiple: true, value: 'KEY=VALUE', help: 'change a setting of the copy (repeatable)' },
    db: DB_OPTION,
    json: JSON_OPTION,
  },
  run: (values, [id]) =>
    withStore(values, (store) => {
      const run = store.findRun(id!)
      const copy = idleService(store).duplicate(run.id, (values.set as string[] | undefined) ?? [])
      print(values, { runId: copy.id, from: run.id, status: copy.status }, `queued ${copy.id} (a copy of ${run.id})\n`)
      return 0
    }),
}

export const runsTagCommand: Command = {
  name: 'runs tag',
  summary: 'Set tags on a run (KEY=VALUE), or remove them (KEY=).',
  usage: 'hdarts runs tag ID KEY=VALUE... [--db FILE] [--json]',
  positionals: [2, 100],
  options: { db: DB_OPTION, json: JSON_OPTION },
  run: (values, [id, ...pairs]) =>
    withStore(values, (store) => {
      const run = store.findRun(id!)
      const parsed = pairs.map((p) => {
        const eq = p.indexOf('=')
        if (eq <= 0) throw new CliError(`runs tag: '${p}' is not KEY=VALUE`)
        return [p.slice(0, eq).trim(), p.slice(eq + 1)] as const
      })
      for (const [k, v] of parsed) v === '' ? store.deleteTag(run.id, k) : store.setTag(run.id, k, v)
      const tags = store.tags(run.id)
      const text = Object.entries(tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')
      print(values, { runId: run.id, tags }, `${run.id}: ${text || '(no tags)'}\n`)
      return 0
    }),
}
