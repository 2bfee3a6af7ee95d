// HDARTS (METHODS.md §3.13.1, §6.8): the hierarchical supernet's gradients w.r.t. level-0 and level-1 α
// and weights against finite differences (cpu), weight sharing (parameter count, one tensor feeding every
// candidate motif and every outgoing edge), the registered residual FactorizedReduce, integer reduction
// indices, cpu/wasm agreement, and epoch-alternated search steps without leaks whose genotype parses back.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { getPreset, type SearchConfig } from '../../../src/core/config/search'
import type { RunEventBody } from '../../../src/core/events'
import type { HdartsGenotype } from '../../../src/core/genotype/hdarts'
import { countHdartsSupernet } from '../../../src/core/genotype/hdartsParams'
import { parseAnyGenotypes } from '../../../src/core/genotype/parse/index'
import { Rng } from '../../../src/core/rng'
import { HDARTS_LEVEL0_OPS } from '../../../src/core/searchSpaces'
import { initBackend } from '../../../src/engine/backends'
import { createHdartsSupernet, HdartsMethod } from '../../../src/engine/methods/parametrizations/hdarts'
import { buildMethod, supernetConfigOf } from '../../../src/engine/methods/registry'
import type { MethodContext } from '../../../src/engine/methods/types'
import { contextFromWeights, initWeights, ParamScope } from '../../../src/engine/ops/index'
import { buildHierarchicalCells, prepareMixing } from '../../../src/engine/supernet/hierarchical'
import { SharedMotif } from '../../../src/engine/supernet/hierarchicalCell'
import { countWeights } from '../../../src/engine/supernet/network'
import type { BnUpdate } from '../../../src/engine/types'
import { gradCheck, maxAbsDiff, randn, randn4, values } from '../ops/helpers'
import { disposeSearch, runAll, TINY, tinySearch } from '../search/helpers'

const GRAD_TOL = 2e-2
const OPS = HDARTS_LEVEL0_OPS

/** TINY's sizes (C=2, 3 cells, 2 steps, 8×8×1, 4 classes) with HDARTS's defining parts. */
function tinyHdarts(overrides: Partial<SearchConfig> = {}): SearchConfig {
  const c = getPreset('hdarts-quick').config
  const { method, parametrization, alternation, alphaInit, hierarchical } = c
  return { ...TINY, method, parametrization, alternation, alphaInit, hierarchical, ...overrides }
}

const ctx = (phase: MethodContext['phase'] = 'arch'): MethodContext => ({ epoch: 0, epochs: 1, phase, rng: new Rng(1) })

function tinyMethod(config = tinyHdarts()): HdartsMethod {
  return new HdartsMethod(createHdartsSupernet(supernetConfigOf(config, [8, 8, 1], 4), config), config)
}

beforeAll(async () => {
  await initBackend('cpu')
})

