// FairDARTS (METHODS.md §3.8): sigmoid mixing over the ops without none, the zero-one loss (value by
// hand, gradient analytic and by finite differences), threshold derivation in FairDARTS's triples.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { deriveFairDarts } from '../../../src/core/genotype/derive'
import { genotypesEqual } from '../../../src/core/genotype/model'
import { parseGenotypes } from '../../../src/core/genotype/parse/index'
import { Rng } from '../../../src/core/rng'
import { DARTS_PRIMITIVES, FAIRDARTS_PRIMITIVES } from '../../../src/core/searchSpaces'
import { initBackend } from '../../../src/engine/backends'
import {
  FAIR_NB201_OPS,
  FairDartsMethod,
  FairNb201Method,
  zeroOneLoss,
} from '../../../src/engine/methods/parametrizations/fairDarts'
import { buildMethod, supernetConfigOf } from '../../../src/engine/methods/registry'
import { createSupernet } from '../../../src/engine/supernet/index'
import { gradCheck } from '../ops/helpers'
import { BACKENDS, methodEvent, runTinyEpoch, tinyOf } from './presetRun'

const sig = (x: number) => 1 / (1 + Math.exp(-x))
const ctx = { epoch: 0, epochs: 1, phase: 'arch' as const, rng: new Rng(1) }

beforeAll(async () => {
  await initBackend('cpu')
})

describe('zero-one loss (separate_loss.py)', () => {
  const A = [
    [0.3, -1.2, 2],
    [0, 0.7, -0.4],
  ]
  const B = [[1.5, -2.5, 0.1]]
  const all = [...A.flat(), ...B.flat()] // A[1][0] = 0: the l1 kink, where the subgradient must be 0 (PyTorch)

  it('l2: −mean((σ(α) − 0.5)²), l1: −mean|σ(α) − 0.5| over both matrices together', () => {
    const l2 = -all.reduce((s, x) => s + (sig(x) - 0.5) ** 2, 0) / all.length
    const l1 = -all.reduce((s, x) => s + Math.abs(sig(x) - 0.5), 0) / all.length
    tf.tidy(() => {
      const arch = [tf.tensor2d(A), tf.tensor2d(B)]
      expect(zeroOneLoss(arch, 'l2').dataSync()[0]).toBeCloseTo(l2, 7)
      expect(zeroOneLoss(arch, 'l1').dataSync()[0]).toBeCloseTo(l1, 7)
    })
  })

  it('gradient: −2(σ−0.5)σ(1−σ)/N (l2), −sign(σ−0.5)σ(1−σ)/N (l1), 1e-7; and finite differences (ε = 1e-2, < 1e-3)', () => {
    const arch = [tf.tensor2d(A), tf.tensor2d(B)]
    // Finite differences need a point away from the l1 kink.
    const smooth = [tf.tensor2d(A.map((row) => row.map((x) => (x === 0 ? 0.05 : x)))), tf.tensor2d(B)]
    for (const kind of ['l2', 'l1'] as const) {
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => zeroOneLoss([a as tf.Tensor2D, b as tf.Tensor2D], kind))(arch)
      const got = grads.flatMap((g) => Array.from(g.dataSync()))
      all.forEach((x, i) => {
        const s = sig(x)
        const d = kind === 'l2' ? 2 * (s - 0.5) : Math.sign(s - 0.5)
        expect(got[i]).toBeCloseTo((-d * s * (1 - s)) / all.length, 7)
      })
      tf.dispose(grads)
      const checks = gradCheck((a, b) => zeroOneLoss([a as tf.Tensor2D, b as tf.Tensor2D], kind), smooth, 3, 1e-2)
      for (const r of checks) expect(r.relError).toBeLessThan(1e-3)
    }
    tf.dispose([...arch, ...smooth])
  })
})

