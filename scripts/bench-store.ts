// `npm run bench:store`: the store's ingest rate and dashboard query latency on a synthetic history of
// 200 runs × 50 epochs, each epoch with its metrics, full α (2 cells × 14 edges × 8 ops), method scalars
// and a gate matrix, genotype and checkpoint, as a search worker emits them. A real database file in a
// temp folder (WAL, as the app uses it). Targets: ≥ 100k metric rows/s, comparison queries < 50 ms.
//   npx tsx scripts/bench-store.ts [--runs 200] [--epochs 50]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { RunEvent, RunEventBody } from '../src/core/events'
import { openStore, type Store } from '../src/main/store'
import { EPOCH_METRIC_KEYS as EPOCH_KEYS } from '../src/core/events'
import { DARTS_PRIMITIVES } from '../src/core/searchSpaces'

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const RUNS = arg('runs', 200)
const EPOCHS = arg('epochs', 50)
const OPS: string[] = [...DARTS_PRIMITIVES]
const SCALARS = ['prS', 'prG', 'prQ', 'prPath', 'tau', 'epsilon']
const METHODS = ['darts', 'pr-darts', 'pc-darts', 'sdarts-rs']

let seed = 1
const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
/** Softmaxed rows as float32 values, like the worker's dataSync() output. */
const softmaxRows = (rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, () => {
    const e = Array.from({ length: cols }, () => Math.exp(rand()))
    const s = e.reduce((a, b) => a + b, 0)
    return Array.from(Float32Array.from(e, (x) => x / s))
  })

/** One run's events, grouped per epoch (how RunService would batch a live stream). */
function runEvents(r: number): RunEvent[][] {
  let seq = 0
  let time = 1_700_000_000_000 + r * 1e7
  const ev = (body: RunEventBody): RunEvent => ({ seq: ++seq, time: (time += 500), ...body }) as RunEvent
  const backend = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', device: 'cpu' }
  const batches: RunEvent[][] = [
    [ev({ type: 'started', runId: `r${r}`, preset: null, backend, weights: 1930000, stepsPerEpoch: 390, epochs: EPOCHS })],
  ]
  for (let e = 0; e < EPOCHS; e++) {
    const acc = 0.4 + 0.5 * (e / EPOCHS) + 0.02 * rand()
    batches.push([
      ev({
        type: 'progress',
        epoch: e,
        step: 200,
        stepsPerEpoch: 390,
        trainLoss: 1,
        trainAcc: acc,
        imagesPerSec: 900,
        etaSec: 1000,
      }),
      ev({
        type: 'epoch',
        epoch: e,
        lr: 0.025,
        trainLoss: 2 - acc,
        trainAcc: acc,
        valLoss: 2.1 - acc,
        valAcc: acc,
        archLoss: 2 - acc,
        epochSec: 60,
        imagesPerSec: 900,
        skipsNormal: e % 4,
        skipsReduce: 0,
      }),
      ev({ type: 'alphas', epoch: e, ops: OPS, normal: softmaxRows(14, 8), reduce: softmaxRows(14, 8) }),
      ev({
        type: 'genotype',
        epoch: e,
        text: `Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0)], reduce_concat=range(2, 6))`,
      }),
      ev({
        type: 'method',
        epoch: e,
        scalars: Object.fromEntries(SCALARS.map((k) => [k, rand()])),
        matrices: { gatesNormal: softmaxRows(14, 8) },
      }),
      ev({ type: 'checkpoint', epoch: e + 1, step: 0, file: 'checkpoints/latest.ckpt', bytes: 8_000_000, reason: 'epoch' }),
    ])
  }
  batches.push([ev({ type: 'finished', genotype: 'G', valAcc: 0.9, seconds: 3000 })])
  return batches
}

const METRICS_PER_RUN = EPOCHS * (EPOCH_KEYS.length + SCALARS.length)

function register(store: Store, r: number, runDir = `/runs/r${r}`): void {
  const method = METHODS[r % METHODS.length]!
  store.insertRun({
    id: `r${r}`,
    experimentId: null,
    runDir,
    kind: 'search',
    preset: method,
    method,
    dataset: 'cifar10',
    seed: r % 5,
    config: { method, dataset: 'cifar10', seed: r % 5, lr: 0.025, epochs: EPOCHS },
  })
}

function quantiles(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b)
  return { median: s[Math.floor(s.length / 2)]!, p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]! }
}
function time(f: () => unknown, reps: number): { median: number; p95: number } {
  f() // warm the statement cache
  const out: number[] = []
  for (let i = 0; i < reps; i++) {
    const t = performance.now()
    f()
    out.push(performance.now() - t)
  }
  return quantiles(out)
}

/** Wall and CPU seconds of `f` (CPU time is the steadier figure on a shared machine). */
function measure(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  f()
  const c = process.cpuUsage(c0)
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }
}

