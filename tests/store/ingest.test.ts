import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { openStore, StoreError, type Store } from '../../src/main/store'
import { BACKEND, EventWriter, newRun, tmpDir, writeRunDir } from './helpers'

const fresh = (): Store => openStore(join(tmpDir(), 'hdarts.db'))

/** Every derived row of a run, for comparing final states. */
function snapshot(store: Store, id: string) {
  const keys = store.metricKeys([id])
  const { lastSeq, ...run } = store.getRun(id)!
  void lastSeq
  return {
    run,
    series: Object.fromEntries(keys.map((k) => [k, store.metricSeries([id], k)])),
    latest: store.latestMetrics([id]),
    alphas: store.alphaSnapshots(id),
    matrices: store.methodMatrices(id),
    genotypes: store.genotypes(id),
    checkpoints: store.checkpoints(id),
  }
}

describe('ingestEvents', () => {
  it('is idempotent: the same events twice give the same rows', () => {
    const store = fresh()
    store.insertRun(newRun('r1'))
    const w = new EventWriter()
    w.started(3)
    for (let e = 0; e < 3; e++) w.epoch(e)
    w.emit({ type: 'finished', genotype: 'G', valAcc: 0.32, seconds: 90 })
    expect(store.ingestEvents('r1', w.events)).toEqual({ added: w.events.length, skipped: 0, deferred: 0 })
    const once = snapshot(store, 'r1')
    expect(store.ingestEvents('r1', w.events)).toEqual({ added: 0, skipped: w.events.length, deferred: 0 })
    expect(store.ingestEvents('r1', w.events.slice(4, 9))).toEqual({ added: 0, skipped: 5, deferred: 0 })
    expect(snapshot(store, 'r1')).toEqual(once)
    expect(once.run).toMatchObject({
      status: 'finished',
      epochsDone: 3,
      epochsTotal: 3,
      bestValAcc: 0.32,
      finalGenotype: 'G',
      progress: 1,
    })
    expect(once.series.valAcc!.map((p) => p.step)).toEqual([0, 1, 2])
    expect(once.series['m.prS']).toHaveLength(3)
    expect(once.alphas).toHaveLength(6)
    expect(once.alphas[0]!.matrix).toHaveLength(14)
    expect(once.matrices.map((m) => [m.name, m.epoch])).toEqual([
      ['gatesNormal', 0],
      ['gatesNormal', 1],
      ['gatesNormal', 2],
    ])
    expect(store.getRun('r1')!.lastSeq).toBe(w.events.length)
  })

  it('round-trips NaN and ±Infinity in metrics and matrices', () => {
    const store = fresh()
    store.insertRun(newRun('r1'))
    const w = new EventWriter()
    w.started(3)
    w.epoch(0, { valAcc: NaN })
    w.epoch(1, { valAcc: Infinity })
    w.epoch(2, { valAcc: -Infinity })
    w.emit({
      type: 'method',
      epoch: 2,
      scalars: { big: Number.MAX_VALUE, nan: NaN },
      matrices: { m: [[NaN, Infinity, -Infinity, 0.5]] },
    })
    store.ingestEvents('r1', w.events)
    expect(store.metricSeries(['r1'], 'valAcc').map((p) => p.value)).toEqual([NaN, Infinity, -Infinity])
    expect(store.latestMetrics(['r1']).r1).toMatchObject({ valAcc: -Infinity, 'm.big': Number.MAX_VALUE, 'm.nan': NaN })
    expect(store.methodMatrices('r1', 'm')[0]!.matrix).toEqual([[NaN, Infinity, -Infinity, 0.5]])
    expect(store.getRun('r1')).toMatchObject({ bestValAcc: null, lastValAcc: null })
  })

  it('reads null (how JSON writes NaN and Infinity) as NaN', () => {
    const store = fresh()
    store.insertRun(newRun('r1'))
    const w = new EventWriter()
    w.started(1)
    w.epoch(0, { valAcc: NaN })
    const viaJson = JSON.parse(JSON.stringify(w.events)) as RunEvent[]
    store.ingestEvents('r1', viaJson)
    expect(store.metricSeries(['r1'], 'valAcc')[0]!.value).toBeNaN()
  })

  it('drops what a resume discarded: every epoch exactly once', () => {
    const store = fresh()
    store.insertRun(newRun('r1'))
    // Generation A: epochs 0..3 (seq 1..25), then a crash. The checkpoint of epoch 2 recorded seq 13.
    const a = new EventWriter()
    a.started(6)
    for (let e = 0; e < 4; e++) a.epoch(e)
    expect(a.seq).toBe(25)
    store.ingestEvents('r1', a.events.slice(0, 20))
    expect(store.getRun('r1')!.lastSeq).toBe(20)
    // The worker cuts its log after seq 13 (end of epoch 1, checkpoint) and replays from epoch 2.
    const b = new EventWriter(13, a.time + 10_000)
    b.emit({ type: 'resumed', epoch: 2, step: 0, backend: BACKEND, discardedAfterSeq: 13 })
    for (let e = 2; e < 6; e++) b.epoch(e, { valAcc: 0.5 + e / 100 })
    b.emit({ type: 'finished', genotype: 'G2', valAcc: 0.55, seconds: 1 })
    expect(store.ingestEvents('r1', b.events)).toEqual({ added: b.events.length, skipped: 0, deferred: 0 })

    const valAcc = store.metricSeries(['r1'], 'valAcc')
    expect(valAcc.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5])
    expect(valAcc.map((p) => p.value)).toEqual([0.3, 0.31, 0.52, 0.53, 0.54, 0.55])
    expect(store.genotypes('r1').map((g) => g.epoch)).toEqual([0, 1, 2, 3, 4, 5])
    expect(store.alphaSnapshots('r1').map((s) => s.epoch)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    expect(store.checkpoints('r1').map((c) => c.epoch)).toEqual([1, 2, 3, 4, 5, 6])
    expect(store.getRun('r1')).toMatchObject({ status: 'finished', epochsDone: 6, bestValAcc: 0.55, lastSeq: b.seq })

    // Re-reading the whole final log (as an import would) changes nothing: the resume is recognised.
    const before = snapshot(store, 'r1')
    const log = [...a.events.slice(0, 13), ...b.events]
    expect(store.ingestEvents('r1', log)).toEqual({ added: 0, skipped: log.length, deferred: 0 })
    expect(snapshot(store, 'r1')).toEqual(before)
  })

  it('restarts from nothing when resumed without a checkpoint', () => {
    const store = fresh()
    store.insertRun(newRun('r1'))
    const a = new EventWriter()
    a.started(3)
    a.epoch(0)
    a.emit({ type: 'failed', reason: 'error', message: 'boom' })
    store.ingestEvents('r1', a.events)
    expect(store.getRun('r1')).toMatchObject({ status: 'failed', error: 'boom', statusReason: 'error' })
    const b = new EventWriter(0, a.time + 1000)
    b.emit({ type: 'resumed', epoch: 0, step: 0, backend: BACKEND, discardedAfterSeq: 0 })
    b.started(3)
    store.ingestEvents('r1', b.events)
    expect(store.getRun('r1')).toMatchObject({ status: 'running', error: null, epochsDone: 0, bestValAcc: null, lastSeq: 2 })
    expect(store.metricKeys(['r1'])).toEqual([])
  })

  it('defers events after a gap and applies them once the gap is filled', () => {
    const store = fresh()
    store.insertRun(newRun('r1'))
    const w = new EventWriter()
    w.started(2)
    w.epoch(0)
    expect(store.ingestEvents('r1', w.events.slice(3))).toEqual({ added: 0, skipped: 0, deferred: w.events.length - 3 })
    expect(store.ingestEvents('r1', w.events.slice(0, 3))).toEqual({ added: 3, skipped: 0, deferred: 0 })
    expect(store.ingestEvents('r1', [...w.events].reverse())).toEqual({ added: w.events.length - 3, skipped: 3, deferred: 0 })
  })

  it('keeps a pause or cancel set by the service when the worker stops', () => {
    const store = fresh()
    for (const id of ['p', 'c', 'x']) store.insertRun(newRun(id))
    for (const [id, status] of [
      ['p', 'paused'],
      ['c', 'cancelled'],
    ] as const) {
      store.updateRun(id, { status })
    }
    for (const id of ['p', 'c', 'x']) {
      const w = new EventWriter()
      w.started(3)
      if (id !== 'x') store.ingestEvents(id, w.events)
      if (id === 'p') store.updateRun(id, { status: 'paused', statusReason: 'paused by user' })
      if (id === 'c') store.updateRun(id, { status: 'cancelled' })
      w.emit({ type: 'stopped', signal: 'SIGTERM', epoch: 0, step: 3 })
      store.ingestEvents(id, id === 'x' ? w.events : w.events.slice(1))
    }
    expect(store.getRun('p')).toMatchObject({ status: 'paused', statusReason: 'paused by user', endedAt: null })
    expect(store.getRun('c')!.status).toBe('cancelled')
    expect(store.getRun('c')!.endedAt).not.toBeNull()
    expect(store.getRun('x')).toMatchObject({ status: 'interrupted', statusReason: 'stopped by SIGTERM' })
  })

  it('refuses events for an unknown run and bad seqs', () => {
    const store = fresh()
    expect(() => store.ingestEvents('nope', [])).toThrow('unknown run nope')
    store.insertRun(newRun('r1'))
    expect(() => store.ingestEvents('r1', [{ seq: 0, time: 1, type: 'stopped', signal: 'x', epoch: 0, step: 0 }])).toThrow(
      StoreError,
    )
  })
})

