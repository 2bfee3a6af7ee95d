// DARTS-PT selection (METHODS.md §3.4): the schedule of decisions and tuning, the operation and topology
// rules on a constructed supernet where one op carries the signal, the projected genotype, tensor
// hygiene, and a resume in the middle of the phase.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { applyOverrides, ConfigError, PRESETS, type SearchConfig } from '../../../src/core/config/search'
import type { RunEventBody } from '../../../src/core/events'
import { parseGenotypes } from '../../../src/core/genotype/parse'
import { Rng } from '../../../src/core/rng'
import { DARTS_PRIMITIVES } from '../../../src/core/searchSpaces'
import { initBackend } from '../../../src/engine/backends'
import { makeSet, type DatasetInfo } from '../../../src/engine/data/types'
import { DartsMethod } from '../../../src/engine/methods/parametrizations/darts'
import { partsFor } from '../../../src/engine/methods/registry'
import type { SearchMethod } from '../../../src/engine/methods/types'
import { PtSelection } from '../../../src/engine/methods/selection/pt'
import { searchDataFromSplit } from '../../../src/engine/search/data'
import { Searcher } from '../../../src/engine/search/searcher'
import { disposeSearch, initState } from '../../../src/engine/search/session'
import { restoreSnapshot, takeSnapshot } from '../../../src/engine/search/snapshot'
import type { DartsMixing, Supernet, SupernetConfig } from '../../../src/engine/types'
import { syntheticSet, TINY, tinySearch } from '../search/helpers'

beforeAll(async () => {
  await initBackend('wasm')
})

const PT: SearchConfig = { ...TINY, epochs: 1, selection: 'pt', pt: { interval: 0.25, lrFactor: 0.1, evalBatches: 2 } }

async function runAll(s: Searcher, stopAfter?: number) {
  const events: RunEventBody[] = []
  let steps = 0
  const reason = await s.run({
    emit: (e) => events.push(e),
    stopRequested: () => (stopAfter !== undefined && ++steps >= stopAfter ? 'SIGTERM' : null),
    checkpoint: async () => {},
    progressEveryMs: 0,
  })
  return { events, reason }
}

const parseGenotype = (text: string) => parseGenotypes(text)[0]!.genotype

const ofType = <T extends RunEventBody['type']>(events: RunEventBody[], type: T) =>
  events.filter((e): e is Extract<RunEventBody, { type: T }> => e.type === type)

describe('the DARTS-PT schedule', () => {
  it('has one decision per edge and per node with more than two inputs, over interval·(decisions − 1) + 1 epochs', () => {
    const net = { edges: 14, config: { steps: 4, ops: DARTS_PRIMITIVES } as unknown as SupernetConfig }
    const paper = new PtSelection({ ...PT, pt: { interval: 5, lrFactor: 0.1, evalBatches: null } }, net, 391)
    expect(paper.decisions).toBe(17) // 14 edges + nodes 1..3 (darts-pt's nid2eids)
    expect(paper.epochs).toBe(81) // proj_intv·(14 + 3 − 1) + 1
    expect(paper.decisionStep(16)).toBe(80 * 391)
    const quick = new PtSelection(PT, net, 94)
    expect(quick.tuneSteps).toBe(470) // (0.25·16 + 1) epochs of 94 steps
    expect([quick.decisionStep(1), quick.decisionStep(2), quick.decisionStep(16)]).toEqual([24, 47, 376])
    expect(quick.stepsInEpoch(4)).toBe(94)
    // Cosine from lr·0.1 (0.01 at the quick lr 0.1) to lrMin over the tuning epochs, stepped after each.
    expect(quick.lr(0)).toBeCloseTo(0.01, 12)
    expect(quick.lr(2.5)).toBeCloseTo((0.01 + 0.001) / 2, 12)
  })
})

/**
 * A constructed "supernet": logits = scale·10·w·f(x) where f are the four quadrant means (the synthetic
 * class signal) and w is the mixing weight of sep_conv_3x3 on normal edge 2. That op alone carries the
 * signal; every other mixing weight is ignored.
 */
