/**
 * AppService, the typed API's backend, against a real Store and RunService (never started, so runs stay
 * queued): validation and error mapping, the run list with tags, notes and skip counts, run details,
 * the event log, tags, notes, deletion, live events, estimates, presets and the genotype library.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getPreset, PRESETS, settingKeys } from '../../src/core/config/search'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { countSearchNetwork } from '../../src/core/metrics/supernet'
import { ApiError, type LiveEvent, type RunDetail, type RunSummary } from '../../src/shared/api'
import { EventWriter } from '../store/synthetic'
import { makeApp } from './helpers'

const { app, store } = makeApp()
const call = (op: string, body: unknown = {}) => app.handle(op, body)
const failure = async (op: string, body: unknown) => {
  const err = await call(op, body).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ApiError)
  return err as ApiError
}
const grid = (seeds: number[], extra: Record<string, unknown> = {}) => ({
  grid: { name: 'g', methods: ['darts-1st-quick'], seeds, set: ['epochs=2'], ...extra },
})

describe('requests and errors', () => {
  it('refuses an invalid payload naming the field, and an unknown operation', async () => {
    const bad = await failure('runs.get', {})
    expect(bad.code).toBe('bad-request')
    expect(bad.message).toMatch(/^runs\.get: id: /)
    expect((await failure('runs.list', { status: ['done'] })).message).toMatch(/runs\.list: status\.0: /)
    expect((await failure('runs.list', { extra: 1 })).code).toBe('bad-request')
    expect((await failure('runs.nope', {})).code).toBe('not-found')
    expect((await failure('runs.get', { id: 'missing' })).code).toBe('not-found')
  })

  it('maps a bad preset or setting in a grid to bad-request with the reason', async () => {
    const e = await failure('runs.launch', { grid: { name: 'x', methods: ['no-such'], seeds: [0] } })
    expect(e.code).toBe('bad-request')
    expect(e.message).toMatch(/unknown preset 'no-such'/)
    expect((await failure('runs.launch', grid([0], { set: ['nope=1'] }))).message).toMatch(/unknown setting 'nope'/)
    expect((await failure('runs.estimate', { preset: 'darts-1st-quick', sets: ['epochs=0'] })).message).toMatch(/epochs/)
  })
})

describe('runs', () => {
  let ids: string[] = []

  it('launches a grid as one experiment', async () => {
    const r = (await call('runs.launch', grid([0, 1]))) as { experimentId: number; runIds: string[] }
    expect(r.runIds).toHaveLength(2)
    ids = r.runIds
    expect(await call('experiments.list')).toEqual([expect.objectContaining({ id: r.experimentId, name: 'g', runs: 2 })])
    const list = (await call('runs.list', { experimentId: r.experimentId })) as RunSummary[]
    expect(list.map((s) => s.id).sort()).toEqual([...ids].sort())
    expect(list.every((s) => s.status === 'queued' && s.skipsNormal === null && s.note === null)).toBe(true)
  })

  it('lists with skips from the latest epoch, tags and notes, in bulk', async () => {
    const w = new EventWriter()
    w.started(3)
    for (let e = 0; e < 3; e++) w.epoch(e)
    store.ingestEvents(ids[0]!, w.events)
    await call('runs.tag', { id: ids[0], key: 'lambda', value: '0.1' })
    await call('runs.note', { id: ids[1], text: 'looks odd' })
    const list = (await call('runs.list', {})) as RunSummary[]
    const a = list.find((s) => s.id === ids[0])!
    expect(a).toMatchObject({ skipsNormal: 2, skipsReduce: 0, tags: { lambda: '0.1' }, epochsDone: 3 })
    expect(list.find((s) => s.id === ids[1])!.note).toBe('looks odd')
    expect(((await call('runs.list', { query: 'lambda' })) as RunSummary[]).map((s) => s.id)).toEqual([ids[0]])
    const untagged = (await call('runs.tag', { id: ids[0], key: 'lambda', value: null })) as RunSummary
    expect(untagged.tags).toEqual({})
  })

  it('lists 250 runs', async () => {
    for (let i = 0; i < 250; i++)
      store.insertRun({ ...store.getRun(ids[1]!)!, id: `bulk-${i}`, experimentId: null, status: 'finished' })
    const list = (await call('runs.list', { status: ['finished'] })) as RunSummary[]
    expect(list).toHaveLength(250)
  })

  it('gets a run with every metric series, α, genotypes, method matrices and checkpoints', async () => {
    const d = (await call('runs.get', { id: ids[0] })) as RunDetail
    expect(d.metrics.valAcc!.map((p) => p.step)).toEqual([0, 1, 2])
    expect(Object.keys(d.metrics)).toEqual(expect.arrayContaining(['trainLoss', 'skipsNormal', 'm.prS', 'm.tau']))
    expect(d.alphas).toHaveLength(6)
    expect(d.alphas[0]).toMatchObject({ epoch: 0, cell: 'normal' })
    expect(d.genotypes).toHaveLength(3)
    expect(d.methodMatrices.map((m) => m.name)).toContain('gatesNormal')
    expect(d.checkpoints).toHaveLength(3)
    expect(d.weights).toBe(1000)
    expect(d.params.epochs).toBe('2')
  })

  it('compares runs: series per key, latest values, params', async () => {
    const c = (await call('runs.compare', { ids: [ids[0], ids[1], 'unknown'], keys: ['valAcc'] })) as {
      runs: { run: RunSummary; series: Record<string, unknown[]>; latest: Record<string, number>; seconds: number | null }[]
    }
    expect(c.runs.map((r) => r.run.id)).toEqual([ids[0], ids[1]])
    expect(c.runs[0]!.series.valAcc).toHaveLength(3)
    expect(c.runs[1]!.series.valAcc).toEqual([])
    expect(c.runs[0]!.latest.valAcc).toBeCloseTo(0.32)
    expect(c.runs[1]!.run.note).toBe('looks odd')
  })

  it('reads the event log from afterSeq, at most limit events', async () => {
    const row = store.getRun(ids[0]!)!
    const w = new EventWriter()
    w.started(2)
    w.epoch(0)
    writeFileSync(join(row.runDir, 'events.jsonl'), w.events.map((e) => JSON.stringify(e) + '\n').join('') + '{"torn')
    const all = (await call('runs.events', { id: ids[0] })) as { events: { seq: number }[]; lastSeq: number }
    expect(all.events.map((e) => e.seq)).toEqual(w.events.map((e) => e.seq))
    const page = (await call('runs.events', { id: ids[0], afterSeq: 2, limit: 2 })) as typeof all
    expect(page.events.map((e) => e.seq)).toEqual([3, 4])
    expect(page.lastSeq).toBe(4)
    expect(((await call('runs.events', { id: ids[0], afterSeq: 99 })) as typeof all).lastSeq).toBe(99)
  })

  it('pauses a queued run and refuses to pause it twice (conflict)', async () => {
    expect(((await call('runs.pause', { id: ids[1] })) as RunSummary).status).toBe('paused')
    const e = await failure('runs.pause', { id: ids[1] })
    expect(e.code).toBe('conflict')
    expect(((await call('runs.resume', { id: ids[1] })) as RunSummary).status).toBe('queued')
  })

  it('duplicates a run with extra settings', async () => {
    const d = (await call('runs.duplicate', { id: ids[1], sets: ['epochs=3'] })) as RunSummary
    expect(d.id).not.toBe(ids[1])
    expect(store.getRun(d.id)!.config.epochs).toBe(3)
  })

  it('pushes live events and deletes only with confirm', async () => {
    const seen: LiveEvent[] = []
    const off = app.subscribe((e) => seen.push(e))
    await call('runs.note', { id: ids[0], text: 'hi' })
    expect(seen.at(-1)).toMatchObject({ type: 'run-updated', run: { id: ids[0], note: 'hi' } })
    expect((await failure('runs.delete', { id: ids[0], deleteFiles: false })).message).toMatch(/confirm/)
    expect((await failure('runs.delete', { id: ids[0], confirm: false, deleteFiles: false })).code).toBe('bad-request')
    const del = await call('runs.delete', { id: ids[0], confirm: true, deleteFiles: true })
    expect(del).toEqual({ id: ids[0], filesDeleted: true })
    expect(seen.at(-1)).toEqual({ type: 'run-deleted', id: ids[0] })
    expect((await failure('runs.get', { id: ids[0] })).code).toBe('not-found')
    off()
    await call('runs.note', { id: ids[1], text: 'unseen' })
    expect(seen.at(-1)).toEqual({ type: 'run-deleted', id: ids[0] })
  })
})

describe('static data', () => {
  it('app.info and presets.list with help for every setting', async () => {
    expect(await call('app.info')).toMatchObject({ name: 'HDARTS Studio', mode: 'browser', cpuSlots: 1, gpus: [] })
    const p = (await call('presets.list')) as { presets: { name: string }[]; settings: { key: string; help: string }[] }
    expect(p.presets.map((x) => x.name)).toEqual(PRESETS.map((x) => x.name))
    expect(p.settings.map((s) => s.key)).toEqual(settingKeys())
    expect(p.settings.every((s) => s.help.length > 10)).toBe(true)
  })

  it('estimates weights from the supernet, memory from the model, seconds from finished runs', async () => {
    const c = getPreset('darts-1st-quick').config
    const e = (await call('runs.estimate', { preset: 'darts-1st-quick' })) as {
      weights: number
      memoryBytes: number
      seconds: number | null
      basis: string
    }
    expect(e.weights).toBe(countSearchNetwork({ channels: c.C, layers: c.layers, inputSize: 16, inputChannels: 1 }).weights)
    expect(e.memoryBytes).toBeGreaterThan(100 * 2 ** 20)
    expect(e.seconds).toBeNull()
    expect(e.basis).toBe('no finished run of this preset yet')
    const bigger = (await call('runs.estimate', { preset: 'darts-1st-quick', sets: ['batchSize=256'] })) as typeof e
    expect(bigger.memoryBytes).toBeGreaterThan(e.memoryBytes)
    // A finished run of the preset: 2 epochs × 6000 images in 120 s.
    const { runIds } = (await call('runs.launch', grid([7]))) as { runIds: string[] }
    store.updateRun(runIds[0]!, { status: 'finished', startedAt: 1_000_000, endedAt: 1_120_000 })
    const timed = (await call('runs.estimate', { preset: 'darts-1st-quick', sets: ['epochs=4'] })) as typeof e
    expect(timed.seconds).toBe(240)
    expect(timed.basis).toMatch(/median of 1 finished run of darts-1st-quick/)
  })

  it('lists the genotype library, one parseable entry per named genotype', async () => {
    const lib = (await call('genotypes.library')) as { file: string; name: string; text: string }[]
    expect(lib.map((g) => g.name)).toEqual(expect.arrayContaining(['DARTS_V1', 'DARTS_V2', 'PC_DARTS_cifar', 'PRDARTS']))
    for (const g of lib) expect(parseGenotypes(g.text).map((x) => x.name)).toEqual([g.name])
  })
})
