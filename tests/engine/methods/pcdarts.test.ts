// PC-DARTS (METHODS.md §3.9): channel shuffle against hand-written permutations, the partial-channel
// mixed op against a reference computed op by op, edge normalization folded into the mixing, finite-
// difference gradients of α, β and weights, derivation, the unchanged K = 1 path, and the preset.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { getPreset, type SearchConfig } from '../../../src/core/config/search'
import { derivePcDarts } from '../../../src/core/genotype/derive'
import { Rng } from '../../../src/core/rng'
import { DARTS_PRIMITIVES } from '../../../src/core/searchSpaces'
import { initBackend } from '../../../src/engine/backends'
import { buildMethod } from '../../../src/engine/methods/registry'
import { nodeSoftmax, nodeSoftmaxValues, PcDartsMethod } from '../../../src/engine/methods/parametrizations/pcDarts'
import type { MethodContext } from '../../../src/engine/methods/types'
import { contextFromWeights, createOp, initWeights, ParamScope } from '../../../src/engine/ops/index'
import { channelShuffle, MixedOp } from '../../../src/engine/supernet/mixedOp'
import { createSupernet } from '../../../src/engine/supernet/network'
import type { DartsMixing, SupernetConfig } from '../../../src/engine/types'
import { gradCheck, maxAbsDiff, randn, randn4, values } from '../ops/helpers'
import { BACKENDS, methodEvent, runTinyEpoch, tinyOf } from './presetRun'

const GRAD_TOL = 2e-2
const ctx: MethodContext = { epoch: 0, epochs: 1, phase: 'arch', rng: new Rng(1) }

beforeAll(async () => {
  await initBackend('cpu')
})

const scopeOf = (m: { params: readonly { name: string }[] }, w: readonly tf.Tensor[]) =>
  new ParamScope(contextFromWeights(m.params as never, w, { training: true }))

describe('channel shuffle', () => {
  it("matches PyTorch's view(B, K, C/K) → transpose(1, 2) → flatten, written out by hand", () => {
    const shuffled = (C: number, K: number) =>
      values(
        channelShuffle(
          tf.tensor4d(
            Array.from({ length: C }, (_, i) => i),
            [1, 1, 1, C],
          ),
          K,
        ),
      )
    // [[0,1],[2,3],[4,5],[6,7]] transposed: [[0,2,4,6],[1,3,5,7]].
    expect(shuffled(8, 4)).toEqual([0, 2, 4, 6, 1, 3, 5, 7])
    // [[0,1,2],[3,4,5]] transposed: [[0,3],[1,4],[2,5]].
    expect(shuffled(6, 2)).toEqual([0, 3, 1, 4, 2, 5])
    expect(shuffled(4, 1)).toEqual([0, 1, 2, 3])
    expect(shuffled(4, 4)).toEqual([0, 1, 2, 3])
  })

  it('permutes channels only (every pixel alike)', () => {
    const rng = new Rng(2)
    const x = randn4([2, 3, 3, 8], rng)
    const y = values(channelShuffle(x, 4))
    const xv = values(x)
    const perm = [0, 2, 4, 6, 1, 3, 5, 7]
    for (let p = 0; p < 2 * 3 * 3; p++) for (let c = 0; c < 8; c++) expect(y[p * 8 + c]).toBe(xv[p * 8 + perm[c]!])
  })
})

