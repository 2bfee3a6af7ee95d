/**
 * An evaluation through the app's API and the RunService with a real worker (ChildProcessLauncher) on
 * Fashion-MNIST: `runs.evaluate` queues it, the service runs it, a pause after the first epoch
 * checkpoint stops it and a resume continues from that checkpoint without repeating an epoch, and the
 * database ends with its test accuracy per epoch and the run view its parameters and FLOPs.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { AppService } from '../../src/main/app'
import { ChildProcessLauncher } from '../../src/main/runs/launcher'
import { RunService } from '../../src/main/runs/service'
import { openStore } from '../../src/main/store'
import type { RunDetail, RunSummary } from '../../src/shared/api'
import { ROOT, tmpDir } from '../app/helpers'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
const haveData = existsSync(FMNIST)
if (!haveData) console.log(`skipping the queued evaluation test: ${FMNIST} is missing (apt-get install dataset-fashion-mnist)`)
// As tests/eval/cli.test.ts: a few seconds an epoch, still above chance after 2 epochs.
const TINY = ['C=4', 'layers=3', 'epochs=2', 'lr=0.1', 'limitTrain=400', 'limitTest=200']

const workerLog = (runDir: string): string =>
  existsSync(join(runDir, 'worker.log')) ? readFileSync(join(runDir, 'worker.log'), 'utf8').slice(-3000) : '(no worker.log)'

describe.skipIf(!haveData)('an evaluation in the run queue', () => {
  const dir = tmpDir()
  const store = openStore(join(dir, 'hdarts.db'))
  const service = new RunService({
    store,
    launcher: new ChildProcessLauncher(),
    runsDir: join(dir, 'runs'),
    cpuSlots: 1,
    gpus: [],
  })
  const app = new AppService({
    store,
    service,
    runsDir: join(dir, 'runs'),
    dbPath: join(dir, 'hdarts.db'),
    mode: 'browser',
    libraryDir: join(ROOT, 'resources/genotypes'),
  })
  afterAll(async () => {
    await service.shutdown({ stopWorkers: true, requeue: false })
    app.dispose()
    store.close()
  })

  it('is queued, runs, pauses and resumes from its checkpoint, and finishes with its result', { timeout: 150_000 }, async () => {
    const genotype = readFileSync(join(ROOT, 'resources/genotypes/darts.py'), 'utf8')
    const queued = (await app.handle('runs.evaluate', {
      genotype,
      name: 'DARTS_V2',
      preset: 'darts-eval-quick',
      sets: TINY,
    })) as RunSummary
    expect(queued).toMatchObject({ kind: 'eval', status: 'queued' })
    const id = queued.id

    let paused = false
    const statuses: string[] = []
    service.on('run-updated', (r) => {
      if (r.id === id && statuses.at(-1) !== r.status) statuses.push(r.status)
    })
    service.on('event', (runId, e) => {
      // After the first epoch's checkpoint: stop mid-epoch 1, so the resume must redo that epoch.
      if (runId === id && e.type === 'checkpoint' && e.epoch === 1 && !paused) {
        paused = true
        void app.handle('runs.pause', { id })
      }
    })
    service.start()
    const until = async (ok: () => boolean, what: string) => {
      const deadline = Date.now() + 120_000
      while (!ok()) {
        const row = store.getRun(id)!
        // A worker that cannot start says why in its log; no point waiting out the retries.
        if (Date.now() > deadline || row.status === 'failed' || row.status === 'interrupted')
          throw new Error(`waiting for ${what}: ${row.status} ${row.error ?? ''}\n${workerLog(row.runDir)}`)
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    await until(() => store.getRun(id)!.status === 'paused' && service.running.length === 0, 'the pause')
    expect(store.getRun(id)!.epochsDone).toBe(1)
    await app.handle('runs.resume', { id })
    await until(() => ['finished', 'failed', 'interrupted'].includes(store.getRun(id)!.status), 'the end')

    const row = store.getRun(id)!
    expect([row.status, row.error]).toEqual(['finished', null])
    expect(statuses).toEqual(['running', 'paused', 'queued', 'running', 'finished'])
    expect(row).toMatchObject({ kind: 'eval', method: 'eval', epochsDone: 2, epochsTotal: 2, progress: 1, bestValAcc: null })
    const events = readFileSync(join(row.runDir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as RunEvent)
    expect(events.filter((e) => e.type === 'evalEpoch').map((e) => e.epoch)).toEqual([0, 1])
    expect(events.some((e) => e.type === 'resumed' && e.epoch === 1)).toBe(true)

    const d = (await app.handle('runs.get', { id })) as RunDetail
    const testAcc = d.metrics.testAcc!
    expect(testAcc.map((p) => p.step)).toEqual([0, 1])
    expect(d.run.lastTestAcc).toBeCloseTo(testAcc[1]!.value, 6)
    expect(d.evaluation?.genotype.name).toBe('DARTS_V2')
    const result = d.evaluation!.result!
    expect(result.testAcc).toBeCloseTo(testAcc[1]!.value, 6)
    expect(result.testAcc).toBeGreaterThan(0.15) // chance is 0.1
    expect(result.params).toBeGreaterThan(0)
    expect(result.paramsWithAux).toBeGreaterThan(result.params)
    expect(result.flops).toBeGreaterThan(0)
  })
})
