// NAS-Bench-201 (METHODS.md §4.3): the supernet's parameter count against a hand count, a cell and a
// residual block against references computed op by op, finite-difference gradients, the method's
// derivation through the core parser, and `darts-1st-quick` with space=nb201 (also with β-decay).
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { getPreset, type SearchConfig } from '../../../src/core/config/search'
import type { RunEventBody } from '../../../src/core/events'
import { deriveNb201 } from '../../../src/core/genotype/derive'
import { parseGenotypes } from '../../../src/core/genotype/parse/index'
import { Rng } from '../../../src/core/rng'
import { NB201_EDGES, NB201_OPS } from '../../../src/core/searchSpaces'
import { initBackend } from '../../../src/engine/backends'
import { buildMethod } from '../../../src/engine/methods/registry'
import { Nb201Method } from '../../../src/engine/methods/parametrizations/nb201'
import type { MethodContext } from '../../../src/engine/methods/types'
import { contextFromWeights, initWeights, ParamScope } from '../../../src/engine/ops/index'
import { countWeights } from '../../../src/engine/supernet/network'
import {
  createNb201Supernet,
  Nb201Cell,
  nb201ConvBiases,
  nb201Op,
  nb201WeightCount,
  ResidualBlock,
} from '../../../src/engine/supernet/nb201'
import type { SupernetConfig } from '../../../src/engine/types'
import { arr4, gradCheck, maxAbsDiff, randn, randn4, refBnTrain, refConv, refRelu, values, type Arr4 } from '../ops/helpers'
import { BACKENDS, methodEvent, runTinyEpoch, tinyOf } from './presetRun'

const GRAD_TOL = 2e-2
const ctx: MethodContext = { epoch: 0, epochs: 1, phase: 'arch', rng: new Rng(1) }

const NB201: SupernetConfig = {
  C: 16,
  numClasses: 10,
  layers: 5,
  steps: 4,
  multiplier: 4,
  stemMultiplier: 3,
  inputChannels: 3,
  inputSize: 32,
  ops: NB201_OPS,
}

beforeAll(async () => {
  await initBackend('cpu')
})

describe('NB201 supernet structure', () => {
  it('C=16, N=5, CIFAR-10: 1,686,106 weights by hand (D-X-Y counts 6,720 inert cell-conv biases more)', () => {
    const net = createNb201Supernet(NB201)
    // stem 3·16·9 + 2·16 = 464; cells 5·6·(c² + 9c²) for c = 16, 32, 64 = 1,612,800;
    // blocks 9·16·32 + 2·32 + 9·32² + 2·32 + 16·32 = 14,464 and 9·32·64 + 2·64 + 9·64² + 2·64 + 32·64 = 57,600;
    // last BN 2·64 = 128; classifier 64·10 + 10 = 650.
    expect(countWeights(net)).toBe(1_686_106)
    expect(nb201WeightCount({ C: 16, N: 5, inputChannels: 3, numClasses: 10 })).toBe(1_686_106)
    expect(nb201ConvBiases(16, 5)).toBe(6_720)
    expect(net.edges).toBe(6)
  })

  it('3N + 2 blocks: N search cells per stage (C, 2C, 4C) joined by two residual blocks', () => {
    const net = createNb201Supernet({ ...NB201, C: 4, layers: 2, inputSize: 8 })
    const blocks = new Set(net.specs.filter((s) => s.name.startsWith('cells.')).map((s) => Number(s.name.split('.')[1])))
    expect([...blocks]).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    const downsample = net.specs.filter((s) => s.name.endsWith('downsample.conv')).map((s) => [s.name, ...s.shape])
    expect(downsample).toEqual([
      ['cells.2.downsample.conv', 1, 1, 4, 8],
      ['cells.5.downsample.conv', 1, 1, 8, 16],
    ])
    // Search-cell BNs have no γ/β (one BN per conv op, none after the pool); the others are affine.
    expect(net.specs.some((s) => s.name.includes('.edges.') && s.name.includes('.bn.'))).toBe(false)
    expect(net.bnSpecs.filter((b) => b.name.startsWith('cells.0.')).map((b) => b.name)).toEqual(
      NB201_EDGES.flatMap((_, e) => [`cells.0.edges.${e}.nor_conv_1x1.bn`, `cells.0.edges.${e}.nor_conv_3x3.bn`]),
    )
    expect(net.specs.map((s) => s.name)).toContain('lastact.bn.weight')
    expect(() => createNb201Supernet({ ...NB201, inputSize: 30 })).toThrow(/multiple of 4/)
  })
})