/** PC-DARTS's edge output on plain arrays: ops on the first C/K channels, bypass (max-pooled at stride 2) × b, concat, shuffle. */
function referenceEdge(x: tf.Tensor4D, K: number, stride: number, scope: ParamScope, w: number[], b: number): number[] {
  const [N, H, W, C] = x.shape
  const c = C / K
  const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, c])
  // Each op on its own (none included, as zeros), weighted with a plain multiply.
  const y1 = tf.addN(
    DARTS_PRIMITIVES.map((name, k) => tf.mul(createOp(name, c, stride, false).apply(x1, scope.child(name)), w[k]!)),
  )
  const y1v = values(y1)
  const xv = values(x)
  const [Ho, Wo] = [H / stride, W / stride]
  const out = new Array<number>(N * Ho * Wo * C)
  for (let n = 0; n < N; n++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++) {
        const cat: number[] = []
        for (let ch = 0; ch < c; ch++) cat.push(y1v[((n * Ho + i) * Wo + j) * c + ch]!)
        for (let ch = c; ch < C; ch++) {
          let m = -Infinity
          for (let a = 0; a < stride; a++)
            for (let d = 0; d < stride; d++) m = Math.max(m, xv[((n * H + i * stride + a) * W + j * stride + d) * C + ch]!)
          cat.push(m * b)
        }
        // channel_shuffle: output channel q·K + g is concat channel g·c + q.
        for (let g = 0; g < K; g++) for (let q = 0; q < c; q++) out[((n * Ho + i) * Wo + j) * C + q * K + g] = cat[g * c + q]!
      }
  return out
}

describe('partial-channel MixedOp', () => {
  for (const s of [1, 2])
    it(`stride ${s}: equals shuffle(concat(Σ_o w_o·o(x1), b·x2)) computed op by op`, () => {
      const rng = new Rng(10 + s)
      const m = new MixedOp(DARTS_PRIMITIVES, 8, s, { partialChannels: 4 })
      expect(m.ops.every((op) => op.C_in === 2)).toBe(true)
      const weights = initWeights(m.params, rng)
      const x = randn4([2, 8, 8, 8], rng)
      const scope = scopeOf(m, weights)
      // softmax(α)·β̂ with β̂ = 0.6: the row sums to 0.6, the bypass weight.
      const w = tf.softmax(randn([8], rng)).mul(0.6)
      const out = values(m.forward(x, scope, tf.unstack(w) as tf.Scalar[]))
      const ref = referenceEdge(x, 4, s, scope, values(w), 0.6)
      expect(maxAbsDiff(out, ref)).toBeLessThan(1e-5)
    })

  for (const s of [1, 2])
    it(`stride ${s}: gradients of x, the mixing row and the weights match finite differences`, () => {
      const rng = new Rng(20 + s)
      const m = new MixedOp(DARTS_PRIMITIVES, 8, s, { partialChannels: 4 })
      const weights = initWeights(m.params, rng)
      const x = randn4([2, 8, 8, 8], rng)
      const row = randn([8], rng)
      const beta = randn([1], rng)
      // The mixing row of one edge: softmax(α)·e^β/(e^β + 1), i.e. β̂ of a node with a second edge at 0.
      const f = (xi: tf.Tensor, a: tf.Tensor, b: tf.Tensor, ...ws: tf.Tensor[]) => {
        const w = tf.mul(tf.softmax(a), tf.sigmoid(b))
        return m.forward(xi as tf.Tensor4D, scopeOf(m, ws), tf.unstack(w) as tf.Scalar[])
      }
      const checks = gradCheck(f as (...xs: tf.Tensor[]) => tf.Tensor, [x, row, beta, ...weights], 30 + s)
      checks.forEach((c, i) => expect(c.relError, `input ${i}`).toBeLessThan(GRAD_TOL))
    })

  it('K must divide C; odd sizes at stride 2 fail with a message', () => {
    expect(() => new MixedOp(DARTS_PRIMITIVES, 6, 1, { partialChannels: 4 })).toThrow(/dividing C/)
    const m = new MixedOp(['max_pool_3x3'], 4, 2, { partialChannels: 2 })
    const x = tf.zeros([1, 5, 5, 4]) as tf.Tensor4D
    expect(() => m.applyPartial(x, scopeOf(m, []), [tf.scalar(1)], tf.scalar(1))).toThrow(/even H and W/)
  })
})

const SMALL: SearchConfig = {
  ...getPreset('pc-darts-quick').config,
  C: 8,
  layers: 3,
  steps: 2,
  multiplier: 2,
}

