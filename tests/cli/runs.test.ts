/**
 * `hdarts runs` through the real entry point. The database is filled from synthetic run directories
 * (no search needed), so these run everywhere; the real searches are in tests/runs/faults.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRunDir } from '../../src/main/runs/runDir'
import { openStore } from '../../src/main/store'
import { hdarts } from './run'

const dir = mkdtempSync(join(tmpdir(), 'hdarts-cli-runs-'))
const db = join(dir, 'hdarts.db')
const runsDir = join(dir, 'runs')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const GENOTYPE =
  "Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 2), ('skip_connect', 0), ('dil_conv_3x3', 1), ('sep_conv_3x3', 0), ('max_pool_3x3', 1)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('avg_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=range(2, 6))"
const BACKEND = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', device: 'test cpu' }

let finishedId = ''
let queuedId = ''

beforeAll(() => {
  const store = openStore(db)
  const done = createRunDir(runsDir, { preset: 'darts-1st-quick', sets: ['epochs=2', 'seed=4'] })
  let seq = 0
  const ev = (body: Record<string, unknown>) => JSON.stringify({ seq: ++seq, time: 1_700_000_000_000 + seq, ...body }) + '\n'
  const epoch = (e: number, valAcc: number) =>
    ev({
      type: 'epoch',
      epoch: e,
      lr: 0.1,
      trainLoss: 1,
      trainAcc: 0.5,
      valLoss: 1.1,
      valAcc,
      archLoss: 1,
      epochSec: 3,
      imagesPerSec: 20,
      skipsNormal: 2,
      skipsReduce: 3,
    }) +
    ev({ type: 'genotype', epoch: e, text: GENOTYPE }) +
    ev({ type: 'checkpoint', epoch: e + 1, step: 0, file: 'checkpoints/latest.ckpt', bytes: 4096, reason: 'epoch' })
  writeFileSync(
    join(done.dir, 'events.jsonl'),
    ev({
      type: 'started',
      runId: done.run.id,
      preset: 'darts-1st-quick',
      backend: BACKEND,
      weights: 100,
      stepsPerEpoch: 4,
      epochs: 2,
    }) +
      epoch(0, 0.5) +
      epoch(1, 0.625) +
      ev({ type: 'finished', genotype: GENOTYPE, valAcc: 0.625, seconds: 7 }),
  )
  finishedId = store.ingestRunDir(done.dir).runId
  const queued = createRunDir(runsDir, { preset: 'darts-2nd-quick', sets: ['seed=1'] })
  store.insertRun({
    id: queued.run.id,
    experimentId: null,
    runDir: queued.dir,
    kind: 'search',
    preset: 'darts-2nd-quick',
    method: 'darts',
    dataset: 'fashion-mnist',
    seed: 1,
    config: queued.run.config,
  })
  queuedId = queued.run.id
  store.close()
})

const oneLine = (r: { stderr: string }) => expect(r.stderr.trim().split('\n')).toHaveLength(1)

// Each case starts the CLI a few times (about a second each, more on a loaded machine).
describe('hdarts runs list / show', { timeout: 120_000 }, () => {
  it('lists runs as a table and as JSON', () => {
    const r = hdarts(['runs', 'list', '--db', db])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^id\s+status\s+method\/preset\s+dataset\s+seed\s+epochs\s+best val\s+genotype/)
    expect(r.stdout).toMatch(
      new RegExp(`${finishedId}\\s+finished\\s+darts-1st-quick\\s+fashion-mnist\\s+4\\s+2/2\\s+62\\.5%\\s+n: s30\\+sk1`),
    )
    const j = hdarts(['runs', 'list', '--db', db, '--json'])
    expect(j.code).toBe(0)
    const { runs } = JSON.parse(j.stdout)
    expect(runs.map((x: { id: string }) => x.id).sort()).toEqual([finishedId, queuedId].sort())
    expect(runs.find((x: { id: string }) => x.id === finishedId)).toMatchObject({
      status: 'finished',
      seed: 4,
      epochsDone: 2,
      epochsTotal: 2,
      bestValAcc: 0.625,
      finalGenotype: GENOTYPE,
      backend: 'wasm',
    })
    const q = JSON.parse(hdarts(['runs', 'list', '--db', db, '--json', '--status', 'queued,paused']).stdout)
    expect(q.runs.map((x: { id: string }) => x.id)).toEqual([queuedId])
  })

  it('shows one run by id prefix with metrics, genotype and checkpoints', () => {
    const prefix = finishedId.slice(0, finishedId.length - 2)
    const r = hdarts(['runs', 'show', prefix, '--db', db, '--json'])
    expect(r.code).toBe(0)
    const d = JSON.parse(r.stdout)
    expect(d).toMatchObject({
      id: finishedId,
      status: 'finished',
      genotype: GENOTYPE,
      latestMetrics: { valAcc: 0.625, skipsReduce: 3 },
    })
    expect(d.checkpoints.map((c: { epoch: number }) => c.epoch)).toEqual([1, 2])
    const text = hdarts(['runs', 'show', finishedId, '--db', db])
    expect(text.stdout).toMatch(/^run\s+/)
    expect(text.stdout).toContain(`  ${GENOTYPE}`)
    expect(text.stdout).toMatch(/checkpoints\n {2}epoch 2 step 0/)
  })

  it('cancels a queued run and refuses to cancel it twice', () => {
    const r = hdarts(['runs', 'cancel', queuedId, '--db', db, '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ runId: queuedId, status: 'cancelled', signalledPid: null })
    const again = hdarts(['runs', 'cancel', queuedId, '--db', db])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/already cancelled/)
  })
})

describe('hdarts runs: bad input exits 2 with one line', { timeout: 120_000 }, () => {
  const bad = (args: string[], pattern: RegExp) => {
    const r = hdarts([...args, '--db', db])
    expect(r.code).toBe(2)
    oneLine(r)
    expect(r.stderr).toMatch(pattern)
    expect(r.stdout).toBe('')
  }

  it('unknown run ids', () => {
    bad(['runs', 'show', 'no-such-run'], /^hdarts: no run matches "no-such-run"/)
    bad(['runs', 'cancel', 'no-such-run'], /no run matches/)
    bad(['runs', 'resume', 'no-such-run'], /no run matches/)
    bad(['runs', 'retry', 'no-such-run'], /no run matches/)
  })

  it('wrong arguments and states', () => {
    bad(['runs', 'list', '--status', 'done'], /unknown status 'done'/)
    bad(['runs', 'resume'], /missing run ID/)
    bad(['runs', 'resume', '--all', finishedId], /not both/)
    bad(['runs', 'resume', finishedId], /finished; nothing to resume/)
    bad(['runs', 'retry', finishedId], /duplicate it/)
    bad(['runs', 'frobnicate'], /unknown verb 'runs frobnicate'/)
  })

  it('bad grid files, before anything is created', () => {
    const grid = (name: string, text: string) => {
      const file = join(dir, name)
      writeFileSync(file, text)
      return file
    }
    const before = JSON.parse(hdarts(['runs', 'list', '--db', db, '--json']).stdout).runs.length
    bad(['runs', 'grid', join(dir, 'missing.json')], /missing\.json: no such file/)
    bad(['runs', 'grid', grid('a.json', '{"name": ')], /a\.json: not valid JSON/)
    bad(['runs', 'grid', grid('b.json', '{"name": "x", "methods": [], "seeds": [0]}')], /b\.json: methods: /)
    bad(
      ['runs', 'grid', grid('c.json', '{"name": "x", "methods": ["darts-9th"], "seeds": [0]}')],
      /c\.json: darts-9th seed 0: unknown preset/,
    )
    bad(
      [
        'runs',
        'grid',
        grid('d.json', '{"name": "x", "methods": ["darts-1st-quick"], "seeds": [0], "values": {"epochs": [2, -1]}}'),
      ],
      /d\.json: darts-1st-quick seed 0: setting 'epochs'/,
    )
    bad(
      ['runs', 'grid', grid('e.json', '{"name": "x", "methods": ["darts-1st-quick"], "seeds": [0], "set": ["nope=1"]}')],
      /unknown setting 'nope'/,
    )
    expect(JSON.parse(hdarts(['runs', 'list', '--db', db, '--json']).stdout).runs).toHaveLength(before)
  })

  it('a database another service is using: a clear error (exit 1)', () => {
    const lock = `${db}.lock`
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: Date.now() }))
    try {
      const r = hdarts(['runs', 'resume', '--all', '--db', db])
      expect(r.code).toBe(1)
      oneLine(r)
      expect(r.stderr).toMatch(new RegExp(`another hdarts service \\(pid ${process.pid}\\) is already running workers`))
    } finally {
      rmSync(lock)
    }
  })

  it('--help describes the grid format and options', () => {
    const r = hdarts(['runs', 'grid', '--help'])
    expect(r.code).toBe(0)
    for (const opt of ['--max-parallel K', '--runs-dir DIR', '--db FILE', '--json', '"methods"', '"seeds"'])
      expect(r.stdout).toContain(opt)
  })
})
