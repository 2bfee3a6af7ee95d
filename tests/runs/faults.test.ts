/**
 * Fault injection with real worker processes on the real Fashion-MNIST and a real database:
 * (a) a service whose workers are killed with SIGKILL at random moments, 20 times;
 * (b) the service process itself killed with SIGKILL mid-run, then started again.
 * Every run must finish with exactly the result of an uninterrupted run of the same seed.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { ChildProcessLauncher } from '../../src/main/runs/launcher'
import { RunService } from '../../src/main/runs/service'
import { openStore, type RunRow, type Store } from '../../src/main/store'
import { hdarts, ROOT } from '../cli/run'
import { until } from './fakeLauncher'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
const haveData = existsSync(FMNIST)
if (!haveData) console.log(`skipping run fault tests: ${FMNIST} is missing (apt-get install dataset-fashion-mnist)`)

// 8 steps an epoch, 3 epochs: about 15 s a run on one core, long enough for 20 kills spread over three runs.
const TINY = ['limitPerHalf=128', 'epochs=3', 'C=2', 'imageSize=8', 'batchSize=16']
const PRESET = 'darts-1st-quick'
const SEARCH = ['--preset', PRESET, ...TINY.flatMap((s) => ['--set', s])]
const SEEDS = [0, 1, 2]
// On a quiet 2-core machine the whole file takes about two minutes; the limits only stop a hung run.
const LONG = 900_000

const root = mkdtempSync(join(tmpdir(), 'hdarts-faults-'))
afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 3 }))

interface Result {
  genotype: string | null
  valAcc: number[]
}
const reference = new Map<number, Result>()

const events = (run: RunRow): RunEvent[] =>
  readFileSync(join(run.runDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunEvent)

function result(store: Store, run: RunRow): Result {
  return { genotype: run.finalGenotype, valAcc: store.metricSeries([run.id], 'valAcc').map((p) => p.value) }
}

/** The invariants of a run that survived faults, checked against the log and the database. */
function expectIntact(store: Store, run: RunRow): void {
  expect(run.status).toBe('finished')
  const evs = events(run)
  expect(evs.map((e) => e.seq)).toEqual(evs.map((_, i) => i + 1))
  expect(evs.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && e.epoch)).toEqual([0, 1, 2])
  expect(evs.filter((e) => e.type === 'finished')).toHaveLength(1)
  // Every completed epoch exactly once in the database's metrics, and the index caught up with the log.
  for (const key of ['valAcc', 'trainLoss', 'lr']) expect(store.metricSeries([run.id], key).map((p) => p.step)).toEqual([0, 1, 2])
  expect(store.genotypes(run.id).map((g) => g.epoch)).toEqual([0, 1, 2])
  expect(run.lastSeq).toBe(evs.length)
  expect(run.epochsDone).toBe(3)
  expect(result(store, run)).toEqual(reference.get(run.seed))
}

/** Runs the CLI without blocking this process; resolves with its exit code and the tail of its stderr. */
function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/hdarts.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)))
  return new Promise((r) => child.once('exit', (code) => r({ code, stderr: code === 0 ? '' : stderr })))
}

/** Waits until `ids` are all in a final state. */
async function drain(store: Store, ids: string[], timeoutMs: number): Promise<RunRow[]> {
  const final = ['finished', 'failed', 'cancelled']
  await until(() => ids.every((id) => final.includes(store.getRun(id)!.status)), 'runs to end', timeoutMs, 250)
  return ids.map((id) => store.getRun(id)!)
}

