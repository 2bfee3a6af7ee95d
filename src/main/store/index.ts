/**
 * The store (DESIGN.md §7): the SQLite index main builds from run directories. One writer (main);
 * everything a caller sees is a DTO from ./types. See docs/storage.md.
 */
import { Store } from './store'

export { Store } from './store'
export { StoreError } from './errors'
export { defaultDbPath, DB_FILE } from './paths'
export { SCHEMA_VERSION } from './migrations'
export * from './types'

/** Opens (creating if needed, with its parent folder) and migrates the database at `file`; `:memory:` works too. */
export function openStore(file: string): Store {
  return Store.open(file)
}
