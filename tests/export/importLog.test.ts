/** `hdarts import darts-log` on a log in quark0/darts train_search.py's format, and `hdarts export` on the imported runs. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { importDartsLogCommand } from '../../src/cli/commands/import'
import { parseDartsLog } from '../../src/main/import/parseDartsLog'
import { deriveDarts } from '../../src/core/genotype/derive'
import { genotypesEqual } from '../../src/core/genotype/model'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { openStore } from '../../src/main/store/index'
import { hdarts, ROOT } from '../cli/run'

const LOG = join(ROOT, 'tests/fixtures/darts-log/log.txt')
const text = readFileSync(LOG, 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'hdarts-import-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const softmax = (r: number[]) => {
  const e = r.map((x) => Math.exp(x - Math.max(...r)))
  return e.map((x) => x / e.reduce((a, b) => a + b, 0))
}

/** Runs the command in-process (no subprocess per import); returns stdout and stderr. */
async function importLog(file: string, values: Record<string, string | boolean>) {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    const code = await importDartsLogCommand.run(values, [file])
    return {
      code,
      stdout: out.mock.calls.map((c) => String(c[0])).join(''),
      stderr: err.mock.calls.map((c) => String(c[0])).join(''),
    }
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

describe('parseDartsLog', () => {
  it('reads args, epochs, accuracies, genotypes and both 14×8 softmax(alpha) printouts', () => {
    const log = parseDartsLog(text)
    expect(log.args).toMatchObject({ epochs: 3, seed: 2, learning_rate: 0.025, unrolled: false, data: '../data', grad_clip: 5 })
    expect(log.paramSizeM).toBe(1.930618)
    expect(log.epochs.map((e) => [e.epoch, e.lr, e.trainAcc, e.validAcc])).toEqual([
      [0, 0.025, 25.44, 31.252],
      [1, 0.019, 40.608, 42.94],
      [2, 0.007, 49.86, 50.388],
    ])
    for (const e of log.epochs) {
      expect(e.normal).toHaveLength(14)
      expect(e.reduce).toHaveLength(14)
      expect(e.normal!.every((r) => r.length === 8)).toBe(true)
      expect(e.genotype.startsWith('Genotype(normal=[')).toBe(true)
    }
    expect(log.truncated).toBeNull()
    // DARTS derives the genotype from unrounded α; once α has moved, the printout re-derives it.
    for (const e of log.epochs.slice(1)) {
      const derived = deriveDarts(
        e.normal!.map((r) => r.map(Math.log)),
        e.reduce!.map((r) => r.map(Math.log)),
      )
      expect(genotypesEqual(derived, parseGenotypes(e.genotype)[0]!.genotype)).toBe(true)
    }
    expect((log.epochs[0]!.end - log.epochs[0]!.start) / 1000).toBeCloseTo(658.112, 3)
  })

  it("reads the stdout format too (datefmt '%m/%d %I:%M:%S %p')", () => {
    const stdout = text.replace(/^2019-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),\d{3} /gm, (_m, mo, d, h, mi, s) => {
      const hh = Number(h) % 12 || 12
      return `${mo}/${d} ${String(hh).padStart(2, '0')}:${mi}:${s} ${Number(h) >= 12 ? 'PM' : 'AM'} `
    })
    expect(stdout).toContain('06/25 03:09:42 PM valid_acc 31.252000')
    const log = parseDartsLog(stdout, new Date('2019-12-01T00:00:00Z'))
    expect(log.epochs).toHaveLength(3)
    expect(new Date(log.start!).toISOString()).toBe('2019-06-25T14:58:41.000Z')
  })
})