describe.skipIf(!haveData)('runs under faults (real workers, real database)', () => {
  // The references are plain `hdarts search` runs, which also shows that a search registers its run
  // in the database and ingests all of its events.
  beforeAll(async () => {
    const db = join(root, 'reference.db')
    // Three searches share one database from its creation (migrations and ingest take the write lock first).
    const results = await Promise.all(
      SEEDS.map((seed) =>
        cli(['search', ...SEARCH, '--set', `seed=${seed}`, '--db', db, '--runs-dir', join(root, 'ref'), '--json']),
      ),
    )
    expect(results).toEqual(SEEDS.map(() => ({ code: 0, stderr: '' })))
    const store = openStore(db)
    for (const run of store.listRuns()) {
      expect(run.status).toBe('finished')
      expect(run.lastSeq).toBe(events(run).length)
      expect(run.pid).toBeNull()
      reference.set(run.seed, result(store, run))
    }
    expect([...reference.keys()].sort()).toEqual(SEEDS)
    store.close()
  }, LONG)

  it(
    'a stopped search is paused in the database; `runs resume` finishes it exactly',
    async () => {
      const db = join(root, 'pause.db')
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin/hdarts.js'), 'search', ...SEARCH, '--set', 'seed=1', '--db', db, '--runs-dir', join(root, 'pause')],
        { stdio: 'ignore' },
      )
      const exited = new Promise<number | null>((r) => child.once('exit', r))
      const store = openStore(db)
      await until(() => store.listRuns()[0]?.epochsDone === 1, 'first epoch', LONG, 100)
      child.kill('SIGTERM')
      expect(await exited).toBe(75)
      const paused = store.listRuns()[0]!
      expect(paused).toMatchObject({ status: 'paused', pid: null })
      const r = hdarts(['runs', 'resume', paused.id.slice(0, 30), '--db', db, '--json'], undefined, LONG)
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout).runs).toMatchObject([{ id: paused.id, status: 'finished' }])
      expectIntact(store, store.getRun(paused.id)!)
      store.close()
    },
    LONG,
  )

  it(
    '(a) 20 random SIGKILLs of workers: every run resumes and finishes exactly as uninterrupted',
    async () => {
      const store = openStore(join(root, 'a.db'))
      const service = new RunService({
        store,
        launcher: new ChildProcessLauncher(),
        runsDir: join(root, 'a'),
        cpuSlots: 3,
        autoResume: true,
        // Kills right after a launch make no progress; the budget must not run out in this test.
        maxAutoRetries: 50,
        watchMs: 500,
      })
      service.start()
      const ids: string[] = SEEDS.map((seed) => service.submit({ preset: PRESET, sets: TINY, seed }).id)
      // Which worker (pid) of a run has written events in its current attempt, and whether one was a checkpoint.
      const working = new Map<string, { pid: number | null; checkpointed: boolean }>()
      service.on('event', (id, e) => {
        const pid = store.getRun(id)?.pid ?? null
        const w = working.get(id)
        const checkpointed = (w?.pid === pid && w.checkpointed) || e.type === 'checkpoint'
        working.set(id, { pid, checkpointed })
      })
      // Kills spread over a worker's life, whatever the machine's speed, in random order: 5 during
      // start-up (before its first event), 11 while it trains, 4 after it wrote an epoch checkpoint.
      type Phase = 'starting' | 'training' | 'checkpointed'
      const phaseOf = (r: RunRow): Phase => {
        const w = working.get(r.id)
        return w?.pid !== r.pid ? 'starting' : w.checkpointed ? 'checkpointed' : 'training'
      }
      const shuffle = <T>(a: T[]): T[] =>
        a
          .map((x) => [Math.random(), x] as const)
          .sort((p, q) => p[0] - q[0])
          .map(([, x]) => x)
      const phases: Phase[] = [...Array(5).fill('starting'), ...Array(11).fill('training'), ...Array(4).fill('checkpointed')]
      // The checkpoint kills come within the first 14, so the runs still have epochs left for them.
      let plan = shuffle(phases)
      while (plan.lastIndexOf('checkpointed') >= 14) plan = shuffle(phases)
      const live = () => service.running.map((id) => store.getRun(id)!).filter((r) => r.status === 'running' && r.pid)
      const allFinished = () => ids.every((id) => store.getRun(id)!.status === 'finished')
      const kills: Record<Phase, number> = { starting: 0, training: 0, checkpointed: 0 }
      let total = 0
      while (plan.length) {
        // On a fast machine the runs can all finish before the plan is spent: queue another run of a
        // known seed (its reference exists) so every planned kill still lands on a live worker.
        if (allFinished()) ids.push(service.submit({ preset: PRESET, sets: TINY, seed: SEEDS[ids.length % SEEDS.length]! }).id)
        const phase = plan.shift()!
        const pool = () => live().filter((r) => phaseOf(r) === phase)
        // Training and checkpoints come by themselves; a start-up only follows a kill, so wait briefly.
        const found = await until(() => allFinished() || pool().length > 0, phase, phase === 'starting' ? 5000 : LONG, 50).then(
          () => true,
          () => false,
        )
        await new Promise((r) => setTimeout(r, Math.random() * 500))
        const candidates = pool()
        const victim = candidates[Math.floor(Math.random() * candidates.length)]
        let hit = false
        if (found && victim) {
          try {
            process.kill(victim.pid!, 'SIGKILL')
            hit = true
          } catch {
            // exited in between
          }
        }
        if (!hit) {
          // Later; a start-up needs a kill before it, so with only start-ups left, kill one in training.
          plan.push(phase === 'starting' && plan.every((p) => p === 'starting') ? 'training' : phase)
          continue
        }
        kills[phase]++
        total++
      }
      const runs = await drain(store, ids, LONG)
      await service.shutdown({ stopWorkers: true })
      console.log(`(a) ${total} kills: ${JSON.stringify(kills)}`)
      expect(total).toBe(20)
      expect(kills.checkpointed).toBe(4)
      expect(kills.starting).toBeGreaterThan(0)
      for (const run of runs) expectIntact(store, run)
      // The runs were resumed from their logs and checkpoints, not merely restarted.
      expect(runs.reduce((n, r) => n + events(r).filter((e) => e.type === 'resumed').length, 0)).toBeGreaterThan(0)
      expect(store.integrityCheck()).toBe('ok')
      store.close()
    },
    LONG,
  )

  it(
    '(b) SIGKILL of the service itself: a new service reconciles, resumes and finishes, nothing lost',
    async () => {
      const db = join(root, 'b.db')
      const grid = join(root, 'grid.json')
      writeFileSync(grid, JSON.stringify({ name: 'b', methods: [PRESET], seeds: [0, 1], set: TINY }))
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin/hdarts.js'), 'runs', 'grid', grid, '--db', db, '--runs-dir', join(root, 'b'), '--max-parallel', '2'],
        { stdio: 'ignore' },
      )
      const exited = new Promise((r) => child.once('exit', r))
      const store = openStore(db)
      // Kill the service once both runs are past their first epoch checkpoint, mid-way through the second epoch.
      await until(
        () => {
          const runs = store.listRuns()
          return (
            runs.length === 2 &&
            runs.every((r) => existsSync(join(r.runDir, 'events.jsonl')) && events(r).some((e) => e.type === 'checkpoint'))
          )
        },
        'first checkpoints',
        LONG,
        100,
      )
      child.kill('SIGKILL')
      await exited
      const before = store.listRuns()
      expect(before.map((r) => r.status)).toEqual(['running', 'running'])

      const r = hdarts(['runs', 'resume', '--all', '--db', db, '--json'], undefined, LONG)
      expect(r.stderr).not.toMatch(/internal error|warning/)
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout).runs.map((x: RunRow) => x.status)).toEqual(['finished', 'finished'])
      for (const run of store.listRuns()) {
        expectIntact(store, run)
        expect(events(run).filter((e) => e.type === 'resumed').length).toBeGreaterThan(0)
      }
      expect(store.integrityCheck()).toBe('ok')
      expect(existsSync(`${db}.lock`)).toBe(false)
      store.close()
    },
    LONG,
  )
})
