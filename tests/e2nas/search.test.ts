// E2NAS search (METHODS.md §3.3) on the tiny synthetic task with the shipped NB201 autoencoder: gradients
// reach z (straight-through and novelty), the novelty gradient against finite differences, single-path
// forward, the archive and complementation, leaks, and a stop/restore that continues exactly.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { getPreset, incompatibility, type SearchConfig } from '../../src/core/config/search'
import type { RunEventBody } from '../../src/core/events'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { Rng } from '../../src/core/rng'
import { initBackend } from '../../src/engine/backends'
import { E2nasMethod } from '../../src/engine/methods/parametrizations/e2nas'
import type { MethodContext } from '../../src/engine/methods/types'
import { alphaGrads, weightGrads } from '../../src/engine/search/architect'
import { restoreSnapshot, takeSnapshot } from '../../src/engine/search/snapshot'
import { disposeSearch, runAll, TINY, tinySearch } from '../engine/search/helpers'

const e2nas = getPreset('e2nas-quick').config
/** TINY's sizes on NB201 (8×8 inputs, N = 1), E2NAS's parts, an archive small enough to fill within an epoch. */
const CONFIG: SearchConfig = {
  ...TINY,
  method: 'e2nas',
  space: 'nb201',
  parametrization: 'latent',
  layers: 1,
  C: 4,
  latent: { ...e2nas.latent, archiveSize: 3 },
}

beforeAll(async () => {
  await initBackend('wasm')
})

const ctx = (epoch = 0, phase: MethodContext['phase'] = 'arch'): MethodContext => ({ epoch, epochs: 2, phase, rng: new Rng(3) })

const strip = (events: RunEventBody[]) =>
  events
    .filter((e) => e.type === 'epoch' || e.type === 'method' || e.type === 'genotype')
    .map((e) => (e.type === 'epoch' ? { ...e, epochSec: 0, imagesPerSec: 0 } : e))

describe('E2NAS configuration', () => {
  it('presets e2nas and e2nas-quick search NB201 with the latent parametrization', () => {
    for (const name of ['e2nas', 'e2nas-quick']) {
      const c = getPreset(name).config
      expect([c.method, c.space, c.parametrization]).toEqual(['e2nas', 'nb201', 'latent'])
      expect(c.latent).toEqual({ archiveSize: 50, explore: true, etaSharpness: 10, complementLambda: 0.5 })
    }
    expect(getPreset('e2nas').config).toMatchObject({ layers: 5, C: 16, dataset: 'cifar10' })
  })

  it('refuses combinations the latent space does not define, saying why', () => {
    expect(incompatibility({ ...e2nas, space: 'darts' })).toMatch(/NAS-Bench-201 cells; it needs space=nb201/)
    expect(incompatibility({ ...e2nas, unrolled: true })).toMatch(/first-order/)
    expect(incompatibility({ ...e2nas, hessian: { ...e2nas.hessian, every: 1 } })).toMatch(/piecewise constant/)
    expect(incompatibility({ ...e2nas, selection: 'pt' })).toMatch(/not 'latent'/)
  })
})

