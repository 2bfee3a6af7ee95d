/**
 * End to end through the wire: a real RunService forks real workers (ChildProcessLauncher) for a tiny
 * search on the real Fashion-MNIST; the grid is launched by POST, progress arrives over the WebSocket,
 * and once the runs finish every read operation agrees with the others and with the run directories.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { AppService } from '../../src/main/app'
import { ChildProcessLauncher } from '../../src/main/runs/launcher'
import { RunService } from '../../src/main/runs/service'
import { openStore } from '../../src/main/store'
import { startServer } from '../../src/server'
import type { CompareResponse, LiveEvent, RunDetail, RunSummary } from '../../src/shared/api'
import { ROOT, tmpDir } from '../app/helpers'
import { openWs, post } from './http'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
const haveData = existsSync(FMNIST)
if (!haveData) console.log(`skipping the serve end-to-end test: ${FMNIST} is missing (apt-get install dataset-fashion-mnist)`)

const SETS = ['limitPerHalf=64', 'epochs=2', 'C=2', 'imageSize=8', 'batchSize=16']
const TOKEN = 'e2e-token-abcdefghijklmnop'

describe.skipIf(!haveData)('hdarts serve end to end', () => {
  const dir = tmpDir()
  const store = openStore(join(dir, 'hdarts.db'))
  const service = new RunService({
    store,
    launcher: new ChildProcessLauncher(),
    runsDir: join(dir, 'runs'),
    cpuSlots: 2,
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
  let close = async () => {}
  afterAll(async () => {
    await close()
    await service.shutdown({ stopWorkers: true, requeue: false })
    app.dispose()
    store.close()
  })

  it('launches a grid, streams live events, and reads back consistent results', { timeout: 200_000 }, async () => {
    service.start()
    const srv = await startServer({ app, staticDir: join(dir, 'no-ui'), token: TOKEN })
    close = srv.close
    const port = srv.port
    const call = async <T>(op: string, body: unknown): Promise<T> => {
      const r = await post(port, TOKEN, op, body)
      expect(r.status, `${op}: ${r.body}`).toBe(200)
      return r.json() as T
    }
    const ws = await openWs(`ws://127.0.0.1:${port}/api/live?token=${TOKEN}`)
    const live: LiveEvent[] = []
    ws.on('message', (m) => live.push(JSON.parse(String(m)) as LiveEvent))

    const grid = { name: 'e2e', methods: ['darts-1st-quick'], seeds: [0, 1], set: SETS }
    const { experimentId, runIds } = await call<{ experimentId: number; runIds: string[] }>('runs.launch', { grid })
    expect(runIds).toHaveLength(2)

    const ended = (s: RunSummary) => ['finished', 'failed', 'cancelled', 'interrupted'].includes(s.status)
    const deadline = Date.now() + 150_000
    let list: RunSummary[] = []
    while (Date.now() < deadline) {
      list = await call<RunSummary[]>('runs.list', { experimentId })
      if (list.length === 2 && list.every(ended)) break
      await new Promise((r) => setTimeout(r, 500))
    }
    expect(list.map((s) => [s.status, s.error])).toEqual([
      ['finished', null],
      ['finished', null],
    ])

    // Live: row updates and worker events of both runs, the finish among them.
    for (const id of runIds) {
      expect(live.some((e) => e.type === 'run-updated' && e.run.id === id && e.run.status === 'running')).toBe(true)
      expect(live.some((e) => e.type === 'run-updated' && e.run.id === id && e.run.status === 'finished')).toBe(true)
      const types = live.filter((e) => e.type === 'run-event' && e.runId === id).map((e) => (e as { event: RunEvent }).event.type)
      expect(types).toEqual(expect.arrayContaining(['started', 'epoch', 'finished']))
    }

    for (const s of list) {
      expect(s).toMatchObject({
        experimentId,
        preset: 'darts-1st-quick',
        dataset: 'fashion-mnist',
        epochsDone: 2,
        epochsTotal: 2,
      })
      expect(s.skipsNormal).not.toBeNull()
      expect(s.bestValAcc).toBeGreaterThan(0)
      expect(s.finalGenotype).toMatch(/^Genotype\(/)

      const d = await call<RunDetail>('runs.get', { id: s.id })
      expect(d.metrics.valAcc!.map((p) => p.step)).toEqual([0, 1])
      expect(d.metrics.valAcc!.at(-1)!.value).toBeCloseTo(s.lastValAcc!, 10)
      expect(d.alphas.map((a) => `${a.epoch}${a.cell}`)).toEqual(['0normal', '0reduce', '1normal', '1reduce'])
      expect(d.genotypes).toHaveLength(2)
      expect(d.checkpoints.length).toBeGreaterThanOrEqual(2)
      expect(d.params.limitPerHalf).toBe('64')

      const log = await call<{ events: RunEvent[]; lastSeq: number }>('runs.events', { id: s.id, limit: 5000 })
      expect(log.events[0]!.type).toBe('started')
      expect(log.events.at(-1)!.type).toBe('finished')
      expect(log.lastSeq).toBe(log.events.at(-1)!.seq)
      expect(log.events.filter((e) => e.type === 'epoch')).toHaveLength(2)
      // What came over the socket is what the run directory holds.
      const streamed = live.filter((e) => e.type === 'run-event' && e.runId === s.id).map((e) => (e as { event: RunEvent }).event)
      const bySeq = new Map(log.events.map((e) => [e.seq, e]))
      for (const e of streamed) expect(bySeq.get(e.seq)).toEqual(e)
    }

    const cmp = await call<CompareResponse>('runs.compare', { ids: runIds })
    expect(cmp.runs.map((r) => r.run.id)).toEqual(runIds)
    for (const r of cmp.runs) {
      expect(r.series.valAcc).toHaveLength(2)
      expect(r.series.skipsNormal).toHaveLength(2)
      expect(r.latest.valAcc).toBeCloseTo(r.run.lastValAcc!, 10)
      expect(r.seconds).toBeGreaterThan(0)
    }

    // Deleting needs confirm; with it, the run (and its files) go and the socket says so.
    const refused = await post(port, TOKEN, 'runs.delete', { id: runIds[0], deleteFiles: true })
    expect(refused.status).toBe(400)
    expect(refused.json().error.message).toMatch(/confirm/)
    const runDir = store.getRun(runIds[0]!)!.runDir
    expect(await call('runs.delete', { id: runIds[0], confirm: true, deleteFiles: true })).toEqual({
      id: runIds[0],
      filesDeleted: true,
    })
    expect(existsSync(runDir)).toBe(false)
    await new Promise((r) => setTimeout(r, 100))
    expect(live.at(-1)).toEqual({ type: 'run-deleted', id: runIds[0] })
    expect((await call<RunSummary[]>('runs.list', { experimentId })).map((s) => s.id)).toEqual([runIds[1]])
    ws.close()
  })
})