describe('hierarchical supernet structure', () => {
  it('reductions at the integer indices ⌊L/3⌋ and ⌊2L/3⌋: cells 2 and 5 of 8 (porting bug 1)', () => {
    const config = { ...supernetConfigOf(tinyHdarts(), [32, 32, 3], 10), layers: 8, ops: OPS, motifs: 2, motifNodes: 3 }
    const cells = buildHierarchicalCells(config)
    expect(cells.flatMap((c, i) => (c.shape.reduction ? [i] : []))).toEqual([2, 5])
    expect(cells.map((c) => c.shape.C)).toEqual([2, 2, 4, 4, 4, 8, 8, 8])
    expect(cells.map((c) => c.outSize)).toEqual([32, 32, 16, 16, 16, 8, 8, 8])
  })

  it('weights = the hand count (one physical motif per cell and source state), α = 2·(2·3·10 + 5·2)', () => {
    const m = tinyMethod()
    expect(countWeights(m.net)).toBe(28502) // tests/core/genotype/hdarts.test.ts derives it term by term
    const core = countHdartsSupernet({
      channels: 2,
      layers: 3,
      classes: 4,
      steps: 2,
      multiplier: 2,
      inputSize: 8,
      inputChannels: 1,
    })
    expect(core).toEqual({ weights: 28502, alphas: 140 })
    expect(m.archSpecs.map((s) => [s.name, s.shape, s.group])).toEqual([
      ['normal.motif0', [3, 10], 0],
      ['normal.motif1', [3, 10], 0],
      ['normal.cell', [5, 2], 1],
      ['reduce.motif0', [3, 10], 0],
      ['reduce.motif1', [3, 10], 0],
      ['reduce.cell', [5, 2], 1],
    ])
    expect(m.archSpecs.reduce((n, s) => n + s.shape[0] * s.shape[1], 0)).toBe(140)
    expect(m.archLrs).toEqual([3e-4, 3e-4])
    // Nothing is per candidate motif or per edge: each primitive exists once per (cell, source, motif node).
    const names = m.net.specs.map((s) => s.name)
    expect(names.filter((n) => /\.(motif|edges)/.test(n))).toEqual([])
    expect(names.filter((n) => n.endsWith('.sep_conv_3x3.dw1'))).toHaveLength(3 * 3 * 2)
  })

  it('the residual FactorizedReduce is registered exactly on strided sources (reduction cells, states 0 and 1)', () => {
    const names = tinyMethod().net.specs.map((s) => s.name)
    const residuals = names.filter((n) => n.includes('.residual.'))
    expect(residuals).toEqual(
      [1, 2].flatMap((cell) => [0, 1].flatMap((j) => ['conv_1', 'conv_2'].map((c) => `cells.${cell}.from${j}.residual.${c}`))),
    )
  })
})

describe('weight sharing', () => {
  const C = 4
  const setup = (stride: number, seed: number) => {
    const rng = new Rng(seed)
    const sm = new SharedMotif(OPS, C, stride, 3)
    const w = initWeights(sm.params, rng)
    const x = randn4([2, 8, 8, C], rng)
    const run = (weights: tf.Tensor[], alphas: tf.Tensor2D[]) =>
      tf.tidy(() => {
        const mix = prepareMixing({ motifs: alphas.map((a) => tf.softmax(a)), cell: tf.ones([5, alphas.length]) }, sm.live, 3, 2)
        return sm.apply(x, new ParamScope(contextFromWeights(sm.params, weights, { training: true })), mix.motifs).map(values)
      })
    return { sm, w, x, run, rng }
  }

  it('one primitive tensor feeds every candidate motif; equal α⁰ give identical motifs', () => {
    const { sm, w, run, rng } = setup(1, 1)
    const alphas = [0, 1, 2].map(() => randn([3, 10], rng, 0.5) as tf.Tensor2D)
    const before = run(w, alphas)
    for (const name of ['node0.sep_conv_3x3.pw1', 'node1.dil_conv_3x3.pw']) {
      const k = sm.params.findIndex((p) => p.name === name)
      const changed = w.map((t, i) => (i === k ? tf.add(t, 0.5) : t))
      const after = run(changed, alphas)
      after.forEach((out, m) => expect(maxAbsDiff(out, before[m]!), `${name} → motif ${m}`).toBeGreaterThan(1e-3))
      tf.dispose(changed[k]!)
    }
    const same = run(w, [alphas[0]!, alphas[0]!])
    expect(maxAbsDiff(same[0]!, same[1]!)).toBe(0)
    tf.dispose([...w, ...alphas])
  })

  it('a source state’s motif feeds all its outgoing cell edges: changing it moves every node', () => {
    const m = tinyMethod()
    const net = m.net
    const rng = new Rng(2)
    const w = initWeights(net.specs, rng)
    const arch = m.archSpecs.map((s) => randn([...s.shape], rng, 0.5) as tf.Tensor2D)
    const cell = net.cells[0]!
    const s = randn4([2, 8, 8, 6], rng)
    const cellOut = (weights: tf.Tensor[]) =>
      tf.tidy(() => {
        const mix = m.mixing(arch, ctx())
        const scope = new ParamScope(contextFromWeights(net.specs, weights, { training: true })).child('cells.0')
        return cell.forward(s, s, scope, prepareMixing(mix.normal, cell.motifs[0]!.live, 3, 2))
      })
    const before = cellOut(w)
    const k = net.specs.findIndex((p) => p.name === 'cells.0.from0.node0.sep_conv_5x5.pw2')
    const after = cellOut(w.map((t, i) => (i === k ? tf.add(t, 0.5) : t)))
    // Output = concat of nodes 2 and 3 (C = 2 channels each); both have an edge from state 0.
    for (const [lo, name] of [
      [0, 'node 2'],
      [2, 'node 3'],
    ] as const) {
      const slice = (t: tf.Tensor4D) => values(tf.slice(t, [0, 0, 0, lo], [-1, -1, -1, 2]))
      expect(maxAbsDiff(slice(after), slice(before)), name).toBeGreaterThan(1e-4)
    }
    tf.dispose([...w, ...arch, s, before, after])
  })
})

