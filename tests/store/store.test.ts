import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultDbPath, openStore, StoreError, type Store } from '../../src/main/store'
import { EventWriter, newRun, tmpDir } from './helpers'

const fresh = (): Store => openStore(join(tmpDir(), 'hdarts.db'))

/** A finished run with `epochs` epochs and final valAcc `acc`. */
function finished(store: Store, id: string, acc: number, over: Parameters<typeof newRun>[1] = {}): void {
  store.insertRun(newRun(id, over))
  const w = new EventWriter()
  w.started(2)
  w.epoch(0, { valAcc: acc - 0.1 })
  w.epoch(1, { valAcc: acc })
  w.emit({ type: 'finished', genotype: 'G', valAcc: acc, seconds: 1 })
  store.ingestEvents(id, w.events)
}

describe('defaultDbPath', () => {
  it('honours HDARTS_DB, then the app home', () => {
    expect(defaultDbPath({ HDARTS_DB: '/x/my.db', HDARTS_HOME: '/h' }, 'linux', '/home/u')).toBe('/x/my.db')
    expect(defaultDbPath({ HDARTS_HOME: '/h' }, 'linux', '/home/u')).toBe('/h/hdarts.db')
    expect(defaultDbPath({}, 'linux', '/home/u')).toBe('/home/u/.local/share/hdarts-studio/hdarts.db')
    expect(defaultDbPath({ APPDATA: 'C:\\R' }, 'win32', 'C:\\Users\\u')).toBe('C:\\R\\hdarts-studio\\hdarts.db')
  })
})

describe('runs', () => {
  it('insert, get, update and list', () => {
    const store = fresh()
    const exp = store.createExperiment({ name: 'grid', grid: { seed: [0, 1] } })
    expect(store.getExperiment(exp)).toMatchObject({ name: 'grid', grid: { seed: [0, 1] } })
    expect(store.listExperiments()).toHaveLength(1)
    store.insertRun(newRun('20261128-010000-darts-s0-aaaa', { experimentId: exp, createdAt: 1 }))
    store.insertRun(newRun('20261128-020000-pcdarts-s1-bbbb', { method: 'pc-darts', seed: 1, createdAt: 2 }))
    expect(() => store.insertRun(newRun('20261128-010000-darts-s0-aaaa'))).toThrow('already exists')
    expect(() => store.insertRun(newRun('bad', { status: 'nope' as never }))).toThrow(StoreError)
    expect(() => store.insertRun(newRun('bad', { experimentId: 99 }))).toThrow('unknown experiment 99')

    const r = store.getRun('20261128-010000-darts-s0-aaaa')!
    expect(r).toMatchObject({ status: 'queued', priority: 0, attempts: 0, experimentId: exp, lastSeq: 0, epochsDone: 0 })
    expect(r.config).toMatchObject({ lr: 0.025 })
    expect(store.getRun('nope')).toBeUndefined()

    store.updateRun(r.id, { status: 'running', pid: 1234, attempts: 1, startedAt: 10, device: 'cpu' })
    expect(store.getRun(r.id)).toMatchObject({ status: 'running', pid: 1234, attempts: 1, startedAt: 10, device: 'cpu' })
    store.updateRun(r.id, { pid: null })
    expect(store.getRun(r.id)!.pid).toBeNull()
    expect(() => store.updateRun('nope', { pid: 1 })).toThrow('unknown run nope')
    expect(() => store.updateRun(r.id, { status: 'done' as never })).toThrow('unknown run status "done"')

    expect(store.listRuns().map((x) => x.seed)).toEqual([1, 0]) // newest first
    expect(store.listRuns({ status: ['running'] }).map((x) => x.id)).toEqual([r.id])
    expect(store.listRuns({ experimentId: exp }).map((x) => x.id)).toEqual([r.id])
    expect(store.listRuns({ query: 'PCDARTS' })).toHaveLength(1)
    store.setTag(r.id, 'note', 'baseline_50%')
    expect(store.listRuns({ query: 'line_50%' }).map((x) => x.id)).toEqual([r.id])
    expect(store.listRuns({ query: 'line_5%' })).toHaveLength(0) // % and _ are literal
  })

  it('find by unique prefix or suffix, and say what is ambiguous', () => {
    const store = fresh()
    for (const id of ['20261128-010000-a-s0-aaaa', '20261128-010000-a-s1-bbbb', '20261129-010000-a-s0-cccc'])
      store.insertRun(newRun(id))
    expect(store.findRun('20261129').id).toBe('20261129-010000-a-s0-cccc')
    expect(store.findRun('bbbb').id).toBe('20261128-010000-a-s1-bbbb')
    expect(store.findRun('20261128-010000-a-s1-bbbb').id).toBe('20261128-010000-a-s1-bbbb')
    expect(() => store.findRun('20261128')).toThrow('"20261128" matches 2 runs')
    expect(() => store.findRun('zzz')).toThrow('no run matches "zzz"')
    expect(() => store.findRun('%')).toThrow('no run matches')
  })

  it('queue in priority order, then oldest first', () => {
    const store = fresh()
    store.insertRun(newRun('a', { createdAt: 1 }))
    store.insertRun(newRun('b', { createdAt: 2, priority: 5 }))
    store.insertRun(newRun('c', { createdAt: 3 }))
    store.insertRun(newRun('d', { createdAt: 0, status: 'running' }))
    expect(store.nextQueued(10).map((r) => r.id)).toEqual(['b', 'a', 'c'])
    expect(store.nextQueued(1).map((r) => r.id)).toEqual(['b'])
  })

  it('delete a run with every row that hangs off it', () => {
    const store = fresh()
    finished(store, 'r1', 0.5)
    store.setTag('r1', 'k', 'v')
    store.setNote('r1', 'hello')
    store.addArtifact({ runId: 'r1', path: 'genotype.pdf', kind: 'figure', bytes: 10 })
    finished(store, 'r2', 0.6)
    store.deleteRun('r1')
    expect(store.getRun('r1')).toBeUndefined()
    expect(store.metricSeries(['r1'], 'valAcc')).toEqual([])
    expect(store.alphaSnapshots('r1')).toEqual([])
    expect(store.tags('r1')).toEqual({})
    expect(store.note('r1')).toBeNull()
    expect(store.artifacts('r1')).toEqual([])
    expect(store.metricSeries(['r2'], 'valAcc')).toHaveLength(2)
    expect(() => store.deleteRun('r1')).toThrow(StoreError)
    expect(store.integrityCheck()).toBe('ok')
  })
})

