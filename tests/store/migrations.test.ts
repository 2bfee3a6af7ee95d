import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openStore, SCHEMA_VERSION, StoreError } from '../../src/main/store'
import { openDatabase } from '../../src/main/store/db'
import { MIGRATIONS } from '../../src/main/store/migrations'
import { EventWriter, newRun, tmpDir } from './helpers'

const schemaOf = (file: string): string[] => {
  const db = new Database(file, { readonly: true })
  try {
    return (
      db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as object[]
    ).map((r) => JSON.stringify(r))
  } finally {
    db.close()
  }
}
const userVersion = (file: string): number => {
  const db = new Database(file, { readonly: true })
  try {
    return db.pragma('user_version', { simple: true }) as number
  } finally {
    db.close()
  }
}

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1))
  })

  it('create the latest schema in an empty file, and a second open changes nothing', () => {
    const file = join(tmpDir(), 'sub', 'dir', 'hdarts.db')
    openStore(file).close()
    expect(userVersion(file)).toBe(SCHEMA_VERSION)
    const schema = schemaOf(file)
    openStore(file).close()
    expect(schemaOf(file)).toEqual(schema)
  })

  it('treat a zero-byte file as a new database', () => {
    const file = join(tmpDir(), 'empty.db')
    writeFileSync(file, '')
    const store = openStore(file)
    expect(store.integrityCheck()).toBe('ok')
    store.close()
  })

  // Each earlier version: migrate that far, add data the old schema can hold, upgrade, compare.
  for (let from = 1; from < SCHEMA_VERSION; from++) {
    it(`upgrade a version-${from} database to ${SCHEMA_VERSION}, keeping its rows`, () => {
      const dir = tmpDir()
      const fresh = join(dir, 'fresh.db')
      openStore(fresh).close()
      const old = join(dir, 'old.db')
      const db = openDatabase(old, { targetVersion: from })
      expect(db.pragma('user_version', { simple: true })).toBe(from)
      db.prepare(
        `INSERT INTO runs (id, run_dir, kind, method, dataset, seed, config_json, status, created_at) VALUES ('r1', '/r', 'search', 'darts', 'cifar10', 0, '{}', 'queued', 1)`,
      ).run()
      db.close()

      const store = openStore(old)
      expect(store.getRun('r1')?.status).toBe('queued')
      const w = new EventWriter()
      w.started(2)
      w.epoch(0)
      store.ingestEvents('r1', w.events)
      expect(store.metricSeries(['r1'], 'valAcc')).toHaveLength(1)
      expect(store.integrityCheck()).toBe('ok')
      store.close()
      expect(userVersion(old)).toBe(SCHEMA_VERSION)
      expect(schemaOf(old)).toEqual(schemaOf(fresh))
    })
  }

  it('refuse a database written by a newer version, without changing it', () => {
    const file = join(tmpDir(), 'new.db')
    openStore(file).close()
    const db = new Database(file)
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    const before = readFileSync(file)
    expect(() => openStore(file)).toThrow(StoreError)
    expect(() => openStore(file)).toThrow(
      `was written by a newer HDARTS Studio (schema ${SCHEMA_VERSION + 1} > ${SCHEMA_VERSION})`,
    )
    expect(readFileSync(file).equals(before)).toBe(true)
  })
})

describe('foreign files', () => {
  const cases: [string, (file: string) => void][] = [
    ['a text file', (f) => writeFileSync(f, 'hello, not a database\n')],
    ['random bytes', (f) => writeFileSync(f, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256)))],
    ['a short file', (f) => writeFileSync(f, 'SQLite')],
    [
      'another application’s SQLite database',
      (f) => {
        const db = new Database(f)
        db.exec('CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES (1)')
        db.close()
      },
    ],
    [
      'a SQLite header over garbage',
      (f) => writeFileSync(f, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(2000, 0xab)])),
    ],
  ]
  for (const [what, make] of cases)
    it(`refuse ${what}, leaving it byte-identical`, () => {
      const file = join(tmpDir(), 'foreign.db')
      make(file)
      const before = readFileSync(file)
      expect(() => openStore(file)).toThrow(`${file} is not an HDARTS Studio database`)
      expect(readFileSync(file).equals(before)).toBe(true)
    })

  it('refuse a directory', () => {
    const dir = tmpDir()
    expect(() => openStore(dir)).toThrow(StoreError)
  })

  it('open a copy of a real store (the id travels with the file)', () => {
    const dir = tmpDir()
    const a = openStore(join(dir, 'a.db'))
    a.insertRun(newRun('r1'))
    a.close()
    copyFileSync(join(dir, 'a.db'), join(dir, 'b.db'))
    const b = openStore(join(dir, 'b.db'))
    expect(b.getRun('r1')).toBeDefined()
    b.close()
  })
})