function lossSetup(seed: number) {
  const m = tinyMethod()
  const rng = new Rng(seed)
  const w = initWeights(m.net.specs, rng)
  // α of N(0, 0.5²) rather than zeros, so that both softmaxes are far from uniform.
  const arch = m.archSpecs.map((s) => randn([...s.shape], rng, 0.5) as tf.Tensor2D)
  const x = randn4([2, 8, 8, 1], rng)
  const labels = tf.oneHot(tf.tensor1d([3, 1], 'int32'), 4)
  const loss = (a: readonly tf.Tensor[], weights: readonly tf.Tensor[]) =>
    tf.losses.softmaxCrossEntropy(
      labels,
      m.net.forward(weights, m.mixing(a as tf.Tensor2D[], ctx()), x, { training: true }),
    ) as tf.Scalar
  return { m, w, arch, x, labels, loss }
}

describe('gradients against finite differences (cpu)', () => {
  it('level-0 and level-1 α of both cell types, and shared weights, residual reduce included', () => {
    const { m, w, arch, loss } = lossSetup(1)
    const names = m.net.specs.map((s) => s.name)
    const picked = [
      'cells.1.from0.residual.conv_1', // the residual FactorizedReduce of a strided motif
      'cells.0.from1.node1.sep_conv_7x7.dw1', // a node-1 primitive shared by both candidate motifs
      'cells.2.from2.node0.conv_7x1_1x7.conv_1x7',
      'cells.1.from1.node0.identity.conv_2', // the strided identity (FactorizedReduce)
    ]
    const idx = picked.map((n) => names.indexOf(n))
    expect(idx.every((i) => i >= 0)).toBe(true)
    const archIdx = [0, 2, 4, 5] // normal.motif0, normal.cell, reduce.motif1, reduce.cell
    const fy = (...xs: tf.Tensor[]) => {
      const a = arch.map((t, i) => (archIdx.includes(i) ? xs[archIdx.indexOf(i)]! : t))
      const ws = w.map((t, i) => (idx.includes(i) ? xs[archIdx.length + idx.indexOf(i)]! : t))
      return loss(a, ws)
    }
    // Unlike DARTS's, level-0 α feed later primitives (node 1 is their input), so the loss curves within
    // ε = 1e-2; 2e-3 for α (the loss moves ~1e-3 per step, far above float32 round-off), 1e-3 for weights.
    const eps = [...archIdx.map(() => 2e-3), ...idx.map(() => 1e-3)]
    const checks = gradCheck(fy, [...archIdx.map((i) => arch[i]!), ...idx.map((i) => w[i]!)], 30, eps)
    const labels = [...archIdx.map((i) => m.archSpecs[i]!.name), ...picked]
    checks.forEach((c, i) => expect(c.relError, labels[i]).toBeLessThan(GRAD_TOL))
    tf.dispose([...w, ...arch])
  })

  it('α coordinate by coordinate: the largest entry of each level’s matrix; the residual reduce gets gradient', () => {
    const { m, w, arch, loss } = lossSetup(3)
    const grads = tf.grads((...a: tf.Tensor[]) => loss(a, w))(arch)
    // ε = 1e-2 is 3–8 % off on level-0 coordinates (curvature through node 1's primitives); 1e-3 converges.
    const eps = 1e-3
    for (const i of [1, 2, 3, 5]) {
      const gv = values(grads[i]!)
      const k = gv.map((v, j) => [Math.abs(v), j] as const).sort((p, q) => q[0] - p[0])[0]![1]
      const at = (sign: number) =>
        tf
          .tidy(() => {
            const e = tf.reshape(tf.oneHot(tf.tensor1d([k], 'int32'), gv.length), arch[i]!.shape)
            return loss(
              arch.map((t, j) => (j === i ? tf.add(t, tf.mul(e, sign * eps)) : t)),
              w,
            )
          })
          .dataSync()[0]!
      const numeric = (at(1) - at(-1)) / (2 * eps)
      expect(Math.abs(numeric - gv[k]!) / Math.abs(gv[k]!), `${m.archSpecs[i]!.name}[${k}]`).toBeLessThan(GRAD_TOL)
    }
    const names = m.net.specs.map((s) => s.name)
    const res = ['conv_1', 'conv_2'].map((c) => names.indexOf(`cells.2.from1.residual.${c}`))
    const gw = tf.grads((...ws: tf.Tensor[]) => loss(arch, [...w.slice(0, res[0]!), ...ws, ...w.slice(res[1]! + 1)]))(
      res.map((i) => w[i]!),
    )
    for (const g of gw) expect(tf.norm(g).dataSync()[0]!).toBeGreaterThan(1e-6)
    tf.dispose([...w, ...arch, ...grads, ...gw])
  })

  it('eval mode with the batch statistics as running statistics equals train mode (one motif: one update per BN)', () => {
    const m = tinyMethod(tinyHdarts({ hierarchical: { ...tinyHdarts().hierarchical, motifs: 1 } }))
    const rng = new Rng(7)
    const w = initWeights(m.net.specs, rng)
    const arch = m.archSpecs.map((s) => randn([...s.shape], rng, 0.5) as tf.Tensor2D)
    const x = randn4([4, 8, 8, 1], rng)
    tf.tidy(() => {
      const mix = m.mixing(arch, ctx('eval'))
      const updates: BnUpdate[] = []
      const train = m.net.forward(w, mix, x, { training: true, bnUpdates: updates })
      expect(updates).toHaveLength(m.net.bnSpecs.length)
      const bnStats = new Map(updates.map((u) => [u.name, { mean: u.mean, variance: u.variance }]))
      const evaluated = m.net.forward(w, mix, x, { training: false, bnStats })
      expect(maxAbsDiff(values(train), values(evaluated))).toBeLessThan(1e-3)
      tf.dispose(updates.flatMap((u) => [u.mean, u.variance]))
    })
    tf.dispose([...w, ...arch])
  })

  it('wasm computes the same loss and gradients as cpu (7-tap and strided 1×7 convs included)', async () => {
    const grab = () => {
      const { w, arch, loss } = lossSetup(5)
      const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => loss(xs.slice(0, arch.length), xs.slice(arch.length)))([
        ...arch,
        ...w,
      ])
      const out = { loss: value.dataSync()[0]!, grads: grads.map(values) }
      tf.dispose([value, ...grads, ...w, ...arch])
      return out
    }
    const cpu = grab()
    await initBackend('wasm')
    try {
      const wasm = grab()
      expect(wasm.loss).toBeCloseTo(cpu.loss, 4)
      const scale = Math.max(...cpu.grads.map((g) => Math.max(...g.map(Math.abs))))
      cpu.grads.forEach((g, i) => expect(maxAbsDiff(wasm.grads[i]!, g) / scale, `grad ${i}`).toBeLessThan(1e-3))
    } finally {
      await initBackend('cpu')
    }
  }, 60_000)
})