const SIGNAL_EDGE = 2
const SIGNAL_OP = DARTS_PRIMITIVES.indexOf('sep_conv_3x3')

function signalNet(): Supernet {
  const config: SupernetConfig = {
    C: 1,
    numClasses: 4,
    layers: 3,
    steps: 2,
    multiplier: 2,
    stemMultiplier: 1,
    inputChannels: 1,
    inputSize: 8,
    ops: DARTS_PRIMITIVES,
  }
  return {
    config,
    specs: [{ name: 'scale', shape: [1], init: 'ones', fanIn: 1 }],
    bnSpecs: [],
    edges: 5,
    forward(weights, mixing: DartsMixing, x) {
      return tf.tidy(() => {
        const n = x.shape[0]
        const f = tf.reshape(tf.mean(tf.reshape(x, [n, 2, 4, 2, 4]), [2, 4]), [n, 4])
        const w = tf.slice(mixing.normal, [SIGNAL_EDGE, SIGNAL_OP], [1, 1]).reshape([])
        // 0·Σ reduce keeps the reduce α on the tape (the α step differentiates both).
        const zero = tf.mul(tf.sum(mixing.reduce), 0)
        return tf.add(tf.mul(tf.mul(f, tf.mul(weights[0]!, 10)), w), zero) as tf.Tensor2D
      })
    },
  }
}

function signalSearch(config: SearchConfig): Searcher {
  const info: DatasetInfo = {
    id: 'folder',
    label: 'synthetic quadrants',
    shape: { height: 8, width: 8, channels: 1 },
    numClasses: 4,
    classNames: ['tl', 'tr', 'bl', 'br'],
    normalization: { mean: [0.3], std: [0.3] },
    augment: { cropPadding: 1, flip: false, cutout: 0 },
  }
  const train = syntheticSet(48, 1)
  const val = syntheticSet(48, 2)
  const { data } = searchDataFromSplit(
    config,
    info,
    makeSet('search-train', train.images, train.labels, info.shape),
    makeSet('search-val', val.images, val.labels, info.shape),
  )
  const method = new DartsMethod(signalNet(), config) as SearchMethod
  const rng = new Rng(config.seed)
  const plugins = partsFor(config, { net: method.net, batchesPerEpoch: data.train.batchesPerEpoch })
  return new Searcher(config, method, initState(method, rng), data, rng.fork().getState(), plugins)
}

const ptOf = (s: Searcher): PtSelection => s.plugin<PtSelection>('pt')!

describe('DARTS-PT decisions', () => {
  it('fixes the signal edge to the op whose removal hurts most, and keeps that edge in the topology phase', async () => {
    const s = signalSearch(PT)
    const { events } = await runAll(s)
    const fixed = ptOf(s).projection.fixed
    const oneHot = DARTS_PRIMITIVES.map((_, o) => (o === SIGNAL_OP ? 1 : 0))
    expect(fixed.normal[SIGNAL_EDGE]).toEqual(oneHot)
    // Node 1 (edges 2, 3, 4) keeps two edges, the signal edge among them.
    const kept = [2, 3, 4].filter((e) => fixed.normal[e]!.some((x) => x > 0))
    expect(kept).toHaveLength(2)
    expect(kept).toContain(SIGNAL_EDGE)
    // The log records the signal decision with the accuracy left after removing the op: chance or below.
    const log = ptOf(s).log.find((r) => r[1] === 0 && r[2] === 0 && r[3] === SIGNAL_EDGE)!
    expect(log[4]).toBe(SIGNAL_OP)
    expect(log[5]).toBeLessThan(0.5)
    // The final genotype names it: node 1 takes sep_conv_3x3 from input 0 (edge 2 = node 1, input 0).
    const text = s.finalGenotypeText()
    const g = parseGenotype(text)
    expect(g.kind).toBe('darts')
    if (g.kind === 'darts') expect(g.normal.nodes[1]).toContainEqual({ op: 'sep_conv_3x3', from: 0 })
    expect(ofType(events, 'genotype').at(-1)!.text).toBe(text)
    disposeSearch(s)
  }, 600_000)
})

