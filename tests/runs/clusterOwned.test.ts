/** A run imported from a Slurm array that has not ended is never resumed or retried locally. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createRunDir, newRunRow } from '../../src/main/runs/runDir'
import { RunService, RunStateError } from '../../src/main/runs/service'
import { openStore } from '../../src/main/store'
import { FakeLauncher } from './fakeLauncher'

const dir = mkdtempSync(join(tmpdir(), 'hdarts-cluster-owned-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('cluster-owned runs', () => {
  it('refuses resume and retry while Slurm owns the run', () => {
    const store = openStore(':memory:')
    const service = new RunService({ store, launcher: new FakeLauncher(), runsDir: dir, lockFile: join(dir, 'lock') })
    const made = createRunDir(dir, { preset: 'darts-1st-quick' })
    store.insertRun(newRunRow(made.dir, made.run))
    store.updateRun(made.run.id, { status: 'paused', statusReason: 'slurm: running on the cluster' })
    expect(() => service.resume(made.run.id)).toThrow(RunStateError)
    expect(() => service.retry(made.run.id)).toThrow(/belongs to a Slurm job/)
    expect(store.getRun(made.run.id)!.status).toBe('paused')
    store.close()
  })
})