describe('search steps on the tiny synthetic data', () => {
  it.each(['wasm', 'cpu'] as const)(
    '%s: a weight epoch then an α epoch, no tensor leak, and a derived genotype that parses back',
    async (backend) => {
      await initBackend(backend)
      const s = tinySearch(tinyHdarts({ epochs: 2 }), 16)
      const events: RunEventBody[] = []
      try {
        const snap = () => ({ w: s.state.weights.map(values), a: s.state.arch.map(values) })
        const changed = (x: number[][], y: number[][]) => x.some((v, i) => maxAbsDiff(v, y[i]!) > 0)
        const trainBatches = s.data.train.batchesPerEpoch
        expect(s.stepsPerEpoch).toBe(trainBatches + s.data.val.batchesPerEpoch)
        const start = snap()
        for (let i = 0; i < trainBatches; i++) expect(s.trainStep()).toBe(true)
        const afterWeights = snap()
        expect(changed(afterWeights.w, start.w)).toBe(true)
        expect(changed(afterWeights.a, start.a)).toBe(false) // α only moves in the α epoch
        while (s.trainStep());
        const afterArch = snap()
        expect(changed(afterArch.a, afterWeights.a)).toBe(true)
        expect(changed(afterArch.w, afterWeights.w)).toBe(false)
        s.endEpoch((e) => events.push(e))
        // The weight phase stops after batchesPerEpoch reads: the split's end-of-epoch null is still pending.
        expect(s.data.train.next()).toBeNull()
        const n = tf.memory().numTensors
        await s.run({ emit: (e) => events.push(e), stopRequested: () => null, checkpoint: async () => {}, progressEveryMs: 0 })
        expect(tf.memory().numTensors).toBe(n)
      } finally {
        disposeSearch(s)
      }
      const genotypes = events.filter((e): e is Extract<RunEventBody, { type: 'genotype' }> => e.type === 'genotype')
      expect(genotypes).toHaveLength(2)
      for (const g of genotypes) {
        expect(g.format).toBe('hdarts')
        const [parsed] = parseAnyGenotypes(g.text)
        const h = parsed!.genotype as HdartsGenotype
        expect(h.kind).toBe('hdarts')
        expect(h.normal.nodes.map((n) => n.length)).toEqual([2, 3]) // dense, 2 steps
        expect(h.normal.motifs).toHaveLength(2)
      }
      const alphas = events.find((e): e is Extract<RunEventBody, { type: 'alphas' }> => e.type === 'alphas')!
      expect(alphas.ops).toEqual(['motif_0', 'motif_1'])
      expect(alphas.normal).toHaveLength(5)
      for (const row of alphas.reduce) expect(row[0]! + row[1]!).toBeCloseTo(1, 5)
      const method = events.find((e): e is Extract<RunEventBody, { type: 'method' }> => e.type === 'method')!
      expect(Object.keys(method.matrices).sort()).toEqual([
        'motifs.0.normal',
        'motifs.0.reduce',
        'motifs.1.normal',
        'motifs.1.reduce',
      ])
      expect(method.matrices['motifs.1.reduce']).toHaveLength(3)
      // The preset's 1e-3·randn init breaks the symmetry of the weight-sharing candidates (with zeros they get
      // identical gradients forever; docs/methods/hdarts.md).
      expect(method.matrices['motifs.1.normal']).not.toEqual(method.matrices['motifs.0.normal'])
      expect(alphas.normal.some((row) => row[0] !== 0.5)).toBe(true)
      const epochEvents = events.filter((e) => e.type === 'epoch')
      expect(epochEvents).toHaveLength(2)
    },
    180_000,
  )
})