const dir = mkdtempSync(join(tmpdir(), 'hdarts-bench-store-'))
const rows: string[][] = []
const fmt = (n: number, d = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
try {
  const runs = Array.from({ length: RUNS }, (_, r) => runEvents(r))
  const totalMetrics = RUNS * METRICS_PER_RUN
  const totalEvents = runs.reduce((n, b) => n + b.flat().length, 0)
  const rate = (name: string, f: () => void): void => {
    const { wall, cpu } = measure(f)
    rows.push([
      name,
      `${fmt(totalMetrics / wall, 0)} metric rows/s`,
      `${fmt(totalMetrics / cpu, 0)} /CPU-s`,
      `${fmt(totalEvents / wall, 0)} events/s, ${fmt(wall, 2)} s`,
    ])
  }

  // 1. Live: one ingestEvents (one transaction) per epoch batch, as RunService gets them from a worker.
  const live = openStore(join(dir, 'live.db'))
  for (let r = 0; r < RUNS; r++) register(live, r)
  rate('ingest, a batch per epoch', () => {
    for (let r = 0; r < RUNS; r++) for (const batch of runs[r]!) live.ingestEvents(`r${r}`, batch)
  })

  // 2. Import: one call per run (all its events), e.g. a cluster import or a rebuild.
  const whole = openStore(join(dir, 'whole.db'))
  for (let r = 0; r < RUNS; r++) register(whole, r)
  rate('ingest, a batch per run', () => {
    for (let r = 0; r < RUNS; r++) whole.ingestEvents(`r${r}`, runs[r]!.flat())
  })
  whole.close()

  // 3. From run directories: read + parse events.jsonl, register from run.json.
  const runsDir = join(dir, 'runs')
  for (let r = 0; r < RUNS; r++) {
    const d = join(runsDir, `r${r}`)
    mkdirSync(d, { recursive: true })
    const method = METHODS[r % METHODS.length]
    const config = { method, dataset: 'cifar10', seed: r % 5, lr: 0.025, epochs: EPOCHS }
    const runJson = {
      schema: 'hdarts.run',
      version: 1,
      id: `r${r}`,
      kind: 'search',
      preset: method,
      createdAt: new Date(r * 1000).toISOString(),
      config,
    }
    writeFileSync(join(d, 'run.json'), JSON.stringify({ ...runJson, dataDir: null, download: false, versions: {} }))
    writeFileSync(
      join(d, 'events.jsonl'),
      runs[r]!.flat()
        .map((e) => JSON.stringify(e) + '\n')
        .join(''),
    )
  }
  const imported = openStore(join(dir, 'imported.db'))
  rate('ingestRunDir (read, parse, ingest)', () => {
    for (let r = 0; r < RUNS; r++) imported.ingestRunDir(join(runsDir, `r${r}`))
  })
  const again = measure(() => {
    for (let r = 0; r < RUNS; r++) imported.ingestRunDir(join(runsDir, `r${r}`))
  })
  rows.push(['ingestRunDir again, nothing new', `${fmt(again.wall * 1000, 1)} ms for ${RUNS} runs`, '', ''])
  imported.close()

  // Calibration: this machine's speed at the simplest insert SQLite does, to read the figures above by.
  const raw = new Database(join(dir, 'raw.db'))
  raw.pragma('journal_mode = WAL')
  raw.exec('CREATE TABLE t (a INTEGER, b INTEGER, v REAL)')
  const ins = raw.prepare('INSERT INTO t VALUES (?, ?, ?)')
  const cal = measure(() =>
    raw.transaction(() => {
      for (let i = 0; i < totalMetrics; i++) ins.run(i >> 4, i & 15, i / 7)
    })(),
  )
  raw.close()
  rows.push([
    'calibration: bare INSERT (int, int, real)',
    `${fmt(totalMetrics / cal.wall, 0)} rows/s`,
    `${fmt(totalMetrics / cal.cpu, 0)} /CPU-s`,
    '',
  ])

  // Queries on the live database.
  const ids = Array.from({ length: RUNS }, (_, r) => `r${r}`)
  const ten = ids.slice(0, 10)
  const q = (name: string, f: () => unknown, reps = 100): void => {
    const { median, p95 } = time(f, reps)
    rows.push([name, `median ${fmt(median, 2)} ms`, `p95 ${fmt(p95, 2)} ms`, ''])
  }
  q('metricSeries(10 runs, valAcc)', () => live.metricSeries(ten, 'valAcc'))
  q(`latestMetrics(${RUNS} runs)`, () => live.latestMetrics(ids))
  q(`compareTable(${RUNS} runs)`, () => live.compareTable(ids), 30)
  q('groupedFinal(method)', () => live.groupedFinal('method'))
  q('listRuns()', () => live.listRuns(), 30)
  q(`alphaSnapshots(run), ${EPOCHS} epochs`, () => live.alphaSnapshots('r7'))
  live.close()

  const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)))
  console.log(
    `store bench: ${RUNS} runs × ${EPOCHS} epochs = ${fmt(totalMetrics, 0)} metric rows, ${fmt(RUNS * EPOCHS * 2, 0)} α snapshots, ` +
      `${fmt(totalEvents, 0)} events (load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')})`,
  )
  for (const r of rows) console.log(`  ${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
