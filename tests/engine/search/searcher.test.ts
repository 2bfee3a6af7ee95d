import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { RunEventBody } from '../../../src/core/events'
import { initBackend } from '../../../src/engine/backends'
import type { BnUpdate } from '../../../src/engine/types'
import { restoreSnapshot, takeSnapshot } from '../../../src/engine/search/snapshot'
import { disposeSearch, TINY, tinySearch, dartsMixing, runAll } from './helpers'

beforeAll(async () => {
  await initBackend('wasm')
})

type Epoch = Extract<RunEventBody, { type: 'epoch' }>
const epochs = (events: RunEventBody[]) =>
  events
    .filter((e): e is Epoch => e.type === 'epoch')
    .map(({ epochSec, imagesPerSec, ...rest }) => (void epochSec, void imagesPerSec, rest))

describe('Searcher', () => {
  it('learns: the tiny supernet separates the synthetic classes and emits a valid genotype per epoch', async () => {
    const s = tinySearch({ ...TINY, epochs: 3, lr: 0.1, scheduleConvention: 'pytorch' }, 64)
    const { events } = await runAll(s)
    const ep = epochs(events)
    expect(ep).toHaveLength(3)
    // Chance is 25 %. (The eval-mode val accuracy lags here: 24 steps at lr 0.1 leave the BN running
    // statistics behind the weights; the eval path itself is checked below.)
    expect(ep[2]!.trainAcc).toBeGreaterThan(0.6)
    expect(ep[2]!.trainLoss).toBeLessThan(ep[0]!.trainLoss)
    expect(events.filter((e) => e.type === 'genotype')).toHaveLength(3)
    const alphas = events.find((e) => e.type === 'alphas') as Extract<RunEventBody, { type: 'alphas' }>
    expect(alphas.normal).toHaveLength(5) // 2 steps: 2 + 3 edges
    for (const row of alphas.normal) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    disposeSearch(s)
  }, 120_000)

  it('evaluates in eval mode with running statistics: equal to train mode when those are the batch statistics', () => {
    const s = tinySearch()
    const b = s.data.valEval.next()!
    tf.tidy(() => {
      const alphas = dartsMixing(s)
      const x = tf.tensor4d(b.x, [b.size, 8, 8, 1])
      const updates: BnUpdate[] = []
      const train = s.net.forward(s.state.weights, alphas, x, { training: true, bnUpdates: updates })
      expect(updates).toHaveLength(s.net.bnSpecs.length)
      const bnStats = new Map(updates.map((u) => [u.name, { mean: u.mean, variance: u.variance }]))
      const evaluated = s.net.forward(s.state.weights, alphas, x, { training: false, bnStats })
      expect(tf.max(tf.abs(tf.sub(train, evaluated))).dataSync()[0]).toBeLessThan(1e-4)
      tf.dispose(updates.flatMap((u) => [u.mean, u.variance]))
    })
    disposeSearch(s)
  })

  it('does not leak tensors across steps', () => {
    const s = tinySearch()
    s.trainStep()
    const n = tf.memory().numTensors
    for (let i = 0; i < 3; i++) s.trainStep()
    expect(tf.memory().numTensors).toBe(n)
    disposeSearch(s)
  })

  it('second order runs, and also keeps the tensor count flat', () => {
    const s = tinySearch({ ...TINY, unrolled: true })
    s.trainStep()
    const n = tf.memory().numTensors
    s.trainStep()
    s.trainStep()
    expect(tf.memory().numTensors).toBe(n)
    disposeSearch(s)
  })

  it('a run stopped mid-epoch and restored from its snapshot reports exactly what an uninterrupted run does', async () => {
    const whole = tinySearch()
    const full = await runAll(whole)
    disposeSearch(whole)

    const first = tinySearch()
    const part = await runAll(first, 5) // stops after step 5 of epoch 0 (6 steps per epoch)
    expect(part.reason).toBe('SIGTERM')
    expect(first.position).toEqual({ epoch: 0, step: 5 })
    const snap = takeSnapshot(first)
    disposeSearch(first)

    const second = tinySearch()
    restoreSnapshot(second, snap)
    const rest = await runAll(second)
    disposeSearch(second)
    expect(epochs([...part.events, ...rest.events])).toEqual(epochs(full.events))
    expect(rest.events.filter((e) => e.type === 'genotype').map((e) => (e as { text: string }).text)).toEqual(
      full.events.filter((e) => e.type === 'genotype').map((e) => (e as { text: string }).text),
    )
  }, 120_000)

  it('the same seed gives the same run; another seed a different one', async () => {
    const a = tinySearch({ ...TINY, epochs: 1 })
    const b = tinySearch({ ...TINY, epochs: 1 })
    const c = tinySearch({ ...TINY, epochs: 1, seed: 8 })
    const [ea, eb, ec] = [epochs((await runAll(a)).events), epochs((await runAll(b)).events), epochs((await runAll(c)).events)]
    expect(ea).toEqual(eb)
    expect(ea[0]!.trainLoss).not.toBe(ec[0]!.trainLoss)
    ;[a, b, c].forEach(disposeSearch)
  }, 120_000)
})
