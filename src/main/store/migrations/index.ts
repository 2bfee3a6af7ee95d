/**
 * Numbered migrations, one file each (Signal Desktop style): each runs in one transaction that ends
 * with `PRAGMA user_version = N`. Never renumber or edit a released migration; a dropped one stays in
 * the list as a no-op. A database newer than the code is refused, never downgraded.
 */
import type { Database } from 'better-sqlite3'
import { StoreError } from '../errors'
import * as m1 from './1-core'
import * as m2 from './2-series'
import * as m3 from './3-indexes'

export interface Migration {
  readonly version: number
  readonly name: string
  readonly up: (db: Database) => void
}

export const MIGRATIONS: readonly Migration[] = [m1, m2, m3]
export const SCHEMA_VERSION = MIGRATIONS.length

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Brings `db` to `target` (default: the latest). `file` is only for the error message. */
export function migrate(db: Database, file: string, target = SCHEMA_VERSION): void {
  const current = schemaVersion(db)
  if (current > SCHEMA_VERSION)
    throw new StoreError(
      `${file} was written by a newer HDARTS Studio (schema ${current} > ${SCHEMA_VERSION}); update HDARTS Studio or use another --db`,
    )
  MIGRATIONS.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${i + 1}`)
    if (m.version <= current || m.version > target) return
    // IMMEDIATE takes the write lock first, and the version is read again under it: two processes
    // opening a new database at once must not both apply the same migration.
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return
      m.up(db)
      db.pragma(`user_version = ${m.version}`)
    }).immediate()
  })
}