describe('epoch alternation over several epochs', () => {
  it('two epochs run to the end, each a weight phase then an α phase, on the cosine lr', async () => {
    await initBackend('cpu')
    const s = tinySearch(tinyHdarts({ epochs: 2 }), 16)
    try {
      const alpha0 = s.archValues()
      const { events, reason } = await runAll(s)
      expect(reason).toBeNull()
      expect(s.done).toBe(true)
      expect(s.position).toEqual({ epoch: 2, step: 0 })
      // 16 images a half in batches of 8: 2 weight steps, then 2 α steps, in each epoch.
      expect([s.data.train.batchesPerEpoch, s.data.val.batchesPerEpoch]).toEqual([2, 2])
      const progress = events.filter((e): e is Extract<RunEventBody, { type: 'progress' }> => e.type === 'progress')
      expect(progress.map((p) => [p.epoch, p.step, p.stepsPerEpoch])).toEqual(
        [0, 1].flatMap((epoch) => [1, 2, 3, 4].map((step) => [epoch, step, 4])),
      )
      // The α phase trains no weights: the epoch's training loss is frozen once its weight phase is over.
      for (const epoch of [0, 1]) {
        const [, w2, a1, a2] = progress.filter((p) => p.epoch === epoch)
        expect([a1!.trainLoss, a2!.trainLoss]).toEqual([w2!.trainLoss, w2!.trainLoss])
      }
      const epochs = events.filter((e): e is Extract<RunEventBody, { type: 'epoch' }> => e.type === 'epoch')
      expect(epochs.map((e) => e.epoch)).toEqual([0, 1])
      for (const e of epochs) {
        expect(Number.isFinite(e.trainLoss) && e.trainLoss > 0).toBe(true)
        expect(Number.isFinite(e.archLoss) && e.archLoss > 0).toBe(true) // the α phase ran
      }
      expect(epochs[0]!.lr).toBeCloseTo(s.config.lr, 12)
      expect(epochs[1]!.lr).toBeLessThan(epochs[0]!.lr)
      expect(events.filter((e) => e.type === 'genotype')).toHaveLength(2)
      expect(s.archValues()).not.toEqual(alpha0)
    } finally {
      disposeSearch(s)
    }
  }, 120_000)
})

