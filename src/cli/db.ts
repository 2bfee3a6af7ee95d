/** The database the CLI works on: `--db FILE`, else $HDARTS_DB, else the app-data folder's hdarts.db. */
import { homedir, platform } from 'node:os'
import { resolve } from 'node:path'
import { StoreError } from '../main/store/errors'
import { defaultDbPath } from '../main/store/paths'
import type { Store } from '../main/store/store'
import { CliError } from './errors'

export const DB_OPTION = {
  type: 'string',
  value: 'FILE',
  help: 'the run database',
  default: '$HDARTS_DB or hdarts.db in the app-data folder',
} as const

export const dbPath = (values: Record<string, unknown>): string =>
  resolve((values.db as string | undefined) ?? defaultDbPath(process.env, platform(), homedir()))

/** Loaded on first use: commands that need no database (genotype) start without SQLite. */
export async function openDb(values: Record<string, unknown>): Promise<Store> {
  const file = dbPath(values)
  const { openStore } = await import('../main/store/index')
  try {
    return openStore(file)
  } catch (err) {
    if (err instanceof StoreError) throw new CliError(err.message)
    throw new CliError(`cannot open the database ${file}: ${(err as Error).message}`, 1)
  }
}
