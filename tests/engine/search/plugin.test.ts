// A plugin written here, outside src/, attaches to the Searcher through SearchPlugin alone: a
// regularizer and its own derivation (wrapMethod), per-step hooks, an epoch-end scalar, extra epochs
// with their own lr, and checkpoint state that a resume restores exactly. This is the path the
// network-level and HM-style methods take (docs/search.md).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { RunEventBody } from '../../../src/core/events'
import { initBackend } from '../../../src/engine/backends'
import { overrideMethod } from '../../../src/engine/methods/override'
import type { RegTerm, SearchMethod } from '../../../src/engine/methods/types'
import { checkPlugins, type ExtraEpochs, type SearcherView, type SearchPlugin } from '../../../src/engine/search/plugin'
import { restoreSnapshot, takeSnapshot } from '../../../src/engine/search/snapshot'
import { disposeSearch, runAll, TINY, tinySearch } from './helpers'

beforeAll(async () => {
  await initBackend('wasm')
})

const EXTRA_LR = 0.005

interface ToyState {
  steps: number
  archSteps: number
}

/** Counts steps, adds 1e-3·Σα² to the α loss, derives its own text and adds one short extra epoch. */
class ToyPlugin implements SearchPlugin {
  readonly name = 'toy'
  readonly stateKey = 'toy'
  state: ToyState = { steps: 0, archSteps: 0 }
  readonly extraEpochs: ExtraEpochs
  /** Weights and α when the supernet epochs end. */
  atPhaseStart: { weights: number[][]; arch: number[][][] } | null = null

  constructor(phase: Pick<ExtraEpochs, 'trainWeights' | 'archGroups'> = {}) {
    this.extraEpochs = { epochs: 1, stepsInEpoch: () => 2, lr: () => EXTRA_LR, beforeStep: () => true, ...phase }
  }

  afterEpoch(s: SearcherView): void {
    if (s.position.epoch !== s.config.epochs) return
    this.atPhaseStart = {
      weights: s.state.weights.map((w) => Array.from(w.dataSync())),
      arch: s.state.arch.map((a) => a.arraySync()),
    }
  }

  wrapMethod(m: SearchMethod): SearchMethod {
    const archRegularizer = (
      arch: readonly tf.Tensor2D[],
      ctx: Parameters<SearchMethod['archRegularizer']>[1],
    ): RegTerm | null => {
      const inner = m.archRegularizer(arch, ctx)
      const l2 = tf.mul(tf.addN(arch.map((a) => tf.sum(tf.square(a)))), 1e-3) as tf.Scalar
      return { loss: inner ? (tf.add(inner.loss, l2) as tf.Scalar) : l2, parts: { ...inner?.parts, toyL2: l2 } }
    }
    const derive = (arch: readonly number[][][]) => ({ ...m.derive(arch), text: `toy:${this.state.steps}` })
    return overrideMethod(m, { archRegularizer, derive })
  }

  beforeStep(): void {
    this.state.steps += 1
  }

  afterArchStep(): void {
    this.state.archSteps += 1
  }

  afterWeightStep(
    s: SearcherView,
    ctx: Parameters<NonNullable<SearchPlugin['afterWeightStep']>>[1],
    lossAt: (m: unknown) => number,
  ) {
    return { toyLoss: tf.tidy(() => lossAt(s.method.mixing(s.state.arch, ctx))) }
  }

  epochEnd(): Record<string, number> {
    return { toySteps: this.state.steps, toyArchSteps: this.state.archSteps }
  }

  getState(): ToyState {
    return { ...this.state }
  }

  setState(saved: unknown): void {
    this.state = saved ? { ...(saved as ToyState) } : { steps: 0, archSteps: 0 }
  }
}

type MethodEvent = Extract<RunEventBody, { type: 'method' }>
const methodEvents = (events: RunEventBody[]) => events.filter((e): e is MethodEvent => e.type === 'method')
const withoutTimes = (events: RunEventBody[]) =>
  events.filter((e) => e.type !== 'progress').map((e) => (e.type === 'epoch' ? { ...e, epochSec: 0, imagesPerSec: 0 } : e))

