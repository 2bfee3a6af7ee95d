// The supernet's structure against DARTS model_search.Network and src/core's analytic counts, its
// forward shapes in train and eval mode, BN statistics plumbing, argument checks and seeded init.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { countSearchNetwork } from '../../../src/core/metrics/params'
import { Rng } from '../../../src/core/rng'
import { DARTS_PRIMITIVES } from '../../../src/core/searchSpaces'
import { specSize } from '../../../src/engine/ops/index'
import { countWeights, createSupernet, initAlphas, initWeights } from '../../../src/engine/supernet/index'
import type { BnUpdate, SupernetConfig } from '../../../src/engine/types'
import { randn4, useCpu, values } from '../ops/helpers'

const DARTS: SupernetConfig = {
  C: 16,
  numClasses: 10,
  layers: 8,
  steps: 4,
  multiplier: 4,
  stemMultiplier: 3,
  inputChannels: 3,
  inputSize: 32,
  ops: DARTS_PRIMITIVES,
}
const FMNIST_SMALL: SupernetConfig = { ...DARTS, C: 8, layers: 5, inputChannels: 1, inputSize: 28 }
const TINY: SupernetConfig = { ...DARTS, C: 4, layers: 3, inputSize: 8 }

beforeAll(useCpu)

describe('parameter-count parity (REPORT §1)', () => {
  it('DARTS C=16, 8 layers, CIFAR: 1,930,618 weights = countSearchNetwork, cell by cell, 224 α, 75,521 BN buffers', () => {
    const net = createSupernet(DARTS)
    const cost = countSearchNetwork()
    expect(countWeights(net)).toBe(1_930_618)
    expect(countWeights(net)).toBe(cost.weights)
    cost.cells.forEach((cell, i) => {
      const mine = net.specs.filter((s) => s.name.startsWith(`cells.${i}.`)).reduce((n, s) => n + specSize(s), 0)
      expect(mine, `cell ${i}`).toBe(cell.params)
    })
    expect(2 * net.edges * net.config.ops.length).toBe(cost.alphas)
    expect(net.edges).toBe(14)
    // PyTorch buffers: running_mean + running_var (C each) + num_batches_tracked (1) per BN.
    expect(net.bnSpecs.reduce((n, b) => n + 2 * b.channels + 1, 0)).toBe(75_521)
  })

  it('fmnist-small (C=8, 5 layers, 28×28×1): 393,778 weights', () => {
    const net = createSupernet(FMNIST_SMALL)
    expect(countWeights(net)).toBe(393_778)
    expect(countSearchNetwork({ channels: 8, layers: 5, inputSize: 28, inputChannels: 1 }).weights).toBe(393_778)
  })
})