describe('NB201 cell and residual block', () => {
  it('cell: node i = Σ_{j<i} Σ_o w[i←j][o]·o(node j), output node 3, computed op by op', () => {
    const rng = new Rng(2)
    const cell = new Nb201Cell(4, NB201_OPS)
    const w = initWeights(cell.params, rng)
    const scope = new ParamScope(contextFromWeights(cell.params, w, { training: true }))
    const x = randn4([2, 6, 6, 4], rng)
    const mix = tf.softmax(randn([6, 5], rng))
    const got = values(
      cell.forward(
        x,
        scope,
        tf.unstack(mix).map((r) => tf.unstack(r) as tf.Scalar[]),
      ),
    )
    const mv = mix.arraySync() as number[][]
    const nodes: tf.Tensor4D[] = [x]
    for (let i = 1; i < 4; i++) {
      let sum = tf.zerosLike(x)
      NB201_EDGES.forEach(([to, from], e) => {
        if (to !== i) return
        NB201_OPS.forEach((name, o) => {
          const y = nb201Op(name, 4, 1).apply(nodes[from]!, scope.child(`edges.${e}.${name}`))
          sum = tf.add(sum, tf.mul(y, mv[e]![o]!))
        })
      })
      nodes.push(sum)
    }
    expect(maxAbsDiff(got, values(nodes[3]!))).toBeLessThan(1e-5)
  })

  it('residual block: relu→conv3×3 s2→BN→relu→conv3×3→BN plus avgpool 2×2→conv1×1, against plain loops', () => {
    const rng = new Rng(3)
    const block = new ResidualBlock(3, 4)
    const w = initWeights(block.params, rng)
    const scope = new ParamScope(contextFromWeights(block.params, w, { training: true }))
    const x = randn4([2, 6, 6, 3], rng)
    const got = values(block.forward(x, scope))
    const W = (name: string) => arr4(w[block.params.findIndex((p) => p.name === name)]!)
    const xa = arr4(x)
    // BN γ = 1, β = 0 at init: the affine BN equals the plain one.
    const a = refBnTrain(refConv(refRelu(xa), W('conv_a.conv'), { stride: [2, 2], pad: [1, 1] }))
    const b = refBnTrain(refConv(refRelu(a), W('conv_b.conv'), { pad: [1, 1] }))
    const pooled: Arr4 = { data: new Float64Array(2 * 3 * 3 * 3), shape: [2, 3, 3, 3] }
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++)
          for (let c = 0; c < 3; c++) {
            let s = 0
            for (const [di, dj] of [
              [0, 0],
              [0, 1],
              [1, 0],
              [1, 1],
            ])
              s += xa.data[((n * 6 + 2 * i + di!) * 6 + 2 * j + dj!) * 3 + c]!
            pooled.data[((n * 3 + i) * 3 + j) * 3 + c] = s / 4
          }
    const short = refConv(pooled, W('downsample.conv'))
    expect(
      maxAbsDiff(
        got,
        Array.from(b.data, (v, k) => v + short.data[k]!),
      ),
    ).toBeLessThan(1e-4)
  })
})

describe('NB201 gradients', () => {
  it('α and weights (stem, a 3×3 edge conv, a residual block, the last BN) match finite differences', () => {
    const net = createNb201Supernet({ ...NB201, C: 4, layers: 1, inputSize: 16 })
    const rng = new Rng(4)
    const w = initWeights(net.specs, rng)
    const names = net.specs.map((s) => s.name)
    const picked = [
      'stem.conv',
      'cells.0.edges.4.nor_conv_3x3.conv',
      'cells.1.downsample.conv',
      'cells.1.conv_a.bn.weight',
      'lastact.bn.bias',
    ]
    const idx = picked.map((n) => names.indexOf(n))
    expect(idx.every((i) => i >= 0)).toBe(true)
    const alpha = randn([6, 5], rng, 0.5)
    // 16×16 and a batch of 4: at 8×8 the last stage is 2×2 and its train-mode BNs over 8 values put
    // ReLU kinks within any ε of the stem weights.
    const x = randn4([4, 16, 16, 3], rng)
    const logits = (a: tf.Tensor, ...sel: tf.Tensor[]) => {
      const m = tf.softmax(a) as tf.Tensor2D
      return net.forward(
        w.map((t, i) => (idx.includes(i) ? sel[idx.indexOf(i)]! : t)),
        { normal: m, reduce: m },
        x,
        { training: true },
      )
    }
    // Small steps for the same reason (a sweep put every quotient within 1.5 % of tf.grads at these ε).
    const checks = gradCheck(logits as (...xs: tf.Tensor[]) => tf.Tensor, [alpha, ...idx.map((i) => w[i]!)], 60, [
      1e-3,
      ...idx.map(() => 3e-4),
    ])
    checks.forEach((c, i) => expect(c.relError, ['alphas', ...picked][i]).toBeLessThan(GRAD_TOL))
  })
})

