/** `hdarts runs duplicate|tag|delete` through the real entry point, on run directories made by createRunDir. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createRunDir, newRunRow } from '../../src/main/runs/runDir'
import { openStore } from '../../src/main/store'
import { hdarts } from './run'

const dir = mkdtempSync(join(tmpdir(), 'hdarts-cli-edit-'))
const db = join(dir, 'hdarts.db')
const runsDir = join(dir, 'runs')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function queuedRun(sets: string[]): { id: string; dir: string } {
  const store = openStore(db)
  const made = createRunDir(runsDir, { preset: 'darts-1st-quick', sets })
  store.insertRun(newRunRow(made.dir, made.run))
  store.close()
  return { id: made.run.id, dir: made.dir }
}

describe('hdarts runs duplicate / tag / delete', { timeout: 120_000 }, () => {
  it('duplicates a run with changed settings into a new queued run', () => {
    const src = queuedRun(['seed=3', 'epochs=2'])
    const r = hdarts(['runs', 'duplicate', src.id, '--set', 'epochs=5', '--db', db, '--json'])
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout) as { runId: string; from: string; status: string }
    expect(out).toMatchObject({ from: src.id, status: 'queued' })
    const store = openStore(db)
    const copy = store.getRun(out.runId)!
    expect(copy.config).toMatchObject({ epochs: 5, seed: 3 })
    store.close()
  })

  it('sets and removes tags', () => {
    const { id } = queuedRun(['seed=1'])
    expect(JSON.parse(hdarts(['runs', 'tag', id, 'paper=yes', 'group=a', '--db', db, '--json']).stdout).tags).toEqual({
      paper: 'yes',
      group: 'a',
    })
    expect(JSON.parse(hdarts(['runs', 'tag', id, 'group=', '--db', db, '--json']).stdout).tags).toEqual({ paper: 'yes' })
    const bad = hdarts(['runs', 'tag', id, 'nonsense', '--db', db])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/not KEY=VALUE/)
  })

  it('deletes only with --yes, and the directory only with --files', () => {
    const a = queuedRun(['seed=7'])
    const refused = hdarts(['runs', 'delete', a.id, '--db', db])
    expect(refused.code).toBe(2)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toMatch(/add --yes/)
    expect(hdarts(['runs', 'delete', a.id, '--yes', '--db', db]).code).toBe(0)
    expect(existsSync(a.dir)).toBe(true)
    const b = queuedRun(['seed=8'])
    expect(hdarts(['runs', 'delete', b.id, '--yes', '--files', '--db', db]).code).toBe(0)
    expect(existsSync(b.dir)).toBe(false)
    const store = openStore(db)
    expect(store.getRun(a.id)).toBeUndefined()
    expect(store.getRun(b.id)).toBeUndefined()
    store.close()
    expect(hdarts(['runs', 'delete', a.id, '--yes', '--db', db]).code).toBe(2)
  })
})