describe('tags, notes, artifacts', () => {
  it('set, replace, delete', () => {
    const store = fresh()
    store.insertRun(newRun('r1'))
    store.setTag('r1', 'paper', 'yes')
    store.setTag('r1', 'paper', 'no')
    store.setTag('r1', 'z', '1')
    expect(store.tags('r1')).toEqual({ paper: 'no', z: '1' })
    store.deleteTag('r1', 'z')
    expect(store.tags('r1')).toEqual({ paper: 'no' })
    expect(store.note('r1')).toBeNull()
    store.setNote('r1', 'first')
    store.setNote('r1', 'second')
    expect(store.note('r1')).toBe('second')
    store.setNote('r1', null)
    expect(store.note('r1')).toBeNull()
    store.addArtifact({ runId: 'r1', path: 'a.svg', kind: 'figure', bytes: null, createdAt: 5 })
    expect(store.artifacts('r1')).toEqual([{ runId: 'r1', path: 'a.svg', kind: 'figure', bytes: null, createdAt: 5 }])
    expect(() => store.setTag('nope', 'k', 'v')).toThrow('unknown run nope')
    expect(store.tags('nope')).toEqual({})
  })
})

describe('dashboard queries', () => {
  it('series, latest, compare table and grouped finals', () => {
    const store = fresh()
    finished(store, 'd0', 0.5, { createdAt: 1 })
    finished(store, 'd1', 0.7, { createdAt: 2, config: { method: 'darts', seed: 1 } })
    finished(store, 'p0', 0.6, { createdAt: 3, method: 'pc-darts', config: { method: 'pc-darts', seed: 0 } })
    store.insertRun(newRun('q', { createdAt: 4, config: { method: 'darts' } })) // queued: not in the finals
    store.setTag('d0', 'paper', 'yes')

    expect(store.metricSeries(['p0', 'd0'], 'valAcc').map((p) => [p.runId, p.step])).toEqual([
      ['p0', 0],
      ['p0', 1],
      ['d0', 0],
      ['d0', 1],
    ])
    expect(store.metricSeries(['d0'], 'nope')).toEqual([])
    const latest = store.latestMetrics(['d0', 'p0', 'q'])
    expect(Object.keys(latest).sort()).toEqual(['d0', 'p0'])
    expect(latest.d0!.valAcc).toBe(0.5)

    const table = store.compareTable(['p0', 'nope', 'd0'])
    expect(table.map((r) => r.run.id)).toEqual(['p0', 'd0'])
    expect(table[1]).toMatchObject({ params: { method: 'darts' }, latest: { valAcc: 0.5 }, tags: { paper: 'yes' } })

    const groups = store.groupedFinal('method')
    expect(groups.map((g) => [g.value, g.count, g.runIds])).toEqual([
      ['darts', 2, ['d0', 'd1']],
      ['pc-darts', 1, ['p0']],
    ])
    expect(groups[0]!.mean).toBeCloseTo(0.6)
    expect(groups[0]!.std).toBeCloseTo(Math.sqrt(0.02))
    expect(groups[0]).toMatchObject({ min: 0.5, max: 0.7 })
    expect(store.groupedFinal('seed', { runIds: ['d0', 'd1', 'q'] }).map((g) => [g.value, g.count])).toEqual([
      ['0', 1],
      ['1', 1],
    ])
    expect(store.groupedFinal('method', { status: ['queued'], metric: 'trainAcc' })).toEqual([
      { value: 'darts', runIds: ['q'], count: 1, mean: null, std: null, min: null, max: null },
    ])
    expect(store.groupedFinal('nope').map((g) => [g.value, g.count])).toEqual([[null, 3]])
  })
})
