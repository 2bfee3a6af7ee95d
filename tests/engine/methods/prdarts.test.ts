// PR-DARTS (METHODS.md §3.2): hard-concrete gates, top-k straight-through, the group/path regularizer
// against a hand computation written in PR-DARTS's own column order, τ, derivation, and the preset.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { getPreset } from '../../../src/core/config/search'
import type { RunEventBody } from '../../../src/core/events'
import { PRDARTS_OPS, PRDARTS_TO_DARTS } from '../../../src/core/genotype/derive'
import { Rng } from '../../../src/core/rng'
import { DARTS_PRIMITIVES } from '../../../src/core/searchSpaces'
import { initBackend } from '../../../src/engine/backends'
import {
  expectedGate,
  gateProbability,
  hardConcreteGates,
  hardMixing,
  logisticNoise,
  straightThrough,
  topKMask,
} from '../../../src/engine/methods/parametrizations/gates'
import { buildMethod, supernetConfigOf } from '../../../src/engine/methods/registry'
import {
  annealedTau,
  PrDartsMethod,
  prDartsLayout,
  prDartsRegularizer,
} from '../../../src/engine/methods/parametrizations/prDarts'
import type { MethodContext } from '../../../src/engine/methods/types'
import { restoreSnapshot, takeSnapshot } from '../../../src/engine/search/snapshot'
import { buildCells } from '../../../src/engine/supernet/index'
import { disposeSearch, tinySearch } from '../search/helpers'
import { gradCheck } from '../ops/helpers'
import { BACKENDS, methodEvent, runTinyEpoch, tinyOf } from './presetRun'

const STRETCH = { a: -0.1, b: 1.1 }
const sig = (x: number) => 1 / (1 + Math.exp(-x))
const ctxOf = (phase: MethodContext['phase'], rng = new Rng(3), epoch = 0, epochs = 10): MethodContext => ({
  epoch,
  epochs,
  phase,
  rng,
})
const rows = (t: tf.Tensor): number[][] => t.arraySync() as number[][]

beforeAll(async () => {
  await initBackend('cpu')
})