const NB_QUICK: SearchConfig = { ...getPreset('darts-1st-quick').config, space: 'nb201', C: 4, layers: 1 }

describe('Nb201Method', () => {
  it('one α [6, 5]; softmax mixing shared by normal and reduce; N = layers cells per stage', () => {
    const method = buildMethod(NB_QUICK, [8, 8, 1], 10)
    expect(method).toBeInstanceOf(Nb201Method)
    expect(method.archSpecs.map((s) => [s.name, ...s.shape])).toEqual([['alphas', 6, 5]])
    const a = randn([6, 5], new Rng(5)) as tf.Tensor2D
    const m = method.mixing([a], ctx) as { normal: tf.Tensor; reduce: tf.Tensor }
    expect(values(m.normal)).toEqual(values(tf.softmax(a)))
    expect(m.reduce).toBe(m.normal)
    const blocks = (layers: number) =>
      new Set(buildMethod({ ...NB_QUICK, layers }, [8, 8, 1], 10).net.specs.map((s) => s.name.split('.')[1])).size
    expect(blocks(3)).toBe(blocks(1) + 6)
  })

  it('derives the NB201 string the core parser reads back (the arch-9930 fixture)', () => {
    const method = buildMethod(NB_QUICK, [8, 8, 1], 10)
    // Rows 1←0, 2←0, 2←1, 3←0, 3←1, 3←2; argmax nor_conv_3x3 (3) except 3←0 = skip_connect (1).
    const best = [3, 3, 3, 1, 3, 3]
    const alphas = best.map((b, e) => NB201_OPS.map((_, o) => (o === b ? 1 : 0.1 * ((o + e) % 3))))
    const d = method.derive([alphas])
    const text = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
    expect(d).toEqual({ text, format: 'nb201', skipsNormal: 1, skipsReduce: 0 })
    const [parsed] = parseGenotypes(d.text)
    expect(parsed!.genotype).toEqual(deriveNb201(alphas))
    const snap = method.alphaSnapshot([alphas])
    expect(snap.ops).toEqual([...NB201_OPS])
    expect(snap.reduce).toEqual([])
    snap.normal.forEach((row) => expect(row.reduce((p, q) => p + q, 0)).toBeCloseTo(1, 12))
  })
})

describe('preset darts-1st-quick with space=nb201', () => {
  const nbTiny = () => tinyOf('darts-1st-quick', { space: 'nb201' })
  const alphasEvent = (events: RunEventBody[]) =>
    events.find((e) => e.type === 'alphas') as Extract<RunEventBody, { type: 'alphas' }>

  for (const backend of BACKENDS)
    it(`runs an epoch of the tiny search on ${backend} without leaking tensors`, async () => {
      const events = await runTinyEpoch(nbTiny(), backend)
      const genotype = events.find((e) => e.type === 'genotype') as Extract<RunEventBody, { type: 'genotype' }>
      expect(genotype.format).toBe('nb201')
      expect(parseGenotypes(genotype.text)[0]!.genotype.kind).toBe('nb201')
      expect(alphasEvent(events).normal).toHaveLength(6)
    }, 120_000)

  it('composes with β-decay (β-DARTS on NB201)', async () => {
    const beta = tinyOf('beta-darts-quick', { space: 'nb201' })
    const events = await runTinyEpoch(beta, 'wasm')
    expect(methodEvent(events).scalars).toHaveProperty('betaLambda')
  }, 120_000)
})