describe('edge normalization', () => {
  it('nodeSoftmax is a softmax per node over its incoming edges (2, 3, 4, 5 rows)', () => {
    const rng = new Rng(3)
    const b = randn([14, 1], rng) as tf.Tensor2D
    const got = values(nodeSoftmax(b, 4))
    const bv = values(b)
    const expected = [0, 2, 5, 9].flatMap((start, i) => {
      const z = bv.slice(start, start + i + 2).map(Math.exp)
      const sum = z.reduce((p, q) => p + q, 0)
      return z.map((v) => v / sum)
    })
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-6)
    expect(maxAbsDiff(nodeSoftmaxValues(bv, 4), expected)).toBeLessThan(1e-6)
  })

  it('mixing W[e, o] = softmax(α_e)_o · softmax_node(β)_e; rows sum to the edge weights', () => {
    const method = buildMethod(SMALL, [8, 8, 3], 10) as PcDartsMethod
    expect(method).toBeInstanceOf(PcDartsMethod)
    expect(method.archSpecs.map((s) => [s.name, ...s.shape])).toEqual([
      ['alphasNormal', 5, 8],
      ['alphasReduce', 5, 8],
      ['betasNormal', 5, 1],
      ['betasReduce', 5, 1],
    ])
    const rng = new Rng(4)
    const arch = method.archSpecs.map((s) => randn([...s.shape], rng) as tf.Tensor2D)
    const m = method.mixing(arch, ctx)
    const av = arch.map((a) => a.arraySync())
    const beta = nodeSoftmaxValues(
      av[2]!.map((r) => r[0]!),
      2,
    )
    const sm = av[0]!.map((row) => {
      const z = row.map(Math.exp)
      const s = z.reduce((p, q) => p + q, 0)
      return z.map((v) => v / s)
    })
    expect(
      maxAbsDiff(
        values(m.normal),
        sm.flatMap((row, e) => row.map((v) => v * beta[e]!)),
      ),
    ).toBeLessThan(1e-6)
    expect(maxAbsDiff(values(tf.sum(m.normal, 1)), beta)).toBeLessThan(1e-6)
    const state = method.epochState(av, ctx)
    expect(maxAbsDiff(state.matrices.edgeNormal!.flat(), beta)).toBeLessThan(1e-6)
  })

  it('derives with core derivePcDarts (β included); without edge normalization only α is learned', () => {
    const method = buildMethod(SMALL, [8, 8, 3], 10)
    const rng = new Rng(5)
    const arch = method.archSpecs.map((s) => randn([...s.shape], rng).arraySync() as number[][])
    const d = method.derive(arch)
    const g = derivePcDarts(arch[0]!, arch[1]!, arch[2]!.flat(), arch[3]!.flat(), { steps: 2, multiplier: 2 })
    expect(d.format).toBe('darts')
    expect(d.text).toContain('Genotype(normal=[')
    expect(d.skipsNormal).toBe(g.normal.nodes.flat().filter((e) => e.op === 'skip_connect').length)
    const plain = buildMethod({ ...SMALL, partialChannel: { K: 4, edgeNormalization: false } }, [8, 8, 3], 10)
    expect(plain.archSpecs.map((s) => s.name)).toEqual(['alphasNormal', 'alphasReduce'])
    expect(plain.epochState?.([], ctx)).toEqual({ scalars: {}, matrices: {} })
  })
})

const SMALL_NET: SupernetConfig = {
  C: 8,
  numClasses: 10,
  layers: 3,
  steps: 2,
  multiplier: 2,
  stemMultiplier: 3,
  inputChannels: 3,
  inputSize: 8,
  ops: DARTS_PRIMITIVES,
}