describe('hard-concrete gates', () => {
  it('match the analytic P(g>0), P(g=1) and the quadrature mean E[g] (20,000 draws per value; bound 0.02)', () => {
    const alphas = [-1, 0, 0.5, 2]
    const n = 20000
    for (const tau of [0.5, 1]) {
      const rng = new Rng(11)
      const g = tf.tidy(() => {
        const alpha = tf.tile(tf.tensor2d([alphas]), [n, 1]) as tf.Tensor2D
        const noise = tf.tensor2d(logisticNoise(rng, n * alphas.length), [n, alphas.length])
        return hardConcreteGates(alpha, noise, tau, STRETCH).dataSync()
      })
      alphas.forEach((alpha, c) => {
        let [sum, nonZero, ones] = [0, 0, 0]
        for (let r = 0; r < n; r++) {
          const v = g[r * alphas.length + c]!
          sum += v
          nonZero += v > 0 ? 1 : 0
          ones += v === 1 ? 1 : 0
        }
        // g > 0 ⇔ α + L > τ·ln(−a/b); g = 1 ⇔ α + L ≥ τ·ln((1−a)/(b−1)), L logistic.
        expect(Math.abs(nonZero / n - sig(alpha - tau * Math.log(-STRETCH.a / STRETCH.b)))).toBeLessThan(0.02)
        expect(Math.abs(ones / n - sig(alpha - tau * Math.log((1 - STRETCH.a) / (STRETCH.b - 1))))).toBeLessThan(0.02)
        expect(Math.abs(sum / n - expectedGate(alpha, tau, STRETCH))).toBeLessThan(0.02)
      })
    }
  })

  it('straight-through: the forward is exactly the 0/1 mask; the gradient is ∂g/∂α (masked: M ⊙ ∂g/∂α)', () => {
    const rng = new Rng(5)
    const [R, C, tau] = [3, 8, 0.6]
    const alphaValues = Float32Array.from({ length: R * C }, (_, i) => (i % 5 === 0 ? 4 * (i % 2 ? 1 : -1) : rng.normal()))
    const noiseValues = logisticNoise(rng, R * C)
    const weights = Float32Array.from({ length: R * C }, () => rng.normal())
    const alpha = tf.tensor2d(alphaValues, [R, C])
    const noise = tf.tensor2d(noiseValues, [R, C])
    const Rw = tf.tensor2d(weights, [R, C])
    const g = hardConcreteGates(alpha, noise, tau, STRETCH)
    const mask = topKMask(g.dataSync(), R, C, 2)
    expect(Array.from(tf.tidy(() => straightThrough(g, mask)).dataSync())).toEqual(Array.from(mask))
    expect(Array.from(tf.tidy(() => hardMixing({ gates: g, mask })).dataSync())).toEqual(Array.from(mask))

    // ∂g/∂α in float64: (b−a)·s(1−s)/τ inside the clamp, 0 where it clamps.
    const dg = Array.from(alphaValues, (a, i) => {
      const s = sig((a + noiseValues[i]!) / tau)
      const raw = s * (STRETCH.b - STRETCH.a) + STRETCH.a
      return raw > 0 && raw < 1 ? ((STRETCH.b - STRETCH.a) * s * (1 - s)) / tau : 0
    })
    expect(dg.filter((d) => d === 0).length).toBeGreaterThan(0) // some gates are clamped
    const grad = (f: (g: tf.Tensor2D) => tf.Tensor) =>
      tf
        .tidy(() =>
          tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(hardConcreteGates(a as tf.Tensor2D, noise, tau, STRETCH)), Rw)))(alpha),
        )
        .dataSync()
    const st = grad((gg) => straightThrough(gg, mask))
    const masked = grad((gg) => hardMixing({ gates: gg, mask }))
    dg.forEach((d, i) => {
      expect(st[i]).toBeCloseTo(weights[i]! * d, 5)
      expect(masked[i]).toBeCloseTo(mask[i]! * weights[i]! * d, 5)
    })
    tf.dispose([alpha, noise, Rw, g])
  })

  it('top-k: k ones per row; ties go to the column that comes first in the permutation', () => {
    expect(Array.from(topKMask([0.1, 0.9, 0.5, 0.9], 1, 4, 2, [3, 0, 1, 2]))).toEqual([0, 1, 0, 1])
    expect(Array.from(topKMask([0, 0, 0, 0], 1, 4, 1, [2, 0, 1, 3]))).toEqual([0, 0, 1, 0])
    expect(Array.from(topKMask([1, 1, 0, 0, 0, 0, 1, 1], 2, 4, 5))).toEqual([1, 1, 1, 1, 1, 1, 1, 1])
  })

  it('τ: linear from tauMax at the first epoch to tauMin at the last (test_PRDARTS.py)', () => {
    const g = { tauMax: 1, tauMin: 0.1 }
    expect([0, 3, 9].map((e) => annealedTau(g, e, 10))).toEqual([1, 1 - 0.9 / 3, 0.1].map((x) => expect.closeTo(x, 12)))
    expect(annealedTau(g, 0, 1)).toBe(1)
    expect(annealedTau(g, 49, 50)).toBeCloseTo(0.1, 12)
  })
})

// ---- the regularizer, by hand in PR-DARTS's column order ----

/** Our (DARTS-order) column of each PR-DARTS column: none, skip, sep3, sep5, dil3, dil5, avg, max. */
const PR_TO_OURS = PRDARTS_OPS.map((name) => DARTS_PRIMITIVES.indexOf((PRDARTS_TO_DARTS[name] ?? name) as never))

/** `get_regularization` transcribed (float64, PR-DARTS indices), on matrices given in DARTS order. */
function handRegularizer(alphas: number[][][], masks: number[][][], tau: number, lam: [number, number, number], t: number) {
  const para = tau * Math.log(-STRETCH.a / STRETCH.b)
  const sum = (xs: number[]) => xs.reduce((p, q) => p + q, 0)
  const steps = 2
  const keys = Array.from({ length: steps }, (_, i) => Array.from({ length: i + 2 }, (_, j) => `${i}<-${j}`)).flat()
  const edge2index = Object.fromEntries([...keys].sort().map((k, e) => [k, e]))
  const pathIdx = ['0<-1', '1<-2'].map((k) => edge2index[k]!)
  const cells = alphas.map((alpha, c) => {
    const M = masks[c]!.map((row) => PR_TO_OURS.map((o) => row[o]!))
    const A = alpha.map((row, e) => PR_TO_OURS.map((o, k) => sig(row[o]! - para) * M[e]![k]!))
    const col = (X: number[][], ks: number[]) => sum(X.flatMap((row) => ks.map((k) => row[k]!)))
    const convs = [2, 3, 4, 5]
    const nSkip = col(M, [1])
    const nPool = col(M, [6, 7])
    const nOther = sum(M.flat()) - nSkip - nPool
    const sel = pathIdx.filter((e) => sum(convs.map((k) => M[e]![k]!)) > 0)
    const d = sel.map((e) => sum(convs.map((k) => A[e]![k]!)) / sum(convs.map((k) => M[e]![k]!)))
    return {
      S: nSkip ? col(A, [1]) / nSkip : 0,
      Q: nPool ? col(A, [6, 7]) / nPool : 0,
      G: nOther ? col(A, [0, ...convs]) / nOther : 0,
      Path: d.length ? d.reduce((p, q) => p * q, 1) : 0,
    }
  })
  const half = (k: 'S' | 'G' | 'Q' | 'Path') => 0.5 * cells[0]![k] + 0.5 * cells[1]![k]
  const [S, G, Q, Path] = [half('S'), half('G'), half('Q'), half('Path')]
  const h = (x: number) => (x > t ? x - t : 0)
  return { S, G, Q, Path, reg: lam[0] * h(S) + lam[1] * (h(G) + h(Q)) - lam[2] * Path }
}