describe('E2NAS method', () => {
  it('z is a [1, 30] latent; the mixing is the decoded one-hot, trained as a single path', () => {
    const s = tinySearch(CONFIG)
    try {
      const method = s.method as E2nasMethod
      expect(method).toBeInstanceOf(E2nasMethod)
      expect(method.archSpecs.map((a) => [a.name, ...a.shape])).toEqual([['z', 1, 30]])
      const z = s.state.arch[0]!
      const cell = method.decoded(z.dataSync())
      tf.tidy(() => {
        const m = method.mixing(s.state.arch, ctx())
        expect(m.path).toEqual(cell)
        const w = m.normal.arraySync()
        w.forEach((row, e) => row.forEach((v, o) => expect(v).toBeCloseTo(o === cell[e] ? 1 : 0, 6)))
      })
      // The genotype is the decoded cell as an NB201 string the core parser reads back.
      const d = method.derive([z.arraySync()])
      expect(d.format).toBe('nb201')
      expect(parseGenotypes(d.text)[0]!.genotype.kind).toBe('nb201')
    } finally {
      disposeSearch(s)
    }
  })

  it('gradients reach every entry of z (straight-through over the single path, forward_gdas)', () => {
    const s = tinySearch(CONFIG)
    try {
      const b = {
        x: tf.randomNormal([8, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D,
        y: tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'),
      }
      const { grads, loss, parts } = alphaGrads(s.method, s.state.weights, s.state.arch, b, ctx())
      const g = grads[0]!.dataSync()
      expect(Number.isFinite(loss.dataSync()[0]!)).toBe(true)
      expect(Array.from(g).every(Number.isFinite)).toBe(true)
      // Every column of every edge row: the selected op through its output, the others through their bare weights.
      expect(Array.from(g).filter((v) => v !== 0).length).toBe(30)
      expect(parts).toEqual({}) // the archive is not full yet: no novelty term
      tf.dispose([...grads, loss, b.x, b.y])
    } finally {
      disposeSearch(s)
    }
  })

  it('single path with dead nodes: every weight gets a gradient, zero where the path does not reach', () => {
    const s = tinySearch(CONFIG)
    try {
      const method = s.method as E2nasMethod
      const b = {
        x: tf.randomNormal([8, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor4D,
        y: tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'),
      }
      // Rows 1←0, 2←0, 2←1, 3←0, 3←1, 3←2 (ops: none, skip, conv1x1, conv3x3, pool): node 1 feeds only
      // `none` edges; in the second cell nothing reaches the output but `none`.
      const cases: [number[], Record<string, boolean>][] = [
        [[3, 3, 0, 3, 0, 3], { 'edges.0.nor_conv_3x3': false, 'edges.1.nor_conv_3x3': true, 'edges.1.nor_conv_1x1': false }],
        [[3, 3, 3, 0, 0, 0], { 'edges.0.nor_conv_3x3': false, 'edges.1.nor_conv_3x3': false, 'edges.2.nor_conv_3x3': false }],
      ]
      for (const [cell, live] of cases) {
        const m = method.mixingOf(cell)
        const { grads, loss } = weightGrads(method, s.state.weights, m, b)
        const byName = new Map(s.net.specs.map((spec, i) => [spec.name, grads[i]!]))
        const norm = (name: string) => tf.tidy(() => tf.sum(tf.abs(byName.get(name)!)).dataSync()[0]!)
        for (const [op, on] of Object.entries(live)) expect([op, norm(`cells.0.${op}.conv`) > 0]).toEqual([op, on])
        expect(norm('classifier.bias')).toBeGreaterThan(0)
        expect(grads.every((g) => Array.from(g.dataSync()).every(Number.isFinite))).toBe(true)
        tf.dispose([...grads, loss, m.normal])
      }
      tf.dispose([b.x, b.y])
    } finally {
      disposeSearch(s)
    }
  })

  it('the novelty term: (log|D| + log P_z + log P_e)/3 weighted by η, its z gradient equal to finite differences', () => {
    const s = tinySearch(CONFIG)
    try {
      const method = s.method as E2nasMethod
      const rng = new Rng(11)
      const z0 = Array.from(s.state.arch[0]!.dataSync())
      // Fill the archive with latents near z0 (as the first steps of a search leave them).
      for (let i = 0; i < 3; i++) {
        const z = tf.tensor2d([z0.map((v) => v + 0.1 * rng.normal())])
        method.afterArchStep([z], ctx())
        z.dispose()
      }
      const at = (z: number[]) =>
        tf.tidy(() => {
          const r = method.archRegularizer([tf.tensor2d([z])], ctx())!
          return {
            loss: r.loss.dataSync()[0]!,
            parts: Object.fromEntries(Object.entries(r.parts).map(([k, t]) => [k, t.dataSync()[0]!])),
          }
        })
      const base = at(z0)
      expect(base.parts.eta).toBeCloseTo(1 - 1 / (1 + Math.exp(10)), 6)
      expect(base.parts.novelty).toBeCloseTo((base.parts.logD! + base.parts.logPz! + base.parts.logPe!) / 3, 4)
      expect(base.loss).toBeCloseTo(base.parts.eta! * base.parts.novelty!, 4)
      const g = tf.tidy(
        () =>
          (
            tf
              .grad((z: tf.Tensor) => method.archRegularizer([z as tf.Tensor2D], ctx())!.loss)(tf.tensor2d([z0]))
              .arraySync() as number[][]
          )[0]!,
      )
      // Central differences in float32: log|D| and log P_e stay constant while the decoded cell does.
      const h = 1e-3
      for (const d of [0, 7, 29]) {
        const plus = [...z0]
        const minus = [...z0]
        plus[d]! += h
        minus[d]! -= h
        expect(method.decoded(plus)).toEqual(method.decoded(z0))
        const fd = (at(plus).loss - at(minus).loss) / (2 * h)
        expect(Math.abs(g[d]! - fd)).toBeLessThan(1e-2 * Math.max(1, Math.abs(fd)))
      }
      // L_val is weighted 1 − η once the novelty term is on.
      expect(method.archLossScale(ctx())).toBeCloseTo(1 - base.parts.eta!, 6)
    } finally {
      disposeSearch(s)
    }
  })

  it('complementation logs L(previous) and L(complement); the weight loss is (1−λ)·L(current)', () => {
    const s = tinySearch(CONFIG)
    try {
      const method = s.method as E2nasMethod
      expect(method.weightLossScale(ctx())).toBe(0.5)
      const seen: number[][] = []
      const lossAt = (m: { path?: readonly number[] }) => (seen.push([...m.path!]), 1)
      const current = method.decoded(s.state.arch[0]!.dataSync())
      expect(method.weightStepExtras(s.state.arch, ctx(), lossAt)).toEqual({}) // no previous cell yet
      expect(method.weightStepExtras(s.state.arch, ctx(), lossAt)).toEqual({ lossPrevious: 1, lossComplement: 1 })
      expect(seen[0]).toEqual(current)
      // The previous cell equals the current one, so its complement differs on every edge.
      seen[1]!.forEach((op, e) => expect(op).not.toBe(current[e]))
    } finally {
      disposeSearch(s)
    }
  })

  it.each(['cpu', 'wasm'] as const)('search steps on the %s backend keep the tensor count flat (novelty on)', async (backend) => {
    await initBackend(backend)
    const s = tinySearch(CONFIG)
    try {
      for (let i = 0; i < 4; i++) s.trainStep() // the archive (3) is full from the fourth step on
      const n = tf.memory().numTensors
      for (let i = 0; i < 3; i++) s.trainStep()
      expect(tf.memory().numTensors).toBe(n)
    } finally {
      disposeSearch(s)
      await initBackend('wasm')
    }
  })

  it('runs two epochs without leaking tensors; events carry η, novelty, the losses and the decoded cell', async () => {
    const s = tinySearch(CONFIG)
    try {
      s.trainStep()
      const n = tf.memory().numTensors
      for (let i = 0; i < 4; i++) s.trainStep()
      expect(tf.memory().numTensors).toBe(n)
      const { events } = await runAll(s)
      expect(tf.memory().numTensors).toBe(n)
      const method = events.filter((e): e is Extract<RunEventBody, { type: 'method' }> => e.type === 'method')
      expect(method).toHaveLength(2)
      for (const key of ['eta', 'novelty', 'logPz', 'logD', 'logPe', 'lossPrevious', 'lossComplement', 'archiveDistinct'])
        expect(Number.isFinite(method[1]!.scalars[key])).toBe(true)
      expect(method[1]!.matrices.decoded).toHaveLength(6)
      expect(method[0]!.scalars.eta).toBeGreaterThan(method[1]!.scalars.eta!)
      const genotypes = events.filter((e) => e.type === 'genotype')
      expect(genotypes.map((g) => g.type === 'genotype' && g.format)).toEqual(['nb201', 'nb201'])
    } finally {
      disposeSearch(s)
    }
  }, 120_000)

  it('a search stopped mid-epoch and restored from its snapshot (archive included) continues exactly', async () => {
    const whole = tinySearch(CONFIG)
    const full = await runAll(whole)
    disposeSearch(whole)
    const first = tinySearch(CONFIG)
    const part = await runAll(first, 8) // past the archive's filling, inside epoch 1
    expect(part.reason).toBe('SIGTERM')
    const snap = JSON.parse(JSON.stringify(takeSnapshot(first).meta)) as ReturnType<typeof takeSnapshot>['meta']
    const data = takeSnapshot(first).data
    disposeSearch(first)
    const second = tinySearch(CONFIG)
    restoreSnapshot(second, { meta: snap, data })
    const rest = await runAll(second)
    disposeSearch(second)
    expect(strip([...part.events, ...rest.events])).toEqual(strip(full.events))
  }, 120_000)
})
