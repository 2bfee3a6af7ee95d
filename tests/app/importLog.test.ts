/**
 * `runs.importLog` through the AppService (real store in a temp dir): the fixture DARTS log becomes a
 * finished run with its epochs, α and genotypes, as `hdarts import darts-log` makes it; a bad log is
 * refused with the parser's one line and leaves neither a run directory nor a row behind.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDartsLog } from '../../src/main/import/parseDartsLog'
import { ApiError, type ImportLogResponse, type LiveEvent, type RunDetail, type RunSummary } from '../../src/shared/api'
import { makeApp, ROOT } from './helpers'

const { app, store, dir } = makeApp()
const call = (op: string, body: unknown = {}) => app.handle(op, body)
const failure = async (body: unknown): Promise<ApiError> => {
  const err = await call('runs.importLog', body).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ApiError)
  return err as ApiError
}
const text = readFileSync(join(ROOT, 'tests/fixtures/darts-log/log.txt'), 'utf8')
const runDirs = () => (existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')).filter((f) => !f.startsWith('.')) : [])

describe('runs.importLog', () => {
  it('refuses bad logs with the parser’s one line and writes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ text: 'hello\nworld\n', fileName: 'notes.txt' }, /^notes\.txt:\d+: no "epoch N lr X" line: not a DARTS search log$/],
      [{ text: text.replace('epoch 1 lr', 'epoch 4 lr') }, /^<pasted>:48: epoch 4 follows epoch 0; expected 1$/],
      [
        {
          text: text.replace("('dil_conv_3x3', 0), ('sep_conv_5x5', 1)", "('dil_conv_9x9', 0), ('sep_conv_5x5', 1)"),
          fileName: 'log.txt',
        },
        /^log\.txt:5: bad genotype: unknown op "dil_conv_9x9"/,
      ],
      [{ text: text.split('\n').slice(0, 20).join('\n') }, /:4: the log ends inside epoch 0: no complete epoch to import$/],
      [{ text: '' }, /^runs\.importLog: text: /],
      [{ text, extra: 1 }, /^runs\.importLog: /],
    ]
    for (const [body, message] of cases) {
      const e = await failure(body)
      expect(e.code, String(message)).toBe('bad-request')
      expect(e.message).toMatch(message)
      expect(e.message).not.toContain('\n')
    }
    expect(runDirs()).toEqual([])
    expect(store.listRuns()).toEqual([])
  })

  it('imports the fixture as a finished run: summary, epochs, α, genotypes, tags, a live event', async () => {
    const seen: LiveEvent[] = []
    const off = app.subscribe((e) => seen.push(e))
    const r = (await call('runs.importLog', { text, fileName: 'log.txt', name: 'darts-seed2' })) as ImportLogResponse
    off()
    expect(r).toMatchObject({ epochs: 3, alphas: 3, truncated: null })
    expect(r.run).toMatchObject({
      kind: 'search',
      method: 'darts',
      dataset: 'cifar10',
      seed: 2,
      status: 'finished',
      epochsDone: 3,
      epochsTotal: 3,
      backend: 'pytorch-import',
      tags: { source: 'pytorch-darts-log', log: 'log.txt', name: 'darts-seed2' },
    })
    expect(r.run.lastValAcc).toBeCloseTo(0.50388, 6)
    expect(r.run.finalGenotype).toBe(parseDartsLog(text).epochs[2]!.genotype)
    expect(runDirs()).toEqual([r.run.id])
    expect(r.runDir).toBe(join(dir, 'runs', r.run.id))
    expect(seen).toContainEqual({ type: 'run-updated', run: r.run })

    const d = (await call('runs.get', { id: r.run.id })) as RunDetail
    expect(d.metrics.valAcc!.map((p) => [p.step, Number((p.value * 100).toFixed(6))])).toEqual([
      [0, 31.252],
      [1, 42.94],
      [2, 50.388],
    ])
    expect(d.genotypes.map((g) => g.epoch)).toEqual([0, 1, 2])
    expect(d.alphas).toHaveLength(6)
    expect(d.alphas.every((a) => a.matrix.length === 14 && a.ops.length === 8)).toBe(true)
    const listed = (await call('runs.list', { query: 'darts-seed2' })) as RunSummary[]
    expect(listed.map((s) => s.id)).toEqual([r.run.id])
  })

  it('imports a log cut short as a failed run and says which epoch was left out; pasted text is tagged so', async () => {
    const r = (await call('runs.importLog', { text: text.split('\n').slice(0, 100).join('\n') })) as ImportLogResponse
    expect(r).toMatchObject({ epochs: 2, truncated: { epoch: 2, line: 92 } })
    expect(r.run).toMatchObject({ status: 'failed', epochsDone: 2, epochsTotal: 3, tags: { log: '<pasted>' } })
    expect(r.run.tags.name).toBeUndefined()
    // The method is read from the name, as the CLI does.
    const pc = (await call('runs.importLog', { text, name: 'pc-darts-s0' })) as ImportLogResponse
    expect(pc.run.method).toBe('pc-darts')
  })
})