/** Two selected ops per row, by name (rows 1 and 4 are the chain edges of a 2-step cell). */
const pick = (names: [string, string][]): number[][] =>
  names.map((pair) => DARTS_PRIMITIVES.map((op) => (pair.includes(op) ? 1 : 0)))
const MASK_N = pick([
  ['skip_connect', 'sep_conv_3x3'],
  ['sep_conv_5x5', 'max_pool_3x3'],
  ['none', 'avg_pool_3x3'],
  ['skip_connect', 'dil_conv_3x3'],
  ['dil_conv_5x5', 'sep_conv_3x3'],
])
// No skip selected (S_R = 0) and one chain edge with a conv (the single-edge path branch).
const MASK_R = pick([
  ['max_pool_3x3', 'avg_pool_3x3'],
  ['none', 'avg_pool_3x3'],
  ['sep_conv_3x3', 'none'],
  ['avg_pool_3x3', 'dil_conv_5x5'],
  ['sep_conv_5x5', 'max_pool_3x3'],
])

describe('PR-DARTS regularizer (get_regularization)', () => {
  const layout = prDartsLayout(DARTS_PRIMITIVES, 2)
  const rng = new Rng(21)
  const alphas = [0, 1].map(() => Array.from({ length: 5 }, () => DARTS_PRIMITIVES.map(() => 1.5 * rng.normal() - 1.5)))
  const tau = 0.7
  const w = { lambdaSkip: 1, lambdaOther: 0.5, lambdaPath: 0.5, threshold: 0.6 }
  const masks = [MASK_N, MASK_R].map((m) => Float32Array.from(m.flat()))
  const reg = (aN: tf.Tensor, aR: tf.Tensor) =>
    prDartsRegularizer(
      [aN, aR].map((a) => gateProbability(a as tf.Tensor2D, tau, STRETCH)),
      masks,
      layout,
      w,
    )

  it('groups by op name: skip, pools, the rest (none included), convs; chain rows follow edge2index', () => {
    expect(layout).toEqual({ cols: 8, skip: [3], pools: [1, 2], other: [0, 4, 5, 6, 7], convs: [4, 5, 6, 7], chain: [1, 4] })
    expect(prDartsLayout(DARTS_PRIMITIVES, 4).chain).toEqual([1, 4, 8, 13]) // '0<-1','1<-2','2<-3','3<-4'
  })

  it('value and parts equal the transcription of the official code (float32 vs float64, 1e-6)', () => {
    const hand = handRegularizer(alphas, [MASK_N, MASK_R], tau, [1, 0.5, 0.5], w.threshold)
    // Both hinge branches are exercised: some groups above the threshold, some below.
    const above = [hand.S, hand.G, hand.Q].map((x) => x > w.threshold)
    expect(above).toContain(true)
    expect(above).toContain(false)
    tf.tidy(() => {
      const r = reg(tf.tensor2d(alphas[0]!), tf.tensor2d(alphas[1]!))
      expect(r.loss.dataSync()[0]).toBeCloseTo(hand.reg, 6)
      expect(r.parts.prS!.dataSync()[0]).toBeCloseTo(hand.S, 6)
      expect(r.parts.prG!.dataSync()[0]).toBeCloseTo(hand.G, 6)
      expect(r.parts.prQ!.dataSync()[0]).toBeCloseTo(hand.Q, 6)
      expect(r.parts.prPath!.dataSync()[0]).toBeCloseTo(hand.Path, 6)
    })
  })

  it('gradient matches central finite differences (ε = 1e-2, relative error < 1e-3)', () => {
    const hand = handRegularizer(alphas, [MASK_N, MASK_R], tau, [1, 0.5, 0.5], w.threshold)
    for (const x of [hand.S, hand.G, hand.Q]) expect(Math.abs(x - w.threshold)).toBeGreaterThan(0.01) // no hinge kink within reach
    const xs = alphas.map((a) => tf.tensor2d(a))
    // ε = 1e-2: the loss is smooth there, and at 1e-3 float32 round-off of f (~1e-7) is already 3e-3 of the quotient.
    for (const r of gradCheck((aN, aR) => reg(aN!, aR!).loss, xs, 9, 1e-2)) expect(r.relError).toBeLessThan(1e-3)
    tf.dispose(xs)
  })

  it('an empty selection contributes 0: no path edge, no group member', () => {
    tf.tidy(() => {
      const only = (op: string) => Float32Array.from(pick(Array(5).fill([op, op])).flat())
      const P = [0, 1].map(() => tf.fill([5, 8], 0.9) as tf.Tensor2D)
      const r = prDartsRegularizer(P, [only('skip_connect'), only('skip_connect')], layout, w)
      expect(r.parts.prPath!.dataSync()[0]).toBe(0)
      expect(r.parts.prQ!.dataSync()[0]).toBe(0)
      expect(r.parts.prG!.dataSync()[0]).toBe(0)
      expect(r.parts.prS!.dataSync()[0]).toBeCloseTo(0.9, 6)
      expect(r.loss.dataSync()[0]).toBeCloseTo(0.9 - 0.6, 6)
    })
  })
})

