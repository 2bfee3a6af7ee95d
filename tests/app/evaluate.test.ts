/**
 * `runs.evaluate` and `runs.estimateEval` against a RunService that is never started (runs stay queued):
 * an evaluation is queued like a search, bad genotype text and genotypes the eval network cannot train
 * are refused with one line before anything is written, and the estimate counts the network as DARTS does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getEvalPreset } from '../../src/core/config/eval'
import { countNetworkCIFAR } from '../../src/core/metrics/params'
import { ApiError, type EvalEstimate, type PresetsResponse, type RunDetail, type RunSummary } from '../../src/shared/api'
import { DARTS_V2 } from '../core/helpers/fixtureGenotypes'
import { makeApp, ROOT } from './helpers'

const { app, dir } = makeApp()
const call = (op: string, body: unknown = {}) => app.handle(op, body)
const failure = async (op: string, body: unknown): Promise<ApiError> => {
  const err = await call(op, body).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ApiError)
  return err as ApiError
}
const LIBRARY = readFileSync(join(ROOT, 'resources/genotypes/darts.py'), 'utf8')
const runDirs = () => (existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')).filter((f) => !f.startsWith('.')) : [])

describe('runs.evaluate', () => {
  it('refuses bad input with one line and writes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ genotype: "Genotype(normal=[('sep_conv_3x3', 0), (", preset: 'darts-eval-quick' }, /^genotype:/],
      [{ genotype: 'hello world', preset: 'darts-eval-quick' }, /^genotype:/],
      [{ genotype: LIBRARY, preset: 'darts-eval-quick' }, /holds \d+ genotypes .*pick one/],
      [{ genotype: LIBRARY, name: 'NOPE', preset: 'darts-eval-quick' }, /no genotype named "NOPE"/],
      [
        {
          genotype: '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|',
          preset: 'darts-eval-quick',
        },
        /NAS-Bench-201/,
      ],
      [{ genotype: LIBRARY, name: 'DARTS_V2', preset: 'darts-1st-quick' }, /preset/],
      [{ genotype: LIBRARY, name: 'DARTS_V2', preset: 'darts-eval-quick', sets: ['C=abc'] }, /'C'/],
      [{ genotype: LIBRARY, name: 'DARTS_V2', preset: 'darts-eval-quick', sets: ['method=darts'] }, /method/],
    ]
    for (const [body, message] of cases) {
      const e = await failure('runs.evaluate', body)
      expect(e.code, String(message)).toBe('bad-request')
      expect(e.message).toMatch(message)
      expect(e.message).not.toContain('\n')
    }
    const motif =
      "HGenotype(normal_motifs=[[[('sep_conv_3x3', 0)], [('identity', 0), ('max_pool_3x3', 1)]]], normal=[[('motif_0', 0), ('motif_0', 1)]], normal_concat=[2], reduce_motifs=[[[('identity', 0)], [('identity', 1)]]], reduce=[[('motif_0', 0), ('motif_0', 1)]], reduce_concat=[2])"
    expect((await failure('runs.evaluate', { genotype: motif, preset: 'darts-eval-quick' })).message).toMatch(/HDARTS motif/)
    expect(runDirs()).toEqual([])
  })

  it('queues an evaluation like a search: summary, run.json, detail, refused duplicate', async () => {
    const s = (await call('runs.evaluate', {
      genotype: LIBRARY,
      name: 'DARTS_V2',
      preset: 'darts-eval-quick',
      sets: ['epochs=2', 'C=4'],
      priority: 5,
    })) as RunSummary
    expect(s).toMatchObject({ kind: 'eval', method: 'eval', preset: 'darts-eval-quick', status: 'queued', lastTestAcc: null })
    expect(runDirs()).toEqual([s.id])
    const run = JSON.parse(readFileSync(join(dir, 'runs', s.id, 'run.json'), 'utf8'))
    expect(run).toMatchObject({ kind: 'eval', genotype: { name: 'DARTS_V2' }, config: { epochs: 2, C: 4 } })
    const d = (await call('runs.get', { id: s.id })) as RunDetail
    expect(d.evaluation).toEqual({ genotype: run.genotype, result: null })
    expect(((await call('runs.list', { query: 'eval' })) as RunSummary[]).map((r) => r.id)).toContain(s.id)
    expect((await failure('runs.duplicate', { id: s.id })).message).toMatch(/only searches can be duplicated/)
    // Pasted text of one unnamed genotype needs no name.
    const one = (await call('runs.evaluate', {
      genotype: run.genotype.text,
      preset: 'darts-eval',
    })) as RunSummary
    expect(one).toMatchObject({ kind: 'eval', dataset: 'cifar10', status: 'queued' })
  })

  it('lists the eval presets', async () => {
    const p = (await call('presets.list')) as PresetsResponse
    expect(p.evalPresets.map((x) => x.name)).toEqual(['darts-eval', 'darts-eval-quick'])
  })
})

describe('runs.estimateEval', () => {
  it('counts the network as DARTS does and has no time before a finished evaluation', async () => {
    const e = (await call('runs.estimateEval', { genotype: LIBRARY, name: 'DARTS_V2', preset: 'darts-eval' })) as EvalEstimate
    const c = getEvalPreset('darts-eval').config
    const cost = countNetworkCIFAR(DARTS_V2, { channels: c.C, layers: c.layers, classes: 10, auxiliary: true, inputSize: 32 })
    expect(e).toMatchObject({ params: cost.params, flops: cost.flops, weights: cost.paramsWithAux, epochs: 600, seconds: null })
    // DARTS reports 3.3 M parameters for its CIFAR-10 network.
    expect(e.params / 1e6).toBeCloseTo(3.3, 1)
    expect(e.memoryBytes).toBeGreaterThan(150 * 2 ** 20)
    expect((await failure('runs.estimateEval', { genotype: 'x', preset: 'darts-eval' })).code).toBe('bad-request')
  })
})
