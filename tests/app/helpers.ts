/** An AppService over a throwaway database and runs folder, with a RunService that never launches anything. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { AppService } from '../../src/main/app'
import type { WorkerLauncher } from '../../src/main/runs/launcher'
import { RunService } from '../../src/main/runs/service'
import { openStore, type Store } from '../../src/main/store'

export const ROOT = join(import.meta.dirname, '../..')

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

export function tmpDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hdarts-app-'))
  dirs.push(d)
  return d
}

/** Not started, so queued runs stay queued; launching would be a bug in the test. */
const noLauncher: WorkerLauncher = {
  launch: () => {
    throw new Error('this test launches no workers')
  },
}

export function makeApp(): { app: AppService; store: Store; service: RunService; dir: string } {
  const dir = tmpDir()
  const store = openStore(join(dir, 'hdarts.db'))
  const service = new RunService({ store, launcher: noLauncher, runsDir: join(dir, 'runs'), cpuSlots: 1, gpus: [] })
  const app = new AppService({
    store,
    service,
    runsDir: join(dir, 'runs'),
    dbPath: join(dir, 'hdarts.db'),
    mode: 'browser',
    libraryDir: join(ROOT, 'resources/genotypes'),
  })
  afterAll(() => {
    app.dispose()
    store.close()
  })
  return { app, store, service, dir }
}