describe('PrDartsMethod', () => {
  const config = tinyOf('pr-darts-quick')
  const method = buildMethod(config, [8, 8, 1], 4) as PrDartsMethod
  const rng = new Rng(17)
  const values = [0, 1].map(() => Array.from({ length: 5 }, () => DARTS_PRIMITIVES.map(() => rng.normal())))

  it('is built for parametrization hard-concrete, with the DARTS ops (none included)', () => {
    expect(method).toBeInstanceOf(PrDartsMethod)
    expect(method.net.config.ops).toEqual(DARTS_PRIMITIVES)
  })

  it('weight and α steps: exactly k ones per edge, reproducible from the Rng state', () => {
    tf.tidy(() => {
      const arch = values.map((v) => tf.tensor2d(v))
      for (const phase of ['weight', 'arch'] as const) {
        const state = new Rng(99).getState()
        const m1 = method.mixing(arch, ctxOf(phase, new Rng(state)))
        const m2 = method.mixing(arch, ctxOf(phase, new Rng(state)))
        for (const m of [m1.normal, m1.reduce])
          for (const row of rows(m)) {
            expect(row.every((x) => x === 0 || x === 1)).toBe(true)
            expect(row.filter((x) => x === 1)).toHaveLength(config.gates.k)
          }
        expect(rows(m1.normal)).toEqual(rows(m2.normal))
      }
      method.archRegularizer(arch, ctxOf('arch')) // disarm
    })
  })

  it('the regularizer counts the ops the α step forward selected', () => {
    tf.tidy(() => {
      const arch = values.map((v) => tf.tensor2d(v))
      const ctx = ctxOf('arch', new Rng(4), 2, 5)
      const m = method.mixing(arch, ctx)
      const r = method.archRegularizer(arch, ctx)!
      const tau = method.tau(ctx)
      const probs = arch.map((a) => gateProbability(a, tau, STRETCH))
      const masks = [m.normal, m.reduce].map((t) => Float32Array.from(t.dataSync()))
      const expected = prDartsRegularizer(probs, masks, method.layout, config.regularization.pathGroup)
      for (const k of ['prS', 'prG', 'prQ', 'prPath']) expect(r.parts[k]!.dataSync()[0]).toBe(expected.parts[k]!.dataSync()[0])
      expect(r.loss.dataSync()[0]).toBe(expected.loss.dataSync()[0])
    })
  })

  it('eval: the k most probable gates of each edge, weight 1, no random draw', () => {
    tf.tidy(() => {
      const arch = values.map((v) => tf.tensor2d(v))
      const rng = new Rng(1)
      const before = rng.getState()
      const m = method.mixing(arch, ctxOf('eval', rng))
      expect(rng.getState()).toEqual(before)
      rows(m.normal).forEach((row, e) => {
        const top = [...values[0]![e]!.keys()].sort((p, q) => values[0]![e]![q]! - values[0]![e]![p]!).slice(0, 2)
        expect(row).toEqual(DARTS_PRIMITIVES.map((_, c) => (top.includes(c) ? 1 : 0)))
      })
    })
  })

  it('epoch state: τ of the epoch and the gate probabilities sigmoid(α − τ·ln(−a/b))', () => {
    const s = method.epochState(values, ctxOf('eval', new Rng(1), 4, 5))
    expect(s.scalars.tau).toBeCloseTo(0.1, 12)
    expect(s.matrices.gatesNormal![2]![3]).toBeCloseTo(sig(values[0]![2]![3]! - 0.1 * Math.log(0.1 / 1.1)), 12)
    expect(s.matrices.gatesReduce).toHaveLength(5)
  })

  it('derives top-2 (op, input) pairs per node on softmax(α): two ops from one input possible, none never', () => {
    const zeros = () => Array.from({ length: 5 }, () => Array<number>(8).fill(0))
    const [n, r] = [zeros(), zeros()]
    n[0]![0] = 10 // none on 0→n0: excluded
    n[1]![4] = 3 // sep_conv_3x3 from s1
    n[1]![6] = 2.5 // dil_conv_3x3 from s1
    n[4]![3] = 2 // skip from n0
    n[2]![1] = 1.5 // max pool from s0
    const d = method.derive([n, r])
    expect(d.text).toBe(
      "Genotype(normal=[('sep_conv_3x3', 1), ('dil_conv_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0)], normal_concat=range(2, 4), " +
        "reduce=[('max_pool_3x3', 0), ('avg_pool_3x3', 0), ('max_pool_3x3', 0), ('avg_pool_3x3', 0)], reduce_concat=range(2, 4))",
    )
    expect([d.format, d.skipsNormal, d.skipsReduce]).toEqual(['darts', 1, 0])
  })

  it("the pr-darts preset's 6-cell supernet reduces at cells 2 and 4, as [C]*2+[2C]*2+[4C]*2", () => {
    const cfg = getPreset('pr-darts').config
    expect(cfg.layers).toBe(6)
    const cells = buildCells(supernetConfigOf(cfg, [32, 32, 3], 10))
    expect(cells.map((c) => c.shape.reduction)).toEqual([false, false, true, false, true, false])
    expect(cells.map((c) => c.shape.C)).toEqual([16, 16, 32, 32, 64, 64])
  })
})

