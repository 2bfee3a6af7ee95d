// `hdarts eval` through the real entry point: bad input leaves nothing behind; a tiny darts-eval-quick
// run on Fashion-MNIST finishes, learns and lands in the database; SIGTERM stops it resumably and
// --resume finishes it without repeating an epoch.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { createNetworkCIFAR, countEvalParams } from '../../src/engine/eval/network'
import { openStore } from '../../src/main/store'
import { hdarts, ROOT } from '../cli/run'
import { DARTS_V2 } from '../core/helpers/fixtureGenotypes'

const dir = mkdtempSync(join(tmpdir(), 'hdarts-cli-eval-'))
afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }))
const GENOTYPES = join(ROOT, 'resources/genotypes/darts.py')
const FMNIST = '/usr/share/datasets/fashion-mnist'
// Tiny: ≈10 s an epoch on a quiet 2-core machine, still clearly above chance after 2 epochs (measured 0.45).
const TINY = ['C=4', 'layers=3', 'epochs=2', 'lr=0.1', 'limitTrain=600', 'limitTest=300'].flatMap((s) => ['--set', s])

const events = (runDir: string): RunEvent[] =>
  readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunEvent)

describe('hdarts eval: bad input', () => {
  const nb201 = join(dir, 'nb201.txt')
  const garbled = join(dir, 'garbled.py')
  writeFileSync(nb201, '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|\n')
  writeFileSync(garbled, "DARTS = Genotype(normal=[('sep_conv_3x3', 0), (\n")
  const cases: [string, string[], RegExp][] = [
    ['a missing genotype file', ['--genotype', join(dir, 'none.py'), '--preset', 'darts-eval-quick'], /no such file/],
    ['a garbled genotype file', ['--genotype', garbled, '--preset', 'darts-eval-quick'], /garbled\.py:/],
    [
      'a name not in the file',
      ['--genotype', GENOTYPES, '--name', 'NOPE', '--preset', 'darts-eval-quick'],
      /no genotype named "NOPE"/,
    ],
    ['several genotypes and no --name', ['--genotype', GENOTYPES, '--preset', 'darts-eval-quick'], /pick one with --name/],
    ['an NB201 genotype', ['--genotype', nb201, '--preset', 'darts-eval-quick'], /NAS-Bench-201/],
    ['an unknown preset', ['--genotype', GENOTYPES, '--name', 'DARTS_V2', '--preset', 'darts-1st-quick'], /unknown preset/],
    ['no preset', ['--genotype', GENOTYPES, '--name', 'DARTS_V2'], /--preset is required/],
    ['a bad --set', ['--genotype', GENOTYPES, '--name', 'DARTS_V2', '--preset', 'darts-eval-quick', '--set', 'C=abc'], /'C'/],
    [
      'an unknown --set key',
      ['--genotype', GENOTYPES, '--name', 'DARTS_V2', '--preset', 'darts-eval-quick', '--set', 'method=darts'],
      /method/,
    ],
  ]
  for (const [what, args, message] of cases)
    it(`refuses ${what}: one line, exit 2, nothing created`, () => {
      const out = join(dir, `bad-${what.replace(/\W+/g, '-')}`)
      const r = hdarts(['eval', ...args, '--runs-dir', join(out, 'runs'), '--db', join(out, 'db.sqlite')])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(existsSync(out)).toBe(false)
    })

  it('refuses to resume a directory that is no run', () => {
    const r = hdarts(['eval', '--resume', dir, '--db', join(dir, 'x.db')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/not a run directory/)
  })
})

describe.skipIf(!existsSync(FMNIST))('hdarts eval on Fashion-MNIST (skipped: no /usr/share/datasets/fashion-mnist)', () => {
  it('trains DARTS_V2, records it in the run directory and the database', { timeout: 120_000 }, () => {
    const [runs, db] = [join(dir, 'ok', 'runs'), join(dir, 'ok', 'db.sqlite')]
    const args = ['eval', '--genotype', GENOTYPES, '--name', 'DARTS_V2', '--preset', 'darts-eval-quick', ...TINY]
    const r = hdarts([...args, '--runs-dir', runs, '--db', db, '--json'], undefined, 110_000)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout) as { runId: string; runDir: string; status: string; testAcc: number; params: number }
    expect(doc.status).toBe('finished')
    const run = JSON.parse(readFileSync(join(doc.runDir, 'run.json'), 'utf8'))
    expect(run.kind).toBe('eval')
    expect(run.genotype.name).toBe('DARTS_V2')
    expect(run.config).toMatchObject({ C: 4, layers: 3, epochs: 2, dataset: 'fashion-mnist' })

    const log = events(doc.runDir)
    const epochs = log.filter((e) => e.type === 'evalEpoch')
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1])
    const fin = log.at(-1)!
    if (fin.type !== 'finished' || !('kind' in fin)) throw new Error(`last event: ${JSON.stringify(fin)}`)
    expect(fin.testAcc).toBeGreaterThan(0.2) // chance is 0.1
    const counted = countEvalParams(
      createNetworkCIFAR({
        genotype: DARTS_V2,
        C: 4,
        layers: 3,
        numClasses: 10,
        auxiliary: true,
        inputChannels: 1,
        inputSize: 32,
      }),
    )
    expect(fin.params).toBe(counted.params)
    expect(fin.paramsWithAux).toBe(counted.params + counted.auxParams)
    expect(fin.auxiliary).toBe(true)
    expect(fin.flops).toBeGreaterThan(0)
    expect(doc.testAcc).toBe(fin.testAcc)

    const store = openStore(db)
    try {
      const row = store.getRun(doc.runId)!
      expect(row).toMatchObject({ status: 'finished', kind: 'eval', method: 'eval', epochsDone: 2, epochsTotal: 2, progress: 1 })
      const metrics = store.latestMetrics([doc.runId])[doc.runId]!
      expect(metrics.testAcc).toBeCloseTo(fin.testAcc, 6)
      expect(metrics.testLoss).toBeGreaterThan(0)
    } finally {
      store.close()
    }
  })

  it('stops on SIGTERM with exit 75 and resumes to the end without repeating an epoch', { timeout: 120_000 }, async () => {
    const [runs, db] = [join(dir, 'stop', 'runs'), join(dir, 'stop', 'db.sqlite')]
    const sets = [...TINY, '--set', 'limitTrain=400', '--set', 'limitTest=200']
    const args = ['eval', '--genotype', GENOTYPES, '--name', 'DARTS', '--preset', 'darts-eval-quick', ...sets]
    const child = spawn(process.execPath, [join(ROOT, 'bin/hdarts.js'), ...args, '--runs-dir', runs, '--db', db, '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
    // Stop early in epoch 2: right after epoch 1's checkpoint.
    let runDir = ''
    for (let i = 0; i < 1200 && !runDir; i++) {
      await new Promise((res) => setTimeout(res, 50))
      const ids = existsSync(runs) ? readdirSync(runs) : []
      const d = ids[0] ? join(runs, ids[0]) : ''
      if (d && existsSync(join(d, 'events.jsonl')) && events(d).some((e) => e.type === 'checkpoint')) runDir = d
    }
    expect(runDir).not.toBe('')
    child.kill('SIGTERM')
    expect(await exited).toBe(75)
    expect(events(runDir).at(-1)?.type).toBe('stopped')

    const r = hdarts(['eval', '--resume', runDir, '--db', db, '--json'], undefined, 100_000)
    expect(r.code).toBe(0)
    const log = events(runDir)
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1))
    expect(log.filter((e) => e.type === 'evalEpoch').map((e) => e.epoch)).toEqual([0, 1])
    expect(log.some((e) => e.type === 'resumed')).toBe(true)
    expect(log.at(-1)?.type).toBe('finished')
    const store = openStore(db)
    try {
      expect(store.getRun(JSON.parse(r.stdout).runId)).toMatchObject({ status: 'finished', epochsDone: 2 })
    } finally {
      store.close()
    }
  })
})
