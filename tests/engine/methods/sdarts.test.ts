// SDARTS (METHODS.md §3.6): clip(), the ε schedule, the PGD attack on a toy loss, and RS/ADV weight
// steps on the tiny synthetic search without leaking tensors on wasm and cpu.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { PRESETS } from '../../../src/core/config/search'
import { Rng } from '../../../src/core/rng'
import { initBackend } from '../../../src/engine/backends'
import {
  adversarialPerturbation,
  clipSimplex,
  epsilonAt,
  randomPerturbation,
  withPerturbation,
} from '../../../src/engine/methods/perturbations/sdarts'
import type { MethodContext } from '../../../src/engine/methods/types'
import type { DartsMixing } from '../../../src/engine/types'
import { disposeSearch, TINY, tinySearch } from '../search/helpers'

beforeAll(async () => {
  await initBackend('wasm')
})

const rows = (t: tf.Tensor): number[][] => t.arraySync() as number[][]

describe('clip()', () => {
  it('puts every row on the simplex: entries in [0, 1], rows summing to 1', () => {
    const rng = new Rng(3)
    for (let trial = 0; trial < 20; trial++) {
      const m = tf.tensor2d(
        Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => 1.5 * rng.normal())),
        [6, 5],
      )
      const c = clipSimplex(m)
      for (const r of rows(c)) {
        for (const x of r) (expect(x).toBeGreaterThanOrEqual(0), expect(x).toBeLessThanOrEqual(1))
        expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
      }
      tf.dispose([m, c])
    }
  })

  it('leaves a simplex row unchanged, renormalizes a clamped one and gives an all-non-positive row its argmax', () => {
    const m = tf.tensor2d(
      [
        [0.1, 0.2, 0.7],
        [-0.5, 0.5, 1.5],
        [-0.3, -0.1, -0.2],
        [0, 0, 0],
      ],
      [4, 3],
    )
    const c = rows(clipSimplex(m))
    c[0]!.forEach((x, i) => expect(x).toBeCloseTo([0.1, 0.2, 0.7][i]!, 6))
    c[1]!.forEach((x, i) => expect(x).toBeCloseTo([0, 1 / 3, 2 / 3][i]!, 6)) // clamp to [0, 0.5, 1], then /1.5
    expect(c[2]).toEqual([0, 1, 0]) // argmax of the values before the clamp
    expect(c[3]).toEqual([1, 0, 0]) // ties: the first index, as torch.argmax
    m.dispose()
  })
})

describe('ε schedule', () => {
  const p = { epsilonMin: 0.03, epsilonMax: 0.3 }
  it('rises linearly from epsilonMin at epoch 0 towards epsilonMax (reached at epoch = epochs)', () => {
    expect(epsilonAt(p, 0, 50)).toBeCloseTo(0.03, 12)
    expect(epsilonAt(p, 25, 50)).toBeCloseTo(0.165, 12)
    expect(epsilonAt(p, 49, 50)).toBeCloseTo(0.03 + 0.27 * 0.98, 12)
    expect(epsilonAt(p, 50, 50)).toBeCloseTo(0.3, 12)
  })

  it('is reported as the scalar epsilon of the epoch state, and RS noise stays within ε of the simplex point', () => {
    const s = tinySearch({ ...TINY, perturbation: { kind: 'random', epsilonMin: 0.03, epsilonMax: 0.3, steps: 7 } })
    const state = s.method.epochState!(s.archValues(), { ...s.ctx('eval'), epoch: 1, epochs: 2 })
    expect(state.scalars.epsilon).toBeCloseTo(0.165, 12)
    tf.tidy(() => {
      const bar = tf.softmax(s.state.arch[0]!)
      const [p1] = randomPerturbation([bar], 0.05, new Rng(1))
      // clip() rescales by the row sum, so the distance can exceed ε a little; it stays small.
      expect(tf.max(tf.abs(tf.sub(p1!, bar))).dataSync()[0]).toBeLessThan(0.1)
    })
    disposeSearch(s)
  })
})