describe('pr-darts-quick on the tiny search', () => {
  it.each(BACKENDS)(
    '%s: runs an epoch without leaking; the method event carries τ, S/G/Q/Path and the gates',
    async (b) => {
      const events = await runTinyEpoch(tinyOf('pr-darts-quick'), b)
      const m = methodEvent(events)
      expect(Object.keys(m.scalars).sort()).toEqual(['prG', 'prPath', 'prQ', 'prS', 'tau'])
      for (const v of Object.values(m.scalars)) expect(Number.isFinite(v)).toBe(true)
      expect(m.scalars.tau).toBe(1)
      expect(m.matrices.gatesNormal).toHaveLength(5)
      expect(m.matrices.gatesReduce![0]).toHaveLength(8)
      expect(events.find((e) => e.type === 'genotype')).toMatchObject({ format: 'darts' })
    },
    120_000,
  )
})

describe('pr-darts gates are checkpointed', () => {
  it('a run stopped mid-epoch and restored from its snapshot draws the same gates as an uninterrupted one', async () => {
    await initBackend('wasm')
    const config = tinyOf('pr-darts-quick', { epochs: 1 })
    const run = async (stopAfter?: number, restore?: ReturnType<typeof takeSnapshot>) => {
      const s = tinySearch(config)
      if (restore) restoreSnapshot(s, restore)
      const events: RunEventBody[] = []
      let steps = 0
      await s.run({
        emit: (e) => events.push(e),
        stopRequested: () => (stopAfter !== undefined && ++steps >= stopAfter ? 'SIGTERM' : null),
        checkpoint: async () => {},
        progressEveryMs: 1e9,
      })
      const snap = stopAfter !== undefined ? takeSnapshot(s) : undefined
      disposeSearch(s)
      return { events: events.filter((e) => e.type === 'method' || e.type === 'genotype'), snap }
    }
    const whole = await run()
    const first = await run(3)
    const rest = await run(undefined, first.snap)
    expect(rest.events).toEqual(whole.events)
    await initBackend('cpu')
  }, 120_000)
})
