/**
 * Opening the database: refuse foreign files before touching them, then pragmas, then migrations.
 * Main is the one writer (DESIGN.md §2); busy_timeout lets a CLI process share the file briefly.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { ensureDir } from '../../node/safePaths'
import Database from 'better-sqlite3'
import { APPLICATION_ID, StoreError } from './errors'
import { migrate, SCHEMA_VERSION } from './migrations'

const SQLITE_MAGIC = 'SQLite format 3\0'
const BUSY_TIMEOUT_MS = 5000

export interface OpenOptions {
  /** Migrate only this far (tests of upgrades from older schemas). */
  readonly targetVersion?: number
}

export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  const memory = file === ':memory:' || file === ''
  if (!memory) {
    if (existsSync(file)) assertSqliteHeader(file)
    else
      try {
        ensureDir(dirname(file), 'the database folder')
      } catch (err) {
        throw new StoreError((err as Error).message)
      }
  }
  let db: Database.Database
  try {
    db = new Database(file)
  } catch (err) {
    throw new StoreError(`cannot open ${file}: ${(err as Error).message}`)
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    // Checked before any write: journal_mode and migrations would modify a foreign file.
    const appId = db.pragma('application_id', { simple: true }) as number
    const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n
    if (appId !== APPLICATION_ID && (appId !== 0 || objects > 0)) throw notOurs(file)
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) migrate(db, file) // throws the "newer HDARTS Studio" error
    if (!memory) db.pragma('journal_mode = WAL')
    // WAL + NORMAL is durable except on power loss, where the run directories rebuild the index.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    migrate(db, file, opts.targetVersion)
    return db
  } catch (err) {
    db.close()
    if (err instanceof StoreError) throw err
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw notOurs(file)
    throw new StoreError(`${file}: ${(err as Error).message}`)
  }
}

function notOurs(file: string): StoreError {
  return new StoreError(`${file} is not an HDARTS Studio database`)
}

/** An empty file is a new database; anything else must start with SQLite's magic string. */
function assertSqliteHeader(file: string): void {
  if (statSync(file).isDirectory()) throw new StoreError(`${file} is a directory, not an HDARTS Studio database`)
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(16)
    const n = readSync(fd, head, 0, 16, 0)
    if (n === 0) return
    if (n < 16 || head.toString('latin1') !== SQLITE_MAGIC) throw notOurs(file)
  } finally {
    closeSync(fd)
  }
}