describe('method', () => {
  it("derive: 'topk' keeps 2 inputs per node; skips count identity-only motifs", () => {
    const m = tinyMethod(tinyHdarts({ hierarchical: { ...tinyHdarts().hierarchical, derive: 'topk' } }))
    const arch = m.archSpecs.map((s) => Array.from({ length: s.shape[0] }, () => Array<number>(s.shape[1]).fill(0)))
    // reduce.motif1 all-identity, and every reduce cell edge prefers motif 1.
    for (const row of arch[4]!) row[OPS.indexOf('identity')] = 3
    for (const row of arch[5]!) row[1] = 1
    const d = m.derive(arch)
    const h = parseAnyGenotypes(d.text)[0]!.genotype as HdartsGenotype
    expect(h.normal.nodes.map((n) => n.length)).toEqual([2, 2])
    expect([d.skipsNormal, d.skipsReduce]).toEqual([0, 4])
    expect(d.format).toBe('hdarts')
  })

  it('buildMethod builds HDARTS for parametrization=hierarchical, with β-decay over every α row when on', () => {
    const plain = buildMethod(tinyHdarts(), [8, 8, 1], 4)
    expect(plain).toBeInstanceOf(HdartsMethod)
    expect(plain.archRegularizer([], ctx())).toBeNull()
    const withBeta = buildMethod(
      tinyHdarts({ regularization: { ...TINY.regularization, betaDecay: { lambdaMax: 10 } } }),
      [8, 8, 1],
      4,
    )
    tf.tidy(() => {
      const a = withBeta.archSpecs.map((s) => tf.zeros([...s.shape]) as tf.Tensor2D)
      // Rows: 12 level-0 rows of 10 columns (ln 10) and 10 level-1 rows of 2 (ln 2); λ_1 = 10·1/2.
      const mean = (12 * Math.log(10) + 10 * Math.log(2)) / 22
      const r = withBeta.archRegularizer(a, { ...ctx(), epoch: 1, epochs: 2 })!
      expect(r.parts.betaDecay!.dataSync()[0]).toBeCloseTo(5 * mean, 5)
    })
  })
})
