/** The database the CLI works on: `--db FILE`, else $HDARTS_DB, else the app-data folder's hdarts.db. */
import { homedir, platform } from 'node:os'
import { resolve } from 'node:path'
import { defaultDbPath, openStore, type Store, StoreError } from '../main/store'
import { CliError } from './errors'

export const DB_OPTION = {
  type: 'string',
  value: 'FILE',
  help: 'the run database',
  default: '$HDARTS_DB or hdarts.db in the app-data folder',
} as const

export const dbPath = (values: Record<string, unknown>): string =>
  resolve((values.db as string | undefined) ?? defaultDbPath(process.env, platform(), homedir()))

export function openDb(values: Record<string, unknown>): Store {
  const file = dbPath(values)
  try {
    return openStore(file)
  } catch (err) {
    if (err instanceof StoreError) throw new CliError(err.message)
    throw new CliError(`cannot open the database ${file}: ${(err as Error).message}`, 1)
  }
}