describe('FairDartsMethod', () => {
  const config = tinyOf('fair-darts-quick')
  const method = buildMethod(config, [8, 8, 1], 4) as FairDartsMethod
  const rng = new Rng(2)
  const values = [0, 1].map(() => Array.from({ length: 5 }, () => FAIRDARTS_PRIMITIVES.map(() => rng.normal())))

  it('builds the supernet over FAIRDARTS_PRIMITIVES (no none): α is [edges, 7]', () => {
    expect(method).toBeInstanceOf(FairDartsMethod)
    expect(method.net.config.ops).toEqual(FAIRDARTS_PRIMITIVES)
    expect(method.archSpecs.map((s) => s.shape)).toEqual([
      [5, 7],
      [5, 7],
    ])
    const withNone = createSupernet(supernetConfigOf(config, [8, 8, 1], 4, DARTS_PRIMITIVES))
    expect(() => new FairDartsMethod(withNone, config)).toThrow(/no 'none' op/)
  })

  it('mixing: σ(α) element-wise in every phase; regularizer w01·L01 with part zeroOne = L01', () => {
    tf.tidy(() => {
      const arch = values.map((v) => tf.tensor2d(v))
      for (const phase of ['weight', 'arch', 'eval'] as const) {
        const m = method.mixing(arch, { ...ctx, phase })
        expect((m.normal.arraySync() as number[][])[1]![2]).toBeCloseTo(sig(values[0]![1]![2]!), 6)
      }
      const r = method.archRegularizer(arch, ctx)!
      const l01 = zeroOneLoss(arch, 'l2').dataSync()[0]!
      expect(r.parts.zeroOne!.dataSync()[0]).toBeCloseTo(l01, 7)
      expect(r.loss.dataSync()[0]).toBeCloseTo(10 * l01, 6)
      const off = buildMethod(
        tinyOf('fair-darts-quick', { regularization: { ...config.regularization, zeroOne: { weight: 0, kind: 'l2' } } }),
        [8, 8, 1],
        4,
      )
      expect(off.archRegularizer(arch, ctx)).toBeNull()
    })
  })

  it('derives by threshold (σ ≥ 0.85): nodes with 0–2 inputs, FairDARTS triples, skips of the derived cell only', () => {
    const low = () => Array.from({ length: 5 }, () => Array<number>(7).fill(-3))
    const [n, r] = [low(), low()]
    const col = (op: string) => (FAIRDARTS_PRIMITIVES as readonly string[]).indexOf(op)
    n[0]![col('sep_conv_3x3')] = 3 // σ 0.95: kept
    n[1]![col('skip_connect')] = 1 // σ 0.73: below the threshold, dropped (and not counted)
    n[4]![col('skip_connect')] = 2.5 // σ 0.92
    n[3]![col('max_pool_3x3')] = 2 // σ 0.88
    const d = method.derive([n, r])
    expect(d.text).toBe(
      "Genotype(normal=[('sep_conv_3x3', 2, 0), ('skip_connect', 3, 2), ('max_pool_3x3', 3, 1)], normal_concat=range(2, 4), " +
        'reduce=[], reduce_concat=range(2, 4))',
    )
    expect([d.format, d.skipsNormal, d.skipsReduce]).toEqual(['fair', 1, 0])
  })

  it('writes triples even when every node has two inputs, and the core parser reads them back', () => {
    const high = () => Array.from({ length: 5 }, (_, e) => FAIRDARTS_PRIMITIVES.map((_, k) => (k === e % 7 ? 3 : -3)))
    const d = method.derive([high(), high()])
    expect(d.text).toMatch(/^Genotype\(normal=\[\('max_pool_3x3', 2, 0\), \('avg_pool_3x3', 2, 1\), /)
    const parsed = parseGenotypes(d.text)[0]!
    expect(parsed.format).toBe('fairdarts')
    const g = deriveFairDarts(high(), high(), { ops: FAIRDARTS_PRIMITIVES, steps: 2, multiplier: 2, threshold: 0.85 })
    expect(genotypesEqual(parsed.genotype, g)).toBe(true)
  })

  it('alpha snapshot: σ(α) (rows need not sum to 1)', () => {
    const s = method.alphaSnapshot(values)
    expect(s.ops).toEqual(FAIRDARTS_PRIMITIVES)
    expect(s.normal[0]![0]).toBeCloseTo(sig(values[0]![0]![0]!), 12)
  })
})

describe('fair-darts-quick on the tiny search', () => {
  it.each(BACKENDS)(
    '%s: runs an epoch without leaking; the method event carries zeroOne; genotype format fair',
    async (b) => {
      const events = await runTinyEpoch(tinyOf('fair-darts-quick'), b)
      const m = methodEvent(events)
      expect(Object.keys(m.scalars)).toEqual(['zeroOne'])
      expect(m.scalars.zeroOne).toBeLessThanOrEqual(0)
      expect(m.scalars.zeroOne).toBeGreaterThanOrEqual(-0.25)
      expect(events.find((e) => e.type === 'genotype')).toMatchObject({ format: 'fair' })
      expect(events.find((e) => e.type === 'alphas')).toMatchObject({ ops: FAIRDARTS_PRIMITIVES })
    },
    120_000,
  )
})

describe('sigmoid mixing on NAS-Bench-201 (FairNb201Method)', () => {
  const config = tinyOf('fair-darts-quick', { space: 'nb201', layers: 1 })
  const method = buildMethod(config, [8, 8, 1], 4) as FairNb201Method

  it('builds the NB201 cell without none: one α [6, 4]; σ mixing; zero-one loss on it', () => {
    expect(method).toBeInstanceOf(FairNb201Method)
    expect(method.net.config.ops).toEqual(['skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'])
    expect(method.archSpecs.map((s) => s.shape)).toEqual([[6, 4]])
    tf.tidy(() => {
      const a = tf.tensor2d([[0.5, -1, 2, 0]].concat(Array(5).fill([0, 0, 0, 0])))
      expect((method.mixing([a], ctx).normal.arraySync() as number[][])[0]![2]).toBeCloseTo(sig(2), 6)
      expect(method.archRegularizer([a], ctx)!.parts.zeroOne!.dataSync()[0]).toBeCloseTo(zeroOneLoss([a], 'l2').dataSync()[0]!, 7)
    })
  })

  it('derives per edge: the best op if σ ≥ threshold, else none (the NB201 spelling of a missing edge)', () => {
    const a = Array.from({ length: 6 }, () => Array<number>(4).fill(-3))
    const col = (op: string) => (FAIR_NB201_OPS as readonly string[]).indexOf(op)
    a[0]![col('nor_conv_3x3')] = 3 // 1←0
    a[2]![col('skip_connect')] = 2 // 2←1
    a[3]![col('avg_pool_3x3')] = 2.5 // 3←0
    a[4]![col('nor_conv_1x1')] = 1 // 3←1: σ 0.73 < 0.85
    a[5]![col('skip_connect')] = 3 // 3←2
    const d = method.derive([a])
    expect(d.text).toBe('|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|skip_connect~2|')
    expect([d.format, d.skipsNormal]).toEqual(['nb201', 2])
  })

  it('runs an epoch on wasm without leaking', async () => {
    const events = await runTinyEpoch(config, 'wasm')
    expect(methodEvent(events).scalars).toHaveProperty('zeroOne')
    expect(events.find((e) => e.type === 'genotype')).toMatchObject({ format: 'nb201' })
  }, 120_000)
})
