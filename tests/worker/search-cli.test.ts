/**
 * End to end through real processes: `hdarts search` forks the real worker on the real
 * Fashion-MNIST (Debian's dataset-fashion-mnist), and a run stopped by a signal or killed outright
 * resumes to exactly the result of an uninterrupted run.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { hdarts, ROOT } from '../cli/run'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
const haveData = existsSync(FMNIST)
if (!haveData) console.log(`skipping search end-to-end tests: ${FMNIST} is missing (apt-get install dataset-fashion-mnist)`)

// The quick preset on a 40 + 40 image slice with a tiny supernet: 5 steps an epoch, seconds per run.
const TINY = [
  '--preset',
  'darts-1st-quick',
  '--set',
  'limitPerHalf=40',
  '--set',
  'batchSize=8',
  '--set',
  'C=2',
  '--set',
  'layers=3',
]
const TINY_MORE = [...TINY, '--set', 'steps=2', '--set', 'multiplier=2', '--set', 'epochs=2']

const runsDir = mkdtempSync(join(tmpdir(), 'hdarts-runs-'))
afterAll(() => rmSync(runsDir, { recursive: true, force: true }))

const events = (dir: string): RunEvent[] =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunEvent)
const epochSummary = (dir: string) =>
  events(dir)
    .filter((e) => e.type === 'epoch')
    .map((e) => e.type === 'epoch' && [e.epoch, e.trainLoss, e.trainAcc, e.valLoss, e.valAcc, e.skipsNormal])
const newestRun = (): string => join(runsDir, readdirSync(runsDir).sort().pop()!)

/** Starts a search and resolves with its exit code; `onEvents` can act on the run directory while it runs. */
function searchUntil(
  args: string[],
  onEvents: (dir: string, evs: RunEvent[], child: ReturnType<typeof spawn>) => void,
): Promise<number | null> {
  const before = new Set(readdirSync(runsDir))
  const child = spawn(process.execPath, [join(ROOT, 'bin/hdarts.js'), 'search', ...args, '--runs-dir', runsDir], {
    stdio: 'ignore',
  })
  const timer = setInterval(() => {
    const dir = readdirSync(runsDir).find((d) => !before.has(d))
    if (dir && existsSync(join(runsDir, dir, 'events.jsonl'))) onEvents(join(runsDir, dir), events(join(runsDir, dir)), child)
  }, 100)
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearInterval(timer)
      resolve(code)
    }),
  )
}

/** A run stopped by SIGTERM as soon as it starts: it checkpoints after one step and exits 75. */
async function stoppedRun(): Promise<string> {
  let signalled = false
  const code = await searchUntil(TINY_MORE, (_dir, evs, child) => {
    if (!signalled && evs.some((e) => e.type === 'started')) {
      signalled = true
      child.kill('SIGTERM')
    }
  })
  expect(code).toBe(75)
  return newestRun()
}

describe.skipIf(!haveData)('hdarts search end to end', () => {
  let reference: ReturnType<typeof epochSummary>

  it('runs to the end and writes a complete run directory', () => {
    const r = hdarts(['search', ...TINY_MORE, '--runs-dir', runsDir, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out).toMatchObject({ status: 'finished' })
    expect(out.genotype).toMatch(/^Genotype\(normal=\[/)
    const dir = out.runDir as string
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))
    expect(run).toMatchObject({
      schema: 'hdarts.run',
      preset: 'darts-1st-quick',
      config: { dataset: 'fashion-mnist', epochs: 2 },
    })
    const evs = events(dir)
    expect(evs.map((e) => e.seq)).toEqual(evs.map((_, i) => i + 1))
    expect(evs[0]).toMatchObject({ type: 'started', backend: { name: 'wasm' } })
    expect(evs.filter((e) => e.type === 'epoch')).toHaveLength(2)
    expect(evs.filter((e) => e.type === 'alphas')).toHaveLength(2)
    expect(evs.filter((e) => e.type === 'genotype')).toHaveLength(2)
    expect(evs.at(-1)).toMatchObject({ type: 'finished' })
    expect(existsSync(join(dir, 'checkpoints', 'latest.ckpt'))).toBe(true)
    reference = epochSummary(dir)
  }, 120_000)

  it('stops on SIGTERM with a checkpoint (exit 75) and resumes to the same result', async () => {
    const dir = await stoppedRun()
    expect(events(dir).at(-1)).toMatchObject({ type: 'stopped', signal: 'SIGTERM' })
    const resumed = hdarts(['search', '--resume', dir, '--json'])
    expect(resumed.code).toBe(0)
    expect(epochSummary(dir)).toEqual(reference)
    expect(events(dir).filter((e) => e.type === 'resumed')).toHaveLength(1)
  }, 120_000)

  it('a killed worker (SIGKILL, no checkpoint on the way out) resumes with no duplicated epochs', async () => {
    let killed = false
    await searchUntil(TINY_MORE, (_dir, evs, child) => {
      // Kill mid-way through epoch 1, after the epoch-0 checkpoint.
      if (!killed && evs.some((e) => e.type === 'checkpoint' && e.epoch === 1)) {
        killed = true
        child.kill('SIGKILL')
        // The CLI is gone; kill its worker too, as a crash of the whole app would.
        spawn('pkill', ['-KILL', '-f', `worker/main.ts ${_dir}`])
      }
    })
    const dir = newestRun()
    await new Promise((r) => setTimeout(r, 500))
    const resumed = hdarts(['search', '--resume', dir, '--json'])
    expect(resumed.code).toBe(0)
    expect(epochSummary(dir)).toEqual(reference)
    const seqs = events(dir).map((e) => e.seq)
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))
    // A finished run is never run again.
    const before = readFileSync(join(dir, 'events.jsonl'), 'utf8')
    const again = hdarts(['search', '--resume', dir])
    expect(again.code).toBe(0)
    expect(again.stderr).toMatch(/already finished/)
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toBe(before)
  }, 120_000)

  it('refuses bad input with exit 2 and one line, and never overwrites a damaged checkpoint', async () => {
    expect(hdarts(['search', '--preset', 'darts-1st-quick', '--set', 'epochs=-1']).code).toBe(2)
    const notRun = hdarts(['search', '--resume', runsDir])
    expect(notRun.code).toBe(2)
    expect(notRun.stderr).toMatch(/not a run directory/)
    // A stopped (resumable) run whose checkpoint then gets damaged.
    const dir = await stoppedRun()
    const ckpt = join(dir, 'checkpoints', 'latest.ckpt')
    const damaged = readFileSync(ckpt)
    const mid = damaged.length >> 1
    damaged.writeUInt8(damaged.readUInt8(mid) ^ 0xff, mid)
    writeFileSync(ckpt, damaged)
    rmSync(join(dir, 'checkpoints', 'previous.ckpt'), { force: true })
    const r = hdarts(['search', '--resume', dir])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/checksum mismatch/)
    expect(readFileSync(ckpt).equals(damaged)).toBe(true)
  }, 120_000)
})