describe('DARTS-PT on the tiny search', () => {
  it('runs the phase as extra epochs: every edge decided, two inputs per node, events per epoch', async () => {
    const s = tinySearch(PT)
    expect(s.totalEpochs).toBe(1 + 3) // 14 tuning steps of 6 an epoch
    const { events } = await runAll(s)
    expect(ofType(events, 'epoch').map((e) => e.epoch)).toEqual([0, 1, 2, 3])
    const pt = ptOf(s)
    expect(pt.decisionsDone).toBe(6) // 5 edges + node 1
    for (const cell of ['normal', 'reduce'] as const) {
      expect(pt.projection.fixed[cell].every((r) => r !== null)).toBe(true)
      expect(pt.projection.fixed[cell].filter((r) => r!.some((x) => x > 0)).length).toBeLessThanOrEqual(4)
    }
    const g = parseGenotype(s.finalGenotypeText())
    if (g.kind !== 'darts') throw new Error('expected a DARTS genotype')
    for (const cell of [g.normal, g.reduce]) for (const node of cell.nodes) expect(node).toHaveLength(2)
    const method = ofType(events, 'method').at(-1)!
    expect(method.scalars.ptDecisions).toBe(6)
    expect(method.matrices.ptMaskNormal).toHaveLength(5)
    expect(method.matrices.ptLog!.length).toBeGreaterThanOrEqual(2 * 6)
    // Tuning lr: lr·0.1 with cosine over the tuning epochs.
    expect(ofType(events, 'epoch')[1]!.lr).toBeCloseTo(ptOf(s).lr(0), 12)
    expect(ofType(events, 'progress').length).toBeGreaterThan(0)
    disposeSearch(s)
  }, 900_000)

  it('keeps the tensor count flat through decisions and tuning steps', () => {
    const s = tinySearch(PT)
    while (s.trainStep()); // the supernet epoch
    s.endEpoch(() => {})
    s.trainStep() // first tuning step: the phase starts (SGD restarts) and decision 0 is made
    const n = tf.memory().numTensors
    for (let i = 0; i < 4; i++) s.trainStep() // decisions 1 and 2 among them
    expect(ptOf(s).decisionsDone).toBe(3)
    expect(tf.memory().numTensors).toBe(n)
    disposeSearch(s)
  }, 60_000)

  it('a run stopped in the middle of the phase and restored from its snapshot ends with the same genotype', async () => {
    const whole = tinySearch(PT)
    const full = await runAll(whole)
    const fullGenotype = whole.finalGenotypeText()
    disposeSearch(whole)

    const first = tinySearch(PT)
    const part = await runAll(first, 9) // the supernet epoch (6 steps), then 3 tuning steps
    expect(part.reason).toBe('SIGTERM')
    expect(first.position).toEqual({ epoch: 1, step: 3 })
    expect(ptOf(first).decisionsDone).toBe(2)
    const snap = JSON.parse(JSON.stringify({ meta: takeSnapshot(first).meta })) as {
      meta: ReturnType<typeof takeSnapshot>['meta']
    }
    const data = takeSnapshot(first).data
    disposeSearch(first)

    const second = tinySearch(PT)
    restoreSnapshot(second, { meta: snap.meta, data })
    const rest = await runAll(second)
    expect(second.finalGenotypeText()).toBe(fullGenotype)
    const strip = (evs: RunEventBody[]) =>
      ofType(evs, 'epoch').map(({ epochSec, imagesPerSec, ...r }) => (void epochSec, void imagesPerSec, r))
    expect(strip([...part.events, ...rest.events])).toEqual(strip(full.events))
    expect(ofType(rest.events, 'method').at(-1)!.matrices).toEqual(ofType(full.events, 'method').at(-1)!.matrices)
    disposeSearch(second)
  }, 180_000)
})