describe('PC-DARTS supernet', () => {
  it('gradients of αN, αR, βN, βR and weights on a reduction edge match finite differences', () => {
    const method = buildMethod(SMALL, [8, 8, 3], 10) as PcDartsMethod
    const net = method.net
    const rng = new Rng(6)
    const w = initWeights(net.specs, rng)
    const arch = method.archSpecs.map((s) => randn([...s.shape], rng, 0.5) as tf.Tensor2D)
    const x = randn4([2, 8, 8, 3], rng)
    const names = net.specs.map((s) => s.name)
    const picked = ['cells.1.edges.0.sep_conv_3x3.dw1', 'cells.1.edges.0.skip_connect.conv_2', 'cells.0.preprocess1.conv']
    const idx = picked.map((n) => names.indexOf(n))
    expect(idx.every((i) => i >= 0)).toBe(true)
    // The logits (projected on a random R by gradCheck) rather than the CE: a float32 CE of ~2.3 would
    // quantize the quotient of weights whose gradient is ~1e-6.
    const logits = (...xs: tf.Tensor[]) => {
      const a = xs.slice(0, 4) as tf.Tensor2D[]
      const ws = w.map((t, i) => (idx.includes(i) ? xs[4 + idx.indexOf(i)]! : t))
      return net.forward(ws, method.mixing(a, ctx), x, { training: true })
    }
    const eps = [1e-2, 1e-2, 1e-2, 1e-2, ...idx.map(() => 1e-3)]
    const checks = gradCheck(logits, [...arch, ...idx.map((i) => w[i]!)], 40, eps)
    const labelsOf = ['alphasNormal', 'alphasReduce', 'betasNormal', 'betasReduce', ...picked]
    checks.forEach((c, i) => expect(c.relError, labelsOf[i]).toBeLessThan(GRAD_TOL))
  })

  it('K = 1 is the DARTS supernet: same weights, bit-identical output', () => {
    const base: SupernetConfig = {
      C: 4,
      numClasses: 10,
      layers: 3,
      steps: 2,
      multiplier: 2,
      stemMultiplier: 3,
      inputChannels: 3,
      inputSize: 8,
      ops: DARTS_PRIMITIVES,
    }
    const a = createSupernet(base)
    const b = createSupernet({ ...base, partialChannels: 1, auxSkip: false })
    expect(b.specs).toEqual(a.specs)
    const rng = new Rng(7)
    const w = initWeights(a.specs, rng)
    const mix: DartsMixing = {
      normal: tf.softmax(randn([5, 8], rng)) as tf.Tensor2D,
      reduce: tf.softmax(randn([5, 8], rng)) as tf.Tensor2D,
    }
    const x = randn4([2, 8, 8, 3], rng)
    expect(values(b.forward(w, mix, x, { training: true }))).toEqual(values(a.forward(w, mix, x, { training: true })))
  })

  it('ops are built on C/K channels: the K = 4 supernet has the DARTS cell weights of C/4', () => {
    const specsOf = (C: number, K: number) =>
      createSupernet({ ...SMALL_NET, C, partialChannels: K }).specs.filter((s) => s.name.includes('.edges.'))
    const size = (specs: { shape: readonly number[] }[]) => specs.reduce((n, s) => n + s.shape.reduce((p, q) => p * q, 1), 0)
    expect(size(specsOf(16, 4))).toBe(size(specsOf(4, 1)))
  })
})

describe('preset pc-darts-quick', () => {
  for (const backend of BACKENDS)
    it(`runs an epoch of the tiny search on ${backend} without leaking tensors`, async () => {
      const preset = getPreset('pc-darts-quick').config
      const events = await runTinyEpoch(tinyOf('pc-darts-quick', { C: 4, partialChannel: preset.partialChannel }), backend)
      const state = methodEvent(events)
      expect(state.matrices.edgeNormal).toHaveLength(5)
      const nodeSums = [state.matrices.edgeNormal!.slice(0, 2), state.matrices.edgeNormal!.slice(2)].map((rows) =>
        rows.reduce((p, r) => p + r[0]!, 0),
      )
      nodeSums.forEach((s) => expect(s).toBeCloseTo(1, 5))
      const genotype = events.find((e) => e.type === 'genotype')
      expect(genotype && 'text' in genotype && genotype.text).toMatch(/^Genotype\(normal=/)
    }, 120_000)
})
