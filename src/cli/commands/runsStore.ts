/** Shared by the `hdarts runs` verbs: open the database, run, close; store and state errors are bad input. */
import { RunStateError } from '../../main/runs/recovery'
import { RunInputError } from '../../main/runs/runDir'
import { StoreError } from '../../main/store/errors'
import type { Store } from '../../main/store/store'
import { openDb } from '../db'
import { CliError } from '../errors'

export type Values = Record<string, string | boolean | string[] | undefined>

/** Opens the database, runs `fn`, closes it; store and state errors are bad input (exit 2, one line). */
export async function withStore<T>(values: Values, fn: (store: Store) => T | Promise<T>): Promise<T> {
  const store = await openDb(values)
  try {
    return await fn(store)
  } catch (err) {
    if (err instanceof StoreError || err instanceof RunStateError || err instanceof RunInputError) throw new CliError(err.message)
    throw err
  } finally {
    store.close()
  }
}