describe('structure', () => {
  const net = createSupernet(TINY)

  it('names weights and BNs uniquely, in DARTS edge order, with FactorizedReduce after reductions', () => {
    const names = net.specs.map((s) => s.name)
    expect(new Set(names).size).toBe(names.length)
    expect(new Set(net.bnSpecs.map((b) => b.name)).size).toBe(net.bnSpecs.length)
    expect(names.slice(0, 3)).toEqual(['stem.conv', 'stem.bn.weight', 'stem.bn.bias'])
    expect(names.slice(-2)).toEqual(['classifier.weight', 'classifier.bias'])
    expect(names).toContain('cells.0.edges.13.sep_conv_3x3.dw1')
    expect(names).not.toContain('cells.0.edges.14.sep_conv_3x3.dw1')
    // Layers 3: cells 1 and 2 are reductions, so cell 2's s0 goes through FactorizedReduce.
    expect(names).toContain('cells.0.preprocess0.conv')
    expect(names).toContain('cells.2.preprocess0.conv_1')
    expect(names).toContain('cells.1.edges.0.skip_connect.conv_1') // stride-2 skip in a reduction cell
    expect(names).not.toContain('cells.0.edges.0.skip_connect.conv_1')
    expect(net.bnSpecs.map((b) => b.name)).toContain('cells.0.edges.2.max_pool_3x3.bn')
    // Only the stem BN is affine in search.
    expect(names.filter((n) => n.endsWith('.weight') && n.includes('bn'))).toEqual(['stem.bn.weight'])
  })

  it('forward gives [N, classes] logits in train mode and reports every BN once with N·H·W counts', () => {
    const rng = new Rng(1)
    const w = initWeights(net.specs, rng)
    const alphas = { normal: initAlphas(14, 8, rng), reduce: initAlphas(14, 8, rng) }
    const x = randn4([2, 8, 8, 3], rng)
    const updates: BnUpdate[] = []
    const logits = net.forward(w, alphas, x, { training: true, bnUpdates: updates })
    expect(logits.shape).toEqual([2, 10])
    expect(values(logits).every(Number.isFinite)).toBe(true)
    expect(updates.map((u) => u.name).sort()).toEqual(net.bnSpecs.map((b) => b.name).sort())
    const stem = updates.find((u) => u.name === 'stem.bn')!
    expect(stem.count).toBe(2 * 8 * 8)
    expect(stem.mean.shape).toEqual([12])
    expect(updates.find((u) => u.name === 'cells.2.edges.13.avg_pool_3x3.bn')!.count).toBe(2 * 2 * 2)
    // Eval mode with running statistics.
    const bnStats = new Map(net.bnSpecs.map((b) => [b.name, { mean: tf.zeros([b.channels]), variance: tf.ones([b.channels]) }]))
    const evalLogits = net.forward(w, alphas, x, { training: false, bnStats })
    expect(evalLogits.shape).toEqual([2, 10])
    expect(values(evalLogits).every(Number.isFinite)).toBe(true)
    expect(() => net.forward(w, alphas, x, { training: false })).toThrow(/running statistics/)
    tf.dispose([...w, alphas.normal, alphas.reduce, x, logits, evalLogits, ...updates.flatMap((u) => [u.mean, u.variance])])
  })

  it('rejects wrong weights, α shapes, inputs and op names with clear messages', () => {
    const rng = new Rng(2)
    const w = initWeights(net.specs, rng)
    const alphas = { normal: initAlphas(14, 8, rng), reduce: initAlphas(14, 8, rng) }
    const x = randn4([1, 8, 8, 3], rng)
    expect(() => net.forward(w.slice(1), alphas, x, { training: true })).toThrow(/expected \d+ weight tensors/)
    expect(() => net.forward([w[1]!, w[0]!, ...w.slice(2)], alphas, x, { training: true })).toThrow(/stem.conv/)
    expect(() => net.forward(w, { ...alphas, normal: initAlphas(14, 7, rng) }, x, { training: true })).toThrow(/\[14, 8\]/)
    expect(() => net.forward(w, alphas, randn4([1, 16, 16, 3], rng), { training: true })).toThrow(/input must be/)
    expect(() => createSupernet({ ...TINY, ops: ['none', 'sep_conv_9x9'] })).toThrow(/Unknown op "sep_conv_9x9"; valid:/)
    expect(() => createSupernet({ ...TINY, multiplier: 5 })).toThrow(/multiplier/)
    tf.dispose([...w, alphas.normal, alphas.reduce, x])
  })

  it('works with a none-only op list (nodes are zeros) and with a subset of ops', () => {
    const rng = new Rng(3)
    for (const ops of [['none'], ['skip_connect', 'avg_pool_3x3']]) {
      const small = createSupernet({ ...TINY, steps: 2, multiplier: 2, ops })
      const w = initWeights(small.specs, rng)
      const a = { normal: initAlphas(small.edges, ops.length, rng), reduce: initAlphas(small.edges, ops.length, rng) }
      const y = small.forward(w, a, randn4([2, 8, 8, 3], rng), { training: true })
      expect(y.shape).toEqual([2, 10])
      expect(values(y).every(Number.isFinite)).toBe(true)
    }
  })
})

describe('seeded initialisation', () => {
  it('initWeights and initAlphas reproduce from a seed; α init is 1e-3·randn or zeros', () => {
    const net = createSupernet(TINY)
    const draw = (seed: number) => {
      const rng = new Rng(seed)
      return [...initWeights(net.specs, rng), initAlphas(14, 8, rng), initAlphas(14, 8, rng, 'zeros')]
    }
    const [a, b, c] = [draw(5), draw(5), draw(6)]
    a.forEach((t, i) => expect(values(t), net.specs[i]?.name ?? 'alphas').toEqual(values(b[i]!)))
    expect(values(a[0]!)).not.toEqual(values(c[0]!))
    const alpha = values(a[a.length - 2]!)
    const std = Math.sqrt(alpha.reduce((s, v) => s + v * v, 0) / alpha.length)
    expect(std).toBeGreaterThan(0.7e-3)
    expect(std).toBeLessThan(1.3e-3)
    expect(values(a[a.length - 1]!).every((v) => v === 0)).toBe(true)
    tf.dispose([...a, ...b, ...c])
  })
})