describe('hdarts import darts-log', () => {
  const db = join(dir, 'h.db')
  const runsDir = join(dir, 'runs')

  it('imports the fixture as a finished run: epochs, accuracies, α and genotypes land in the database', async () => {
    const r = await importLog(LOG, { db, 'runs-dir': runsDir, name: 'darts-seed2', json: true })
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc).toMatchObject({ method: 'darts', status: 'finished', epochs: 3, epochsTotal: 3, alphas: 3, truncated: null })
    const store = openStore(db)
    try {
      const run = store.getRun(doc.id)!
      expect(run).toMatchObject({
        kind: 'search',
        preset: null,
        method: 'darts',
        seed: 2,
        backend: 'pytorch-import',
        device: 'cuda:0',
      })
      expect(run.finalGenotype).toBe(parseDartsLog(text).epochs[2]!.genotype)
      const pct = (key: string) => store.metricSeries([doc.id], key).map((p) => Number((p.value * 100).toFixed(6)))
      expect(pct('valAcc')).toEqual([31.252, 42.94, 50.388])
      expect(pct('trainAcc')).toEqual([25.44, 40.608, 49.86])
      expect(store.genotypes(doc.id)).toHaveLength(3)
      const alphas = store.alphaSnapshots(doc.id)
      expect(alphas).toHaveLength(6)
      // Stored as log-probabilities: the app's softmax gives back the printed probabilities.
      const printed = parseDartsLog(text).epochs[2]!.normal!
      const stored = alphas.find((a) => a.epoch === 2 && a.cell === 'normal')!
      expect(softmax(stored.matrix[0]!).map((v) => Number(v.toFixed(4)))).toEqual(printed[0])
      expect(store.tags(doc.id)).toMatchObject({ source: 'pytorch-darts-log', name: 'darts-seed2' })
      const events = readFileSync(join(run.runDir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1))
      expect(events[0]).toMatchObject({ type: 'started', preset: null, backend: { name: 'pytorch-import' } })
    } finally {
      store.close()
    }
  })

  it('leaves out a truncated last epoch, reports it with its line, and marks the run failed', async () => {
    const cut = join(dir, 'cut.txt')
    const lines = text.split('\n')
    writeFileSync(cut, lines.slice(0, 100).join('\n') + '\n') // inside epoch 2's training
    const r = await importLog(cut, { db, 'runs-dir': runsDir, json: true })
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc).toMatchObject({ epochs: 2, status: 'failed', truncated: { epoch: 2, line: 92 } })
    expect(r.stderr).toMatch(/cut\.txt:92: epoch 2 has no valid_acc \(log cut short\); left out/)
  })

  const bad: [string, (t: string) => string, RegExp][] = [
    ['not a DARTS log', () => 'hello\nworld\n', /bad\.txt:\d+: no "epoch N lr X" line: not a DARTS search log$/],
    [
      'a broken genotype',
      (t) => t.replace("('dil_conv_3x3', 0), ('sep_conv_5x5', 1)", "('dil_conv_9x9', 0), ('sep_conv_5x5', 1)"),
      /bad\.txt:5: bad genotype: unknown op "dil_conv_9x9"/,
    ],
    ['epochs out of order', (t) => t.replace('epoch 1 lr', 'epoch 4 lr'), /bad\.txt:48: epoch 4 follows epoch 0; expected 1$/],
    ['a bad number', (t) => t.replace('train_acc 40.608000', 'train_acc nan%'), /bad\.txt:86: train_acc 'nan%' is not a number$/],
    [
      'only a partial first epoch',
      (t) => t.split('\n').slice(0, 20).join('\n'),
      /bad\.txt:4: the log ends inside epoch 0: no complete epoch to import$/,
    ],
  ]
  it.each(bad)('bad input: %s → one line, exit 2', async (_what, edit, message) => {
    const file = join(dir, 'bad.txt')
    writeFileSync(file, edit(text))
    await expect(importLog(file, { db, 'runs-dir': runsDir })).rejects.toThrow(message)
    const r = hdarts(['import', 'darts-log', file, '--db', db, '--runs-dir', runsDir])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('hdarts export (2 methods × 3 seeds, imported)', () => {
  const db = join(dir, 'export.db')
  const runsDir = join(dir, 'export-runs')

  it('writes a LaTeX, Markdown and CSV table grouped by method', async () => {
    for (const [save, seed] of [
      ['darts', 0],
      ['darts', 1],
      ['darts', 2],
      ['pc-darts', 0],
      ['pc-darts', 1],
      ['pc-darts', 2],
    ] as const) {
      const file = join(dir, `${save}-${seed}.txt`)
      const acc = (50 + seed + (save === 'pc-darts' ? 3 : 0)).toFixed(6)
      writeFileSync(
        file,
        text
          .replace('seed=2', `seed=${seed}`)
          .replace("save='search-EXP", `save='${save}-EXP`)
          .replace('valid_acc 50.388000', `valid_acc ${acc}`),
      )
      expect((await importLog(file, { db, 'runs-dir': runsDir })).code).toBe(0)
    }
    const tex = hdarts(['export', '--group-by', 'method', '--db', db, '--format', 'latex'])
    expect(tex.stderr).toBe('')
    expect(tex.code).toBe(0)
    expect(tex.stdout).toMatch(/^darts & 3 & \$51\.00 \\pm 1\.00\$ & .* & \$\\mathbf\{0\.55 \\pm 0\.00\}\$ \\\\$/m)
    expect(tex.stdout).toMatch(/^pc-darts & 3 & \$\\mathbf\{54\.00 \\pm 1\.00\}\$/m)
    expect(tex.stdout).toContain('Search cost (GPU-h)')
    const out = join(dir, 'table.md')
    expect(hdarts(['export', '--group-by', 'method', '--db', db, '--format', 'md', '--out', out]).code).toBe(0)
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(5)
    const store = openStore(db)
    const ids = store
      .listRuns()
      .map((r) => r.id)
      .slice(0, 2)
    store.close()
    const csv = hdarts(['export', '--runs', ids.join(','), '--db', db, '--format', 'csv'])
    expect(csv.code).toBe(0)
    expect(csv.stdout.trim().split('\n')).toHaveLength(3)
  }, 120_000)

  const bad: [string, string[], RegExp][] = [
    ['no --format', ['--group-by', 'method'], /--format is required \(latex, csv, md, bundle\)/],
    ['a bundle without --out', ['--group-by', 'method', '--format', 'bundle'], /--format bundle needs --out FILE\.zip/],
    ['an unknown format', ['--group-by', 'method', '--format', 'docx'], /unknown format 'docx'/],
    ['neither --runs nor --group-by', ['--format', 'md'], /give --runs ID,\.\.\. or --group-by KEY/],
    ['an unknown run', ['--runs', 'nope', '--format', 'md'], /no run matches "nope"/],
    ['an unknown key', ['--group-by', 'colour', '--format', 'md'], /no run has the config key 'colour'/],
  ]
  it.each(bad)('bad input: %s', (_what, args, message) => {
    const r = hdarts(['export', ...args, '--db', db])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})
