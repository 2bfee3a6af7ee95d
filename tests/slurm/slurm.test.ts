/**
 * `hdarts slurm`: dry-run bundles and bad input without Slurm, then the whole path on a REAL single-node
 * Slurm started here (scripts/slurm/start-slurm.sh, stopped by PID): a 2 × 2 grid of tiny searches as
 * a job array, one task requeued mid-run, import twice, every run finished once with each epoch once.
 * Without slurmctld (apt-get install slurm-wlm munge) or root, that part prints why and skips.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { hdarts, ROOT } from '../cli/run'

const GRID = join(ROOT, 'examples/grid-quick.json')
// Tiny supernets on a 64 + 64 image slice: 4 steps an epoch, 3 epochs, some 15-40 s per run here.
const TINY = ['limitPerHalf=64', 'C=2', 'imageSize=8', 'batchSize=16'].flatMap((s) => ['--set', s])
const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'

const tmp = mkdtempSync(join(tmpdir(), 'hdarts-slurm-test-'))
chmodSync(tmp, 0o755) // munged must traverse the Slurm folder inside it
afterAll(() => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 }))

const events = (runDir: string): RunEvent[] => {
  const file = join(runDir, 'events.jsonl')
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as RunEvent]
      } catch {
        return [] // a line being written
      }
    })
}

interface SubmitJson {
  gridDir: string
  script: string
  jobId: string | null
  tasks: { index: number; runId: string; preset: string; seed: number; runDir: string }[]
}

describe('slurm submit --dry-run (no Slurm needed)', () => {
  const runsDir = join(tmp, 'dry')
  let out: SubmitJson
  beforeAll(() => {
    const r = hdarts([
      ...['slurm', 'submit', GRID, '--runs-dir', runsDir, '--dry-run', '--json', ...TINY],
      ...['--partition', 'gpu', '--gpus-per-task', '1', '--cpus-per-task', '4', '--time', '01:00:00', '--max-parallel', '2'],
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    out = JSON.parse(r.stdout) as SubmitJson
  })

  it('writes the sbatch script with the array, requeue, signal, output and resources', () => {
    const script = readFileSync(out.script, 'utf8')
    for (const line of [
      '#SBATCH --array=0-3%2',
      '#SBATCH --requeue',
      '#SBATCH --signal=B:USR1@120',
      '#SBATCH --open-mode=append',
      `#SBATCH --output="${join(out.gridDir, 'logs')}/%A_%a.out"`,
      '#SBATCH --partition="gpu"',
      '#SBATCH --gpus-per-task=1',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --time=01:00:00',
    ])
      expect(script).toContain(line)
    // Absolute node and entry point, so the nodes run this checkout over the shared filesystem.
    expect(script).toContain(`NODE=\${HDARTS_NODE:-'${process.execPath}'}`)
    expect(script).toContain(`HDARTS=\${HDARTS_BIN:-'${join(ROOT, 'bin/hdarts.js')}'}`)
    expect(script).toContain('search --resume "$RUN_DIR"')
    expect(script).toContain('scontrol requeue "${SLURM_ARRAY_JOB_ID}_$TASK"')
    expect(spawnSync('bash', ['-n', out.script]).status).toBe(0)
    expect(out.jobId).toBeNull()
  })

  it('writes a manifest row and a run directory per array index, and nothing to the database', () => {
    const m = JSON.parse(readFileSync(join(out.gridDir, 'manifest.json'), 'utf8'))
    expect(m.name).toBe('quick: DARTS 1st vs 2nd order')
    expect(m.rows.map((r: { index: number; preset: string; seed: number }) => [r.index, r.preset, r.seed])).toEqual([
      [0, 'darts-1st-quick', 0],
      [1, 'darts-1st-quick', 1],
      [2, 'darts-2nd-quick', 0],
      [3, 'darts-2nd-quick', 1],
    ])
    expect(m.rows[0].settings).toEqual(['epochs=3', 'limitPerHalf=64', 'C=2', 'imageSize=8', 'batchSize=16', 'seed=0'])
    const tsv = readFileSync(join(out.gridDir, 'manifest.tsv'), 'utf8').trim().split('\n')
    expect(tsv[0]).toBe('index\trun_id\tpreset\tseed\tsettings\trun_dir')
    expect(tsv).toHaveLength(5)
    for (const t of out.tasks) {
      const run = JSON.parse(readFileSync(join(out.gridDir, t.runDir, 'run.json'), 'utf8'))
      expect(run.id).toBe(t.runId)
      expect(run.config.epochs).toBe(3)
      expect(run.config.seed).toBe(t.seed)
    }
    expect(JSON.parse(hdarts(['runs', 'list', '--json']).stdout).runs).toEqual([])
  })

  it('the job script finds no row for an index outside the manifest (exit 2)', () => {
    const r = spawnSync('bash', [out.script], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '9' }, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('no row 9')
  })

  it('status without a job shows every task not started; import registers them paused, never queued', () => {
    const s = JSON.parse(hdarts(['slurm', 'status', out.gridDir, '--json']).stdout)
    expect(s.grids[0].tasks.map((t: { lastEvent: string | null }) => t.lastEvent)).toEqual([null, null, null, null])
    const imp = hdarts(['slurm', 'import', out.gridDir, '--json'])
    expect(imp.code).toBe(0)
    expect(JSON.parse(imp.stdout)).toMatchObject({ runs: 4, new: 4, eventsAdded: 0 })
    const runs = JSON.parse(hdarts(['runs', 'list', '--json']).stdout).runs as { status: string; statusReason?: string }[]
    expect(runs.map((r) => r.status)).toEqual(['paused', 'paused', 'paused', 'paused'])
  })
})

describe('slurm: bad input exits 2 with one line', () => {
  const bad = join(tmp, 'bad.json')
  writeFileSync(bad, JSON.stringify({ name: 'x', methods: ['no-such-preset'], seeds: [0] }))
  const cases: [string, string[], RegExp][] = [
    ['missing grid', ['slurm', 'submit', join(tmp, 'nope.json'), '--dry-run'], /no such file/],
    ['bad preset', ['slurm', 'submit', bad, '--dry-run', '--runs-dir', join(tmp, 'bad')], /no-such-preset/],
    ['bad setting', ['slurm', 'submit', GRID, '--dry-run', '--set', 'nope=1', '--runs-dir', join(tmp, 'bad')], /nope/],
    ['unknown option', ['slurm', 'submit', GRID, '--bogus'], /bogus/],
    ['bad time', ['slurm', 'submit', GRID, '--time', 'soon', '--dry-run'], /--time/],
    ['bad max-parallel', ['slurm', 'submit', GRID, '--max-parallel', '0', '--dry-run'], /max-parallel/],
    ['import of a folder without grids', ['slurm', 'import', tmp], /no grid folder/],
    ['import of a missing folder', ['slurm', 'import', join(tmp, 'nope')], /no such directory/],
    ['unknown verb', ['slurm', 'launch'], /unknown verb/],
  ]
  it.each(cases)('%s', (_name, args, message) => {
    const r = hdarts(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(join(tmp, 'bad'))).toBe(false) // nothing created before the grid was checked
  })
})

// ── real Slurm ──────────────────────────────────────────────────────────────

const which = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd} || test -x /usr/sbin/${cmd}`]).status === 0
const skipWhy = !which('slurmctld')
  ? 'slurmctld is not installed (apt-get install slurm-wlm munge)'
  : process.getuid?.() !== 0
    ? 'not root (the single-node Slurm runs slurmd and munged as root)'
    : !existsSync(FMNIST)
      ? `${FMNIST} is missing (apt-get install dataset-fashion-mnist)`
      : null
if (skipWhy) console.log(`skipping the real-Slurm test: ${skipWhy}`)

const SLURM_DIR = join(tmp, 'slurm')
const sh = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, SLURM_CONF: join(SLURM_DIR, 'slurm.conf') } })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(1000)
  }
}

describe.skipIf(skipWhy !== null)('slurm on a real single-node Slurm', () => {
  let jobId: string | null = null
  beforeAll(() => {
    const r = spawnSync('bash', [join(ROOT, 'scripts/slurm/start-slurm.sh')], {
      env: { ...process.env, SLURM_DIR, SLURM_CRED_EXPIRE: '10' }, // a requeued task may start again after 10 s
      encoding: 'utf8',
    })
    if (r.status !== 0) throw new Error(`start-slurm.sh failed: ${r.stdout}${r.stderr}`)
    process.env.SLURM_CONF = join(SLURM_DIR, 'slurm.conf') // inherited by hdarts → sbatch, squeue, scontrol
  }, 60_000)
  afterAll(async () => {
    if (jobId && sh('squeue', ['-h', '-j', jobId]).trim()) {
      sh('scancel', [jobId])
      await until('the cancelled tasks to end', () => !sh('squeue', ['-h', '-j', jobId!]).trim(), 60_000).catch(() => {})
    }
    spawnSync('bash', [join(ROOT, 'scripts/slurm/stop-slurm.sh')], { env: { ...process.env, SLURM_DIR } })
    delete process.env.SLURM_CONF
  }, 90_000)

  it('runs the 2 × 2 grid as an array; a requeued task resumes; import brings all four in once', async () => {
    const sub = hdarts(['slurm', 'submit', GRID, '--runs-dir', join(tmp, 'shared'), '--max-parallel', '2', '--json', ...TINY])
    expect(sub.stderr).toBe('')
    expect(sub.code).toBe(0)
    const out = JSON.parse(sub.stdout) as SubmitJson
    jobId = out.jobId
    expect(jobId).toMatch(/^\d+$/)
    const dirOf = (i: number) => join(out.gridDir, out.tasks[i]!.runDir)

    // Task 1 mid-run: an epoch done, not finished. Then requeue it, as an admin or a preemption would.
    const target = dirOf(1)
    await until(
      'task 1 to finish an epoch',
      () => {
        const ev = events(target)
        return ev.some((e) => e.type === 'epoch') && !ev.some((e) => e.type === 'finished')
      },
      300_000,
    )
    expect(events(target).some((e) => e.type === 'finished')).toBe(false)
    sh('scontrol', ['requeue', `${jobId}_1`])
    const t0 = Date.now()

    // An import while the array runs is fine (and the next one only adds).
    const early = hdarts(['slurm', 'import', out.gridDir, '--json'])
    expect(early.code).toBe(0)
    // Runs still on the cluster are never queued or running here: a local service would run them too.
    const mid = JSON.parse(hdarts(['runs', 'list', '--json']).stdout).runs as { id: string; status: string }[]
    const ours = mid.filter((r) => out.tasks.some((t) => t.runId === r.id))
    expect(ours).toHaveLength(4)
    expect(ours.filter((r) => r.status === 'queued' || r.status === 'running')).toEqual([])

    await until('the array to finish', () => !sh('squeue', ['-h', '-j', jobId!]).trim(), 600_000)
    console.log(`array finished ${Math.round((Date.now() - t0) / 1000)} s after the requeue`)
    const states = sh('scontrol', ['-o', 'show', 'job', jobId!])
    expect(states.match(/JobState=COMPLETED/g)).toHaveLength(4)
    expect(states).toMatch(/ArrayTaskId=1 .*Restarts=1/)

    const status = JSON.parse(hdarts(['slurm', 'status', out.gridDir, '--json']).stdout).grids[0]
    expect(status.source).toBe('squeue+scontrol') // accounting is off on the test cluster
    expect(status.tasks.map((t: { slurm: { state: string } }) => t.slurm.state)).toEqual(Array(4).fill('COMPLETED'))
    expect(status.tasks.map((t: { finished: boolean; epochsDone: number }) => [t.finished, t.epochsDone])).toEqual(
      Array(4).fill([true, 3]),
    )
    expect(status.tasks[1].resumes).toBe(1)

    // The requeued run's log: one 'resumed' from the checkpoint written on SIGTERM (the 'stopped' event
    // after that checkpoint is cut off by the resume, like any event the checkpoint does not cover).
    const log = events(target)
    expect(log.filter((e) => e.type === 'resumed')).toHaveLength(1)
    expect(log.filter((e) => e.type === 'started')).toHaveLength(1)
    expect(readFileSync(join(out.gridDir, 'logs', `${jobId}_1.out`), 'utf8')).toMatch(/hdarts exited 75[\s\S]*restart 1/)
    for (let i = 0; i < 4; i++) {
      const ev = events(dirOf(i))
      expect(
        ev.filter((e) => e.type === 'finished'),
        `run ${i}`,
      ).toHaveLength(1)
      expect(ev.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch)).toEqual([0, 1, 2])
    }

    const first = hdarts(['slurm', 'import', join(tmp, 'shared'), '--json'])
    expect(first.code).toBe(0)
    const s1 = JSON.parse(first.stdout)
    expect(s1).toMatchObject({ grids: 1, runs: 4, new: 0, finished: 4, errors: [] })
    expect(s1.eventsAdded).toBeGreaterThan(0)
    const second = hdarts(['slurm', 'import', join(tmp, 'shared'), '--json'])
    expect(JSON.parse(second.stdout)).toMatchObject({ new: 0, updated: 0, unchanged: 4, eventsAdded: 0 })

    // The database: one experiment, four finished runs, each with epochs 0..2 once, ready to compare.
    const list = JSON.parse(hdarts(['runs', 'list', '--json', '--experiment', String(s1.experiments[0].id)]).stdout).runs
    expect(list).toHaveLength(4)
    for (const r of list) expect(r).toMatchObject({ status: 'finished', epochsDone: 3 })
    const { openStore } = await import('../../src/main/store/index')
    const store = openStore(process.env.HDARTS_DB!)
    try {
      const ids = out.tasks.map((t) => t.runId)
      for (const id of ids) expect(store.metricSeries([id], 'valAcc').map((p) => p.step)).toEqual([0, 1, 2])
      const table = store.compareTable(ids)
      expect(table.map((t) => t.run.preset)).toEqual(out.tasks.map((t) => t.preset))
      expect(table.every((t) => Number.isFinite(t.latest.valAcc))).toBe(true)
      expect(store.tags(ids[1]!)).toMatchObject({ 'slurm.task': '1', 'slurm.job': jobId })
    } finally {
      store.close()
    }

    // A finished run is never rerun: --resume on it exits 0 and leaves the log alone.
    const before = readFileSync(join(target, 'events.jsonl'), 'utf8')
    const again = hdarts(['search', '--resume', target])
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('already finished')
    expect(readFileSync(join(target, 'events.jsonl'), 'utf8')).toBe(before)
    expect(readdirSync(join(out.gridDir, 'logs'))).toHaveLength(4)
  }, 900_000)
})