describe('ingestRunDir', () => {
  const events = (epochs: number): EventWriter => {
    const w = new EventWriter()
    w.started(epochs)
    for (let e = 0; e < epochs; e++) w.epoch(e)
    return w
  }

  it('registers an unknown run from run.json and reads only new lines after that', () => {
    const store = fresh()
    const root = tmpDir()
    const w = events(2)
    const dir = writeRunDir(root, 'imported-1', w.events.slice(0, 5))
    const exp = store.createExperiment({ name: 'cluster', grid: { seeds: [0, 1] } })
    expect(store.ingestRunDir(dir, { experimentId: exp })).toEqual({
      runId: 'imported-1',
      added: 5,
      skipped: 0,
      deferred: 0,
      truncatedLine: false,
      damage: null,
    })
    const run = store.getRun('imported-1')!
    expect(run).toMatchObject({
      experimentId: exp,
      runDir: dir,
      preset: 'darts-1st-quick',
      method: 'darts',
      status: 'running',
      createdAt: Date.parse('2026-11-28T01:35:01.000Z'),
    })
    expect(store.params('imported-1')).toMatchObject({ method: 'darts', lr: '0.025', unrolled: 'false', imageSize: 'null' })
    // Only what follows the last line read is read again: garbage written over the first line goes unseen.
    const file = join(dir, 'events.jsonl')
    const text = readFileSync(file, 'utf8')
    const first = text.indexOf('\n')
    writeFileSync(file, 'x'.repeat(first) + text.slice(first))
    appendFileSync(
      file,
      w.events
        .slice(5)
        .map((e) => JSON.stringify(e) + '\n')
        .join(''),
    )
    expect(store.ingestRunDir(dir)).toMatchObject({ added: w.events.length - 5, skipped: 0 })
    expect(store.ingestRunDir(dir)).toMatchObject({ added: 0, skipped: 0, truncatedLine: false })
    expect(store.metricSeries(['imported-1'], 'valAcc')).toHaveLength(2)
  })

  it('ignores and reports a torn last line, then reads it once it is complete', () => {
    const store = fresh()
    const w = events(2)
    const last = JSON.stringify(w.events.at(-1))
    const dir = writeRunDir(tmpDir(), 'r1', w.events.slice(0, -1), last.slice(0, 17))
    expect(store.ingestRunDir(dir)).toMatchObject({ added: w.events.length - 1, truncatedLine: true })
    appendFileSync(join(dir, 'events.jsonl'), last.slice(17) + '\n')
    expect(store.ingestRunDir(dir)).toMatchObject({ added: 1, skipped: 0, truncatedLine: false })
  })

  it('ignores a garbled last line even with its newline', () => {
    const store = fresh()
    const w = events(1)
    const dir = writeRunDir(tmpDir(), 'r1', w.events, '{"seq": 99, "garbled\n\n')
    expect(store.ingestRunDir(dir)).toMatchObject({ added: w.events.length, truncatedLine: true })
  })

  it('takes the events before garbage in the middle and names file:line for the rest (one rule with the worker)', () => {
    const store = fresh()
    const w = events(1)
    const dir = writeRunDir(tmpDir(), 'r1', [])
    const lines = w.events.map((e) => JSON.stringify(e))
    lines.splice(3, 0, 'not json at all')
    writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n')
    const r = store.ingestRunDir(dir)
    expect(r).toMatchObject({ added: 3, truncatedLine: true })
    expect(r.damage).toBe(
      `${join(dir, 'events.jsonl')}:4: not a run event (not JSON); it and the ${lines.length - 4} lines after it are not read`,
    )
    expect(store.getRun('r1')!.lastSeq).toBe(3)
  })

  it('names file:line for a seq gap and stops there', () => {
    const store = fresh()
    const w = events(1)
    const dir = writeRunDir(tmpDir(), 'r1', [...w.events.slice(0, 2), ...w.events.slice(3)])
    const r = store.ingestRunDir(dir)
    expect(r.added).toBe(2)
    expect(r.damage).toContain(`${join(dir, 'events.jsonl')}:3: not a run event (seq 4 does not follow 2)`)
  })

  it('notices the worker rewriting its log on resume, and follows the directory', () => {
    const store = fresh()
    const a = events(4)
    const file = join(writeRunDir(tmpDir(), 'r1', a.events), 'events.jsonl')
    const dir = join(file, '..')
    store.ingestRunDir(dir)
    expect(store.getRun('r1')!.epochsDone).toBe(4)
    // EventLog(truncateAfterSeq: 13) rewrote the file; the worker has not logged 'resumed' yet.
    writeFileSync(
      file,
      a.events
        .slice(0, 13)
        .map((e) => JSON.stringify(e) + '\n')
        .join(''),
    )
    store.ingestRunDir(dir)
    expect(store.getRun('r1')).toMatchObject({ epochsDone: 2, lastSeq: 13 })
    expect(store.metricSeries(['r1'], 'valAcc')).toHaveLength(2)
    const b = new EventWriter(13, a.time + 1000)
    b.emit({ type: 'resumed', epoch: 2, step: 0, backend: BACKEND, discardedAfterSeq: 13 })
    for (let e = 2; e < 4; e++) b.epoch(e, { valAcc: 0.9 })
    appendFileSync(file, b.events.map((e) => JSON.stringify(e) + '\n').join(''))
    expect(store.ingestRunDir(dir)).toMatchObject({ added: b.events.length, skipped: 0 })
    expect(store.metricSeries(['r1'], 'valAcc').map((p) => p.value)).toEqual([0.3, 0.31, 0.9, 0.9])
  })

  it('agrees with live ingestion of the same events', () => {
    const w = events(3)
    w.emit({ type: 'finished', genotype: 'G', valAcc: 0.32, seconds: 1 })
    const dir = writeRunDir(tmpDir(), 'r1', w.events)
    const live = fresh()
    live.insertRun(newRun('r1', { runDir: dir, createdAt: Date.parse('2026-11-28T01:35:01.000Z') }))
    live.ingestEvents('r1', w.events.slice(0, 7))
    live.ingestRunDir(dir) // picks up the rest from the file
    const imported = fresh()
    imported.ingestRunDir(dir)
    expect(snapshot(live, 'r1')).toEqual(snapshot(imported, 'r1'))
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n')).toHaveLength(w.events.length + 1)
  })

  it('reports a missing or invalid run.json', () => {
    const store = fresh()
    expect(() => store.ingestRunDir(join(tmpDir(), 'nope'))).toThrow(/run\.json: ENOENT/)
    const dir = writeRunDir(tmpDir(), 'r1', [])
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ schema: 'something.else' }))
    expect(() => store.ingestRunDir(dir)).toThrow(/run\.json: schema: /)
  })
})
