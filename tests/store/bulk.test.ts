/**
 * The bulk reads behind the app's run list (tags and notes of many runs in one query each, runs per
 * experiment): right answers, and each one seeks through an index like the other dashboard queries.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store'
import { SQL } from '../../src/main/store/sql'
import { newRun, tmpDir } from './helpers'

describe('bulk reads', () => {
  it('tagsOf, notesOf and experimentRunCounts return what was written', () => {
    const store = openStore(':memory:')
    const exp = store.createExperiment({ name: 'g' })
    for (let i = 0; i < 5; i++) store.insertRun(newRun(`r${i}`, i < 3 ? { experimentId: exp } : {}))
    store.setTag('r0', 'a', '1')
    store.setTag('r0', 'b', '2')
    store.setTag('r2', 'a', '3')
    store.setNote('r1', 'hello')
    store.setNote('r2', 'world')
    expect(store.tagsOf(['r0', 'r1', 'r2', 'nope'])).toEqual({ r0: { a: '1', b: '2' }, r2: { a: '3' } })
    expect(store.notesOf(['r0', 'r1', 'r2'])).toEqual({ r1: 'hello', r2: 'world' })
    expect(store.notesOf([])).toEqual({})
    expect([...store.experimentRunCounts()]).toEqual([[exp, 3]])
    store.close()
  })

  it('seek through their indexes', () => {
    const file = join(tmpDir(), 'bulk.db')
    openStore(file).close()
    const db = new Database(file)
    const plan = (sql: string, args: object) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(args) as { detail: string }[]).map((r) => r.detail).join('\n')
    expect(plan(SQL.notesByIds, { ids: '["a"]' })).toMatch(/SEARCH n USING INTEGER PRIMARY KEY \(rowid=\?\)/)
    expect(plan(SQL.tagsByIds, { ids: '["a"]' })).toMatch(/SEARCH t USING PRIMARY KEY \(run_num=\?\)/)
    const counts = plan(SQL.experimentRunCounts, {})
    expect(counts).toMatch(/USING (COVERING )?INDEX runs_experiment/)
    expect(counts).not.toMatch(/^SCAN runs$/m)
    db.close()
  })
})
