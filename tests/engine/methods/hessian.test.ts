// R-DARTS (METHODS.md §3.5): the eigen-solver, λ_max of a known Hessian by power iteration and by the
// full matrix, power vs full on the tiny supernet, the EVLocalAvg early-stopping rule on synthetic
// eigenvalues, and the early stop / DARTS-ADA in the searcher, across a checkpoint.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { SearchConfig } from '../../../src/core/config/search'
import type { RunEventBody } from '../../../src/core/events'
import { Rng } from '../../../src/core/rng'
import { initBackend } from '../../../src/engine/backends'
import { EvLocalAvg } from '../../../src/engine/methods/monitors/earlyStop'
import {
  archHessianLambda,
  dominantEigenvalue,
  finiteDifferenceHvp,
  powerIteration,
  symmetricEigenvalues,
} from '../../../src/engine/methods/monitors/hessian'
import type { RDartsMonitor } from '../../../src/engine/methods/monitors/rdarts'
import type { Searcher } from '../../../src/engine/search/searcher'
import { restoreSnapshot, takeSnapshot } from '../../../src/engine/search/snapshot'
import { disposeSearch, runAll, TINY, tinySearch } from '../search/helpers'

const rdartsOf = (s: Searcher): RDartsMonitor => s.plugin<RDartsMonitor>('rdarts')!

beforeAll(async () => {
  await initBackend('wasm')
})

/** A random symmetric matrix with the given eigenvalues: Q·diag(λ)·Qᵀ, Q from Gram–Schmidt on Gaussian columns. */
function withSpectrum(lambdas: readonly number[], seed: number): Float64Array {
  const n = lambdas.length
  const rng = new Rng(seed)
  const q: number[][] = []
  while (q.length < n) {
    let v = Array.from({ length: n }, () => rng.normal())
    for (const u of q) {
      const d = v.reduce((s, x, i) => s + x * u[i]!, 0)
      v = v.map((x, i) => x - d * u[i]!)
    }
    const norm = Math.hypot(...v)
    q.push(v.map((x) => x / norm))
  }
  const A = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = q.reduce((s, u, k) => s + lambdas[k]! * u[i]! * u[j]!, 0)
  return A
}

describe('the symmetric eigen-solver (Jacobi)', () => {
  it('recovers a known spectrum', () => {
    const lambdas = [3.5, -2, 1e-3, 0.7, 0.7, -0.1, 12, 5, 0]
    const ev = symmetricEigenvalues(withSpectrum(lambdas, 1), lambdas.length)
    const want = [...lambdas].sort((a, b) => a - b)
    ev.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 9))
  })

  it('handles a diagonal matrix and a 224×224 one (the DARTS α) in seconds', () => {
    expect(symmetricEigenvalues([2, 0, 0, -1], 2)).toEqual([-1, 2])
    const lambdas = Array.from({ length: 224 }, (_, i) => Math.sin(i) * (1 + i / 50))
    const t = performance.now()
    const ev = symmetricEigenvalues(withSpectrum(lambdas, 2), 224)
    expect(performance.now() - t).toBeLessThan(20_000) // ≈1 s on an idle core
    expect(ev.at(-1)!).toBeCloseTo(Math.max(...lambdas), 8)
    expect(ev[0]!).toBeCloseTo(Math.min(...lambdas), 8)
  })
})

