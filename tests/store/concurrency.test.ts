/**
 * Several processes writing one database at once (`hdarts search` runs sharing a --db). In WAL mode a
 * deferred transaction that reads before it writes fails at once with SQLITE_BUSY when another
 * process committed in between, without waiting on busy_timeout; writes must take the lock up front.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store'
import { tmpDir } from './helpers'

const HAMMER = join(__dirname, 'fixtures/hammer.ts')
const WRITERS = 4
const EPOCHS = 40

function writer(db: string, id: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HAMMER, db, id, String(EPOCHS)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((r) => child.once('exit', (code) => r({ code, stderr })))
}

describe('concurrent writer processes', () => {
  it('every process registers and ingests its run; none fails with SQLITE_BUSY', async () => {
    const db = join(tmpDir(), 'shared.db')
    openStore(db).close()
    const ids = Array.from({ length: WRITERS }, (_, i) => `run-${i}`)
    const results = await Promise.all(ids.map((id) => writer(db, id)))
    expect(results).toEqual(ids.map(() => ({ code: 0, stderr: '' })))
    const store = openStore(db)
    for (const id of ids) {
      const run = store.getRun(id)!
      expect(run.epochsDone).toBe(EPOCHS)
      expect(store.metricSeries([id], 'valAcc')).toHaveLength(EPOCHS)
    }
    store.close()
  }, 120_000)
})