describe('a plugin from outside src/ attaches through SearchPlugin alone', () => {
  it('runs its hooks, regularizer, derivation and extra epoch', async () => {
    const toy = new ToyPlugin()
    const s = tinySearch(TINY, 24, [toy])
    try {
      expect(s.totalEpochs).toBe(TINY.epochs + 1)
      const { events, reason } = await runAll(s)
      expect(reason).toBeNull()
      const perEpoch = s.data.train.batchesPerEpoch // 3
      const m = methodEvents(events)
      expect(m.map((e) => e.epoch)).toEqual([0, 1, 2])
      expect(m.map((e) => e.scalars.toySteps)).toEqual([perEpoch, 2 * perEpoch, 2 * perEpoch + 2])
      expect(m.map((e) => e.scalars.toyArchSteps)).toEqual([perEpoch, 2 * perEpoch, 2 * perEpoch + 2])
      for (const e of m) {
        expect(e.scalars.toyL2).toBeGreaterThan(0) // the regularizer ran inside the α step's loss
        expect(Number.isFinite(e.scalars.toyLoss)).toBe(true)
      }
      const epochs = events.filter((e): e is Extract<RunEventBody, { type: 'epoch' }> => e.type === 'epoch')
      expect(epochs.map((e) => e.lr).at(-1)).toBe(EXTRA_LR)
      const genotypes = events.filter((e): e is Extract<RunEventBody, { type: 'genotype' }> => e.type === 'genotype')
      expect(genotypes.map((g) => g.text)).toEqual([`toy:${perEpoch}`, `toy:${2 * perEpoch}`, `toy:${2 * perEpoch + 2}`])
      expect(s.finalGenotypeText()).toBe(`toy:${2 * perEpoch + 2}`)
    } finally {
      disposeSearch(s)
    }
  }, 120_000)

  it('its state is checkpointed under its key, and a resumed run reports exactly what a whole one does', async () => {
    const whole = tinySearch(TINY, 24, [new ToyPlugin()])
    const full = await runAll(whole)
    disposeSearch(whole)

    const first = tinySearch(TINY, 24, [new ToyPlugin()])
    const part = await runAll(first, 5) // epoch 1, step 2
    const snap = takeSnapshot(first)
    disposeSearch(first)
    expect(first.position).toEqual({ epoch: 1, step: 2 })
    expect(snap.meta.toy).toEqual({ steps: 5, archSteps: 5 })
    const toy = new ToyPlugin()
    const second = tinySearch(TINY, 24, [toy])
    restoreSnapshot(second, snap)
    expect(toy.state).toEqual({ steps: 5, archSteps: 5 })
    const rest = await runAll(second)
    disposeSearch(second)
    expect(withoutTimes([...part.events, ...rest.events])).toEqual(withoutTimes(full.events))
  }, 180_000)

  it('extra epochs may freeze the weights, or step only some α groups (a mask-learning phase)', async () => {
    const final = async (toy: ToyPlugin) => {
      const s = tinySearch(TINY, 24, [toy])
      try {
        await runAll(s)
        return { weights: s.state.weights.map((w) => Array.from(w.dataSync())), arch: s.state.arch.map((a) => a.arraySync()) }
      } finally {
        disposeSearch(s)
      }
    }
    const alphaOnly = new ToyPlugin({ trainWeights: () => false })
    const a = await final(alphaOnly)
    expect(a.weights).toEqual(alphaOnly.atPhaseStart!.weights)
    expect(a.arch).not.toEqual(alphaOnly.atPhaseStart!.arch)
    const weightsOnly = new ToyPlugin({ archGroups: () => [] })
    const w = await final(weightsOnly)
    expect(w.arch).toEqual(weightsOnly.atPhaseStart!.arch)
    expect(w.weights).not.toEqual(weightsOnly.atPhaseStart!.weights)
  }, 180_000)

  it('plugins are checked: unique names, free state keys, one source of extra epochs', () => {
    const a: SearchPlugin = { name: 'a' }
    expect(() => checkPlugins([a, { name: 'a' }])).toThrow(/two search plugins are named 'a'/)
    expect(() => checkPlugins([{ name: 'b', stateKey: 'acc' }])).toThrow(/cannot store its state as 'acc'/)
    expect(() =>
      checkPlugins([
        { name: 'b', stateKey: 'x' },
        { name: 'c', stateKey: 'x' },
      ]),
    ).toThrow(/'c' cannot store/)
    const extra = new ToyPlugin().extraEpochs
    expect(() =>
      checkPlugins([
        { name: 'p', extraEpochs: extra },
        { name: 'q', extraEpochs: extra },
      ]),
    ).toThrow(/only one search plugin may add extra epochs; p and q both do/)
  })

  it('the loop names no plugin: selection, monitors and method extras live outside searcher.ts', () => {
    const src = readFileSync(join(import.meta.dirname, '../../../src/engine/search/searcher.ts'), 'utf8')
    expect(src).not.toMatch(/\b(pt|rdarts|PtSelection|RDartsMonitor|e2nas|hessian|sdarts|betaDecay|auxSkip)\b/)
    expect(src).not.toMatch(/from '\.\.\/methods\/(?!types')/) // only the method interface
  })
})
