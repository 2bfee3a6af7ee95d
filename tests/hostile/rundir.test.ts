/**
 * Hostile input, surface 3: run directories with damaged files, through the real CLI and worker on the
 * real Fashion-MNIST. A corrupt line in events.jsonl is reported with its line number and the run
 * resumes from the last good event before it (the damaged log kept beside it); a damaged latest.ckpt
 * falls back to previous.ckpt and says so; when nothing can be resumed, one line and exit 2. The store
 * reads the same damaged log by the same rule.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { openStore } from '../../src/main/store'
import { hdarts, ROOT } from '../cli/run'
import { tally } from './tally'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
const haveData = existsSync(FMNIST)
if (!haveData)
  console.log(`skipping the damaged-run-directory tests: ${FMNIST} is missing (apt-get install dataset-fashion-mnist)`)
const tried = tally('damaged run directories')

const TINY = [
  '--preset',
  'darts-1st-quick',
  ...['limitPerHalf=40', 'batchSize=8', 'C=2', 'layers=3', 'steps=2', 'multiplier=2', 'epochs=3'].flatMap((s) => ['--set', s]),
]
const runsDir = mkdtempSync(join(tmpdir(), 'hdarts-hostile-runs-'))
afterAll(() => rmSync(runsDir, { recursive: true, force: true }))

const lines = (dir: string): string[] => readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean)
const events = (dir: string): RunEvent[] => lines(dir).map((l) => JSON.parse(l) as RunEvent)

/** A run stopped by SIGTERM in its last epoch: previous.ckpt at the end of epoch 2, latest.ckpt mid-epoch 3. */
let stopped = ''
beforeAll(async () => {
  if (!haveData) return
  const child = spawn(process.execPath, [join(ROOT, 'bin/hdarts.js'), 'search', ...TINY, '--runs-dir', runsDir], {
    stdio: 'ignore',
  })
  let signalled = false
  const timer = setInterval(() => {
    const d = readdirSync(runsDir)[0]
    if (!d || !existsSync(join(runsDir, d, 'events.jsonl'))) return
    if (!signalled && events(join(runsDir, d)).some((e) => e.type === 'checkpoint' && e.epoch === 2)) {
      signalled = true
      child.kill('SIGTERM')
    }
  }, 100)
  const code = await new Promise<number | null>((r) => child.on('exit', r))
  clearInterval(timer)
  expect(code).toBe(75)
  stopped = join(runsDir, readdirSync(runsDir)[0]!)
}, 300_000)

let n = 0
/** A copy of the stopped run (same id: each case is its own run directory, as a user's backup would be). */
const copy = (): string => {
  const dir = join(
    runsDir,
    `case-${++n}`,
    readdirSync(runsDir).find((d) => !d.startsWith('case-'))!,
  )
  cpSync(stopped, dir, { recursive: true })
  return dir
}
const corruptLine = (dir: string, seq: number): void => {
  const ls = lines(dir)
  ls[seq - 1] = '{"seq": ' + seq + ', "type": "epoch", garbage'
  writeFileSync(join(dir, 'events.jsonl'), ls.join('\n') + '\n')
}
const checkpointSeqs = (dir: string): number[] => events(dir).flatMap((e) => (e.type === 'checkpoint' ? [e.seq] : []))
const resume = (dir: string) => hdarts(['search', '--resume', dir, '--db', join(dir, '..', 'hdarts.db')], undefined, 300_000)

describe.skipIf(!haveData)('damaged run directories resume from what is good, and say so', () => {
  it('a corrupt line after the newest checkpoint: resumed from it, the line named, the log kept', () => {
    const dir = copy()
    const last = events(dir).length // the 'stopped' line
    corruptLine(dir, last)
    const r = resume(dir)
    tried.add()
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(
      new RegExp(`warning: .*events\\.jsonl:${last}: not a run event \\(not JSON\\); the run resumes from the last good event`),
    )
    expect(existsSync(join(dir, 'events.jsonl.damaged-1'))).toBe(true)
    const evs = events(dir)
    expect(evs.map((e) => e.seq)).toEqual(evs.map((_, i) => i + 1))
    expect(evs.find((e) => e.type === 'resumed')).toMatchObject({ warnings: [expect.stringMatching(/not a run event/)] })
    expect(evs.at(-1)).toMatchObject({ type: 'finished' })
  }, 300_000)

  it('a corrupt line before the newest checkpoint: resumed from previous.ckpt, which says so', () => {
    const dir = copy()
    const [, , lastCkptEvent] = checkpointSeqs(dir) // epoch 1, epoch 2, then the SIGTERM checkpoint
    corruptLine(dir, lastCkptEvent!)
    const r = resume(dir)
    tried.add()
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/warning: resumed from previous\.ckpt, an older checkpoint: .*latest\.ckpt: covers events up to seq/)
    expect(events(dir).at(-1)).toMatchObject({ type: 'finished' })
  }, 300_000)

  it('a damaged latest.ckpt: resumed from previous.ckpt, the loss of work said on the CLI and in the events', () => {
    const dir = copy()
    const file = join(dir, 'checkpoints', 'latest.ckpt')
    const bytes = readFileSync(file)
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff
    writeFileSync(file, bytes)
    const r = resume(dir)
    tried.add()
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/warning: resumed from previous\.ckpt, an older checkpoint: .*latest\.ckpt: checksum mismatch/)
    expect(events(dir).find((e) => e.type === 'resumed')).toMatchObject({
      warnings: [expect.stringMatching(/checksum mismatch/)],
    })
  }, 300_000)

  it('a corrupt line before every checkpoint: nothing can be resumed, one line, exit 2, nothing changed', () => {
    const dir = copy()
    corruptLine(dir, 2)
    const before = readFileSync(join(dir, 'events.jsonl'))
    const r = resume(dir)
    tried.add()
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/nothing can be resumed/)
    expect(readFileSync(join(dir, 'events.jsonl')).equals(before)).toBe(true)
    // The store reads the same log by the same rule: the one good event, and the damage named.
    const store = openStore(':memory:')
    const ing = store.ingestRunDir(dir)
    tried.add()
    expect(ing.added).toBe(1)
    expect(ing.damage).toMatch(/events\.jsonl:2: not a run event \(not JSON\)/)
    store.close()
  }, 300_000)
})