describe('λ_max of a known Hessian', () => {
  // L(α) = ½ αᵀAα over two [3, 4] "architecture" tensors (n = 24), so ∇L = Aα and ∇²L = A exactly.
  const n = 24
  const toyLambda = (lambdas: number[], method: 'power' | 'full', iterations = 200) => {
    const A = tf.tensor2d(Float32Array.from(withSpectrum(lambdas, 7)), [n, n])
    const rng = new Rng(4)
    const theta = [0, 1].map(() =>
      tf.tensor2d(
        Array.from({ length: 12 }, () => rng.normal()),
        [3, 4],
      ),
    )
    const grad = (ts: tf.Tensor[]) =>
      tf.tidy(() => {
        const a = tf.concat(ts.map((t) => t.reshape([-1])))
        const g = tf.matMul(A, a.reshape([n, 1])).reshape([n])
        return [g.slice(0, 12).reshape([3, 4]), g.slice(12, 12).reshape([3, 4])]
      })
    const r = dominantEigenvalue(finiteDifferenceHvp(grad, theta), n, method, iterations, 3)
    tf.dispose([A, ...theta])
    return r
  }
  const spectrum = Array.from({ length: n }, (_, i) => (i === 5 ? 4 : i === 9 ? -1.5 : 0.1 * i - 1))

  it('power iteration and the full Hessian both give A’s top eigenvalue', () => {
    const before = tf.memory().numTensors
    const power = toyLambda(spectrum, 'power')
    const full = toyLambda(spectrum, 'full')
    expect(Math.abs(power.value - 4) / 4).toBeLessThan(2e-3)
    expect(Math.abs(full.value - 4) / 4).toBeLessThan(1e-3)
    expect(full.hvps).toBe(n)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('power iteration returns the largest eigenvalue, not the largest in magnitude', () => {
    const negative = spectrum.map((x, i) => (i === 5 ? -6 : i === 7 ? 4 : x)) // |−6| dominates; λ_max is 4
    const r = toyLambda(negative, 'power', 400)
    expect(Math.abs(r.value - 4) / 4).toBeLessThan(5e-3)
    const exact = powerIteration((v) => v.map((x) => -2 * x), 5, { iterations: 10 })
    expect(exact.value).toBeCloseTo(-2, 9) // every eigenvalue −2: the shifted run finds nothing above it
  })

  it('power iteration and the full Hessian agree on the tiny supernet', () => {
    const s = tinySearch({ ...TINY, lr: 0.1, archLr: 0.05, scheduleConvention: 'pytorch' })
    for (let i = 0; i < 8; i++) s.trainStep()
    const b = s.data.valEval.next()!
    while (s.data.valEval.next());
    const batch = { x: tf.tensor4d(b.x, [b.size, 8, 8, 1]), y: tf.tensor1d(b.y, 'int32') }
    const before = tf.memory().numTensors
    const power = archHessianLambda(s, batch, 'power', 200)
    const full = archHessianLambda(s, batch, 'full', 0)
    expect(tf.memory().numTensors).toBe(before)
    expect(full.hvps).toBe(80) // 2 cells × 5 edges × 8 ops
    expect(full.asymmetry).toBeLessThan(0.1) // the finite differences rarely cross a ReLU kink
    expect(full.value).toBeGreaterThan(0)
    expect(Math.abs(power.value - full.value) / full.value).toBeLessThan(0.02)
    tf.dispose([batch.x, batch.y])
    disposeSearch(s)
  }, 400_000)
})

describe('the EVLocalAvg early-stopping rule', () => {
  const rule = { factor: 1.3, startEpoch: 10, delta: 4 }

  /** First trigger straight from the definitions: record k at epoch every·k, LA_k = mean of records max(0, k−w+1)..k. */
  function reference(ev: (epoch: number) => number, every: number, epochs: number, window = 5) {
    const records = Array.from({ length: Math.floor((epochs - 2) / every) + 1 }, (_, k) => k * every)
    const values = records.map(ev)
    const half = Math.floor(window / 2)
    for (let k = Math.ceil(window / 2) - 1; k < records.length; k++) {
      const la = (i: number) => {
        const xs = values.slice(Math.max(0, i - window + 1), i + 1)
        return xs.reduce((a, b) => a + b, 0) / xs.length
      }
      const stopEpoch = records[k]! - every * half - every * rule.delta
      if (stopEpoch < rule.startEpoch) continue
      if (la(k) / la(k - rule.delta) > rule.factor) return { epoch: records[k]!, stopEpoch }
    }
    return null
  }

  function run(ev: (epoch: number) => number, every: number, epochs: number) {
    const t = new EvLocalAvg({ window: 5, every, epochs })
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (epoch % every !== 0 && epoch !== epochs - 1) continue
      t.update(epoch, ev(epoch), `g${epoch}`, epoch / 100)
      if (epoch === epochs - 1) break
      const d = t.decide(epoch, rule)
      if (d.stop) return { epoch, stopEpoch: d.stopEpoch!, genotype: t.genotypes[d.stopEpoch!] }
    }
    return null
  }

  it('a step in λ triggers at the first record whose local average exceeds the one delta records back by 1.3', () => {
    // every = 1: LA at epoch e is mean(λ[e−4..e]); at e = 20 it is (4·1 + 3)/5 = 1.4 against 1.0.
    const step = (e: number) => (e < 20 ? 1 : 3)
    expect(run(step, 1, 50)).toEqual({ epoch: 20, stopEpoch: 14, genotype: 'g14' })
    expect(reference(step, 1, 50)).toEqual({ epoch: 20, stopEpoch: 14 })
  })

  it('agrees with the definition on growing and noisy sequences (R-DARTS’s every = 2)', () => {
    const rng = new Rng(11)
    for (let trial = 0; trial < 40; trial++) {
      const onset = 6 + rng.int(30)
      const rate = 1 + 0.1 * rng.next()
      const noise = Array.from({ length: 50 }, () => 1 + 0.2 * rng.next())
      const ev = (e: number) => noise[e]! * (e < onset ? 1 : rate ** (e - onset))
      const got = run(ev, 2, 50)
      const want = reference(ev, 2, 50)
      expect(got && { epoch: got.epoch, stopEpoch: got.stopEpoch }).toEqual(want)
      if (got) expect(got.genotype).toBe(`g${got.stopEpoch}`)
    }
  })

  it('never fires before the stop epoch can reach startEpoch, nor on a flat sequence', () => {
    expect(run(() => 1, 2, 50)).toBeNull()
    // A jump at epoch 4 would give stop epoch 4 − 2·2 − 2·4 < 10.
    expect(run((e) => (e < 4 ? 1 : 10), 2, 50)).toBeNull()
  })
})

type Epoch = Extract<RunEventBody, { type: 'epoch' }>
type Method = Extract<RunEventBody, { type: 'method' }>

const epochsOf = (evs: RunEventBody[]) =>
  evs
    .filter((e): e is Epoch => e.type === 'epoch')
    .map(({ epochSec, imagesPerSec, ...r }) => (void epochSec, void imagesPerSec, r))
const methodAt = (evs: RunEventBody[], epoch: number) => evs.filter((e): e is Method => e.type === 'method' && e.epoch === epoch)

describe('R-DARTS in the searcher', () => {
  const ES: SearchConfig = {
    ...TINY,
    epochs: 8,
    hessian: { ...TINY.hessian, every: 1, earlyStop: true, window: 3, delta: 1, startEpoch: 1, factor: 1.3 },
  }
  /** λ jumps at epoch 4: with window 3 and delta 1 the rule fires at epoch 4 with stop epoch 2. */
  const inject = (s: Searcher) => {
    rdartsOf(s).computeLambda = () => ({ value: s.position.epoch < 4 ? 1 : 3, hvps: 0 })
    return s
  }

  it('computes λ_max every `every` epochs and at the last, without changing the search', async () => {
    const base = { ...TINY, epochs: 3 }
    const plain = tinySearch(base)
    const watched = tinySearch({ ...base, hessian: { ...base.hessian, every: 2, iterations: 5 } })
    const [a, b] = [await runAll(plain), await runAll(watched)]
    expect(epochsOf(b.events)).toEqual(epochsOf(a.events))
    const lambdas = [0, 1, 2].map((e) => methodAt(b.events, e)[0]?.scalars.lambdaMax)
    expect(lambdas[0]).toBeGreaterThan(0)
    expect(lambdas[1]).toBeUndefined()
    expect(lambdas[2]).toBeGreaterThan(0) // the last epoch
    ;[plain, watched].forEach(disposeSearch)
  }, 600_000)

  it('early stopping ends the run with the genotype logged at the stop epoch, also after a resume', async () => {
    const s = inject(tinySearch(ES))
    const { events } = await runAll(s)
    expect(epochsOf(events).map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4])
    const trigger = methodAt(events, 4)[0]!
    expect(trigger.scalars).toMatchObject({ esTriggered: 1, esStopEpoch: 2, lambdaMax: 3 })
    expect(methodAt(events, 3)[0]!.scalars.esTriggered).toBe(0)
    const genotypeAt2 = events.find((e) => e.type === 'genotype' && e.epoch === 2) as { text: string }
    expect(s.done).toBe(true)
    expect(s.finalGenotypeText()).toBe(genotypeAt2.text)
    expect(s.finalValAcc()).toBe(epochsOf(events)[2]!.valAcc)
    disposeSearch(s)

    // Stopped in epoch 3, restored: the records survive the checkpoint and the stop happens the same way.
    const first = inject(tinySearch(ES))
    await runAll(first, 6 * 3 + 2)
    const snap = takeSnapshot(first)
    disposeSearch(first)
    const second = inject(tinySearch(ES))
    restoreSnapshot(second, { meta: JSON.parse(JSON.stringify(snap.meta)), data: snap.data })
    const rest = await runAll(second)
    expect(epochsOf(rest.events).map((e) => e.epoch)).toEqual([3, 4])
    expect(second.finalGenotypeText()).toBe(genotypeAt2.text)
    disposeSearch(second)
  }, 180_000)

  it('DARTS-ADA rolls back to the stop epoch with a larger weight decay, then ignores triggers at the cap', async () => {
    const ADA: SearchConfig = {
      ...ES,
      hessian: { ...ES.hessian, earlyStop: false, ada: true, adaFactor: 10, maxWeightDecay: 3e-3 },
    }
    const s = inject(tinySearch(ADA))
    const { events } = await runAll(s)
    expect(epochsOf(events).map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 3, 4, 5, 6, 7])
    const [firstAt4, secondAt4] = methodAt(events, 4)
    expect(firstAt4!.scalars).toMatchObject({ esTriggered: 1, esStopEpoch: 2, weightDecay: 3e-3 })
    expect(secondAt4!.scalars).toMatchObject({ esTriggered: 1, weightDecay: 3e-3 }) // at the cap: recorded, ignored
    expect(s.sgd.opts.weightDecay).toBe(3e-3)
    expect(rdartsOf(s).adaIterations).toBe(1)
    expect(s.done && rdartsOf(s).stopped).toBe(null)
    // The rerun of epoch 3 starts from the same state with 10× the weight decay: a different result.
    const e3 = epochsOf(events).filter((e) => e.epoch === 3)
    expect(e3[1]!.trainLoss).not.toBe(e3[0]!.trainLoss)
    disposeSearch(s)

    // Stopped in epoch 4 (before the trigger), restored: the rollback states come back from the checkpoint.
    const first = inject(tinySearch(ADA))
    const part = await runAll(first, 6 * 4 + 3)
    const snap = takeSnapshot(first)
    expect(snap.meta.rollbacks!.map((r) => r.epoch)).toEqual([1, 2, 3])
    disposeSearch(first)
    const second = inject(tinySearch(ADA))
    restoreSnapshot(second, { meta: JSON.parse(JSON.stringify(snap.meta)), data: Float32Array.from(snap.data) })
    const rest = await runAll(second)
    expect(epochsOf([...part.events, ...rest.events])).toEqual(epochsOf(events))
    expect(second.sgd.opts.weightDecay).toBe(3e-3)
    disposeSearch(second)
  }, 900_000)
})