describe('the adversarial attack', () => {
  it('increases a toy loss: sign ascent moves mass to the op that raises it, within the ε-ball', () => {
    const c = tf.tensor2d(
      [
        [-1, -1, 3, -1],
        [5, -1, -2, -1],
      ],
      [2, 4],
    )
    const bar = tf.tensor2d(
      [
        [0.25, 0.25, 0.25, 0.25],
        [0.1, 0.4, 0.4, 0.1],
      ],
      [2, 4],
    )
    const loss = (ms: readonly tf.Tensor2D[]) => tf.sum(tf.mul(ms[0]!, c)) as tf.Scalar
    const eps = 0.1
    const [adv] = adversarialPerturbation([bar], eps, 7, new Rng(5), loss)
    const before = loss([bar]).dataSync()[0]!
    const after = loss([adv!]).dataSync()[0]!
    expect(after).toBeGreaterThan(before + 0.1)
    const a = rows(adv!)
    expect(a[0]![2]).toBeGreaterThan(0.3) // the largest coefficient gained weight
    expect(a[1]![0]).toBeGreaterThan(0.15)
    for (const r of a) expect(r.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5)
    // The last clip() rescales the projected point, so allow a little beyond ε.
    expect(tf.max(tf.abs(tf.sub(adv!, bar))).dataSync()[0]).toBeLessThan(2 * eps)
    tf.dispose([c, bar, adv!])
  })

  it('reverts to the unperturbed point when the perturbed loss ends lower', () => {
    const bar = tf.tensor2d([[0.5, 0.5]], [1, 2])
    // Maximal at ᾱ₀ with zero gradient: the random start only lowers it, and sign(0) never climbs back.
    const loss = (ms: readonly tf.Tensor2D[]) =>
      tf.neg(tf.square(tf.sub(tf.slice(ms[0]!, [0, 0], [1, 1]).sum(), 0.5))) as tf.Scalar
    const [adv] = adversarialPerturbation([bar], 0.2, 3, new Rng(9), loss)
    expect(rows(adv!)).toEqual([[0.5, 0.5]])
    tf.dispose([bar, adv!])
  })
})

describe('SDARTS on the tiny search', () => {
  const sdarts = (kind: 'random' | 'adversarial') => ({
    ...TINY,
    perturbation: { kind, epsilonMin: 0.03, epsilonMax: 0.3, steps: 3 },
  })

  for (const backend of ['wasm', 'cpu'] as const)
    for (const kind of ['random', 'adversarial'] as const)
      it(`${kind} perturbation runs on ${backend} and keeps the tensor count flat`, async () => {
        await initBackend(backend)
        const s = tinySearch(sdarts(kind))
        s.trainStep()
        const n = tf.memory().numTensors
        s.trainStep()
        s.trainStep()
        expect(tf.memory().numTensors).toBe(n)
        disposeSearch(s)
        await initBackend('wasm')
      }, 60_000)

  it('trains the weights under the perturbed mixing (the run differs from DARTS) and leaves the α step alone', () => {
    const plain = tinySearch()
    const rs = tinySearch(sdarts('random'))
    plain.trainStep()
    rs.trainStep()
    // Same α step (same data, same α): α agrees; the weights do not.
    const da = tf.tidy(() => tf.max(tf.abs(tf.sub(plain.state.arch[0]!, rs.state.arch[0]!))).dataSync()[0]!)
    const dw = tf.tidy(() => tf.max(tf.abs(tf.sub(plain.state.weights[3]!, rs.state.weights[3]!))).dataSync()[0]!)
    expect(da).toBe(0)
    expect(dw).toBeGreaterThan(0)
    ;[plain, rs].forEach(disposeSearch)
  })

  it('perturbs a mixing carrying one matrix under both names (NAS-Bench-201) once, and passes other fields through', () => {
    const s = tinySearch()
    const base = s.method
    const shared = {
      ...base,
      mixing: (arch: readonly tf.Tensor2D[]): DartsMixing => {
        const w = tf.softmax(arch[0]!)
        return { normal: w, reduce: w, auxSkip: 0.5 }
      },
    } as unknown as typeof base
    const m = withPerturbation(shared as never, { kind: 'random', epsilonMin: 0.1, epsilonMax: 0.1, steps: 7 })
    tf.tidy(() => {
      const ctx: MethodContext = { ...s.ctx('weight'), rng: new Rng(2) }
      const out = m.weightMixing!(s.state.arch, ctx, () => tf.scalar(0)) as DartsMixing
      expect(out.normal).toBe(out.reduce)
      expect(out.auxSkip).toBe(0.5)
    })
    disposeSearch(s)
  })

  it('the presets define SDARTS as the paper does', () => {
    const rs = PRESETS.find((p) => p.name === 'sdarts-rs')!.config
    const adv = PRESETS.find((p) => p.name === 'sdarts-adv-quick')!.config
    expect(rs.perturbation).toEqual({ kind: 'random', epsilonMin: 0.03, epsilonMax: 0.3, steps: 7 })
    expect(adv.perturbation).toEqual({ kind: 'adversarial', epsilonMin: 0.03, epsilonMax: 0.3, steps: 7 })
    expect([rs.unrolled, rs.epochs, rs.batchSize, rs.lr]).toEqual([false, 50, 64, 0.025])
  })
})