describe('DARTS-PT on NAS-Bench-201', () => {
  it('decides every edge of the one cell type, with no topology phase, and ends with an NB201 string', async () => {
    const rs = { kind: 'random' as const, epsilonMin: 0.03, epsilonMax: 0.3, steps: 7 }
    const s = tinySearch({ ...PT, space: 'nb201', perturbation: rs })
    expect([ptOf(s).decisions, ptOf(s).cells]).toEqual([6, ['normal']])
    const { events } = await runAll(s)
    expect(ptOf(s).projection.fixed.normal.every((r) => r !== null && r.reduce((a, b) => a + b, 0) === 1)).toBe(true)
    expect(ptOf(s).projection.fixed.reduce.every((r) => r === null)).toBe(true)
    const g = parseGenotype(s.finalGenotypeText())
    expect(g.kind).toBe('nb201')
    const last = ofType(events, 'method').at(-1)!
    expect(Object.keys(last.matrices)).not.toContain('ptMaskReduce')
    expect(last.scalars.epsilon).toBeGreaterThan(0)
    disposeSearch(s)
  }, 180_000)
})

describe('selection=pt and hessian.every=1 on every quick preset', () => {
  const quick = PRESETS.filter((p) => p.name.endsWith('-quick'))
  const refused: Record<string, RegExp> = {
    'hdarts-quick': /DARTS-PT selection .* not 'hierarchical'/,
    'pr-darts-quick': /DARTS-PT selection .* not 'hard-concrete'/,
    'e2nas-quick': /DARTS-PT selection .* not 'latent'/,
  }

  it('the presets that cannot take them are refused with the reason', () => {
    for (const [name, why] of Object.entries(refused)) {
      const c = quick.find((p) => p.name === name)!.config
      expect(() => applyOverrides(c, ['selection=pt'])).toThrow(why)
      expect(() => applyOverrides(c, ['selection=pt'])).toThrow(ConfigError)
    }
    const prDarts = quick.find((p) => p.name === 'pr-darts-quick')!.config
    expect(() => applyOverrides(prDarts, ['hessian.every=1'])).toThrow(/λ_max .* undefined for 'hard-concrete'/)
    const e2nas = quick.find((p) => p.name === 'e2nas-quick')!.config
    expect(() => applyOverrides(e2nas, ['hessian.every=1'])).toThrow(/λ_max .* undefined for 'latent'/)
    const hdarts = quick.find((p) => p.name === 'hdarts-quick')!.config
    expect(applyOverrides(hdarts, ['hessian.every=1']).hessian.every).toBe(1)
  })

  for (const preset of quick.filter((p) => !(p.name in refused)))
    it(`${preset.name}: a supernet epoch with λ_max, then the PT phase, on the tiny search`, async () => {
      const c = applyOverrides(preset.config, ['selection=pt', 'hessian.every=1'])
      const s = tinySearch({
        ...TINY,
        method: c.method,
        parametrization: c.parametrization,
        regularization: c.regularization,
        perturbation: { ...c.perturbation, steps: Math.min(2, c.perturbation.steps) },
        unrolled: c.unrolled,
        gates: c.gates,
        sigmoid: c.sigmoid,
        partialChannel: { ...c.partialChannel, K: 2 },
        epochs: 1,
        selection: 'pt',
        pt: { interval: 0.1, lrFactor: 0.1, evalBatches: 1 },
        hessian: { ...c.hessian, every: 1, iterations: 3 },
      })
      const { events } = await runAll(s)
      expect(ofType(events, 'method')[0]!.scalars.lambdaMax).toBeGreaterThan(-Infinity)
      expect(ptOf(s).decisionsDone).toBe(ptOf(s).decisions)
      const g = parseGenotype(s.finalGenotypeText())
      if (g.kind !== 'darts') throw new Error('expected a DARTS genotype')
      for (const node of g.normal.nodes) expect(node).toHaveLength(2)
      disposeSearch(s)
    }, 180_000)
})
