// β-DARTS (METHODS.md §3.11): λ_t, mean-row logsumexp (value by hand, gradient = softmax/rows), and
// the wrapper that composes it onto any method's α loss and epoch state.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import { initBackend } from '../../../src/engine/backends'
import { DartsMethod } from '../../../src/engine/methods/parametrizations/darts'
import { buildMethod } from '../../../src/engine/methods/registry'
import { betaDecayLoss, betaDecayTerm, betaLambda, withBetaDecay } from '../../../src/engine/methods/regularizers/betaDecay'
import type { MethodContext, SearchMethod } from '../../../src/engine/methods/types'
import { gradCheck } from '../ops/helpers'
import { BACKENDS, methodEvent, runTinyEpoch, tinyOf } from './presetRun'

const ctxAt = (epoch: number, epochs = 50): MethodContext => ({ epoch, epochs, phase: 'arch', rng: new Rng(1) })
const lse = (row: number[]) => Math.log(row.reduce((s, x) => s + Math.exp(x), 0))
const softmax = (row: number[]) => row.map((x) => Math.exp(x - lse(row)))

beforeAll(async () => {
  await initBackend('cpu')
})

describe('beta-decay regularizer', () => {
  const A = [
    [0.3, -1.2, 2, 0],
    [0.5, 0.5, 0.5, 0.5],
  ]
  const B = [[1.5, -2.5, 0.1, 3]]

  it('λ_t = lambdaMax·epoch/epochs (the code: 50·epoch/100)', () => {
    expect(betaLambda(25, 0, 50)).toBe(0)
    expect(betaLambda(25, 10, 50)).toBe(5)
    expect(betaLambda(50, 49, 100)).toBeCloseTo(24.5, 12)
  })

  it('value: mean over every row of every matrix of logsumexp(row); part betaDecay = λ·value', () => {
    const hand = [...A, ...B].map(lse).reduce((s, x) => s + x, 0) / 3
    tf.tidy(() => {
      const arch = [tf.tensor2d(A), tf.tensor2d(B)]
      expect(betaDecayLoss(arch).dataSync()[0]).toBeCloseTo(hand, 6)
      const t = betaDecayTerm(arch, 2.5)
      expect(t.loss.dataSync()[0]).toBeCloseTo(2.5 * hand, 5)
      expect(t.parts.betaDecay!.dataSync()[0]).toBeCloseTo(2.5 * hand, 5)
    })
  })

  it('gradient = softmax(row)/rows (1e-7), and finite differences agree (ε = 1e-2, < 1e-3)', () => {
    const arch = [tf.tensor2d(A), tf.tensor2d(B)]
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => betaDecayLoss([a as tf.Tensor2D, b as tf.Tensor2D]))(arch)
    const got = grads.flatMap((g) => Array.from(g.dataSync()))
    expect(got).toEqual([...A, ...B].flatMap((row) => softmax(row).map((p) => expect.closeTo(p / 3, 7))))
    for (const r of gradCheck((a, b) => betaDecayLoss([a as tf.Tensor2D, b as tf.Tensor2D]), arch, 4, 1e-2))
      expect(r.relError).toBeLessThan(1e-3)
    tf.dispose([...arch, ...grads])
  })
})

/** A stand-in method with its own regularizer, epoch state and weight mixing, to see what the wrapper keeps. */
function fakeMethod(withExtras: boolean): SearchMethod<string> {
  const m: SearchMethod<string> = {
    net: {} as SearchMethod<string>['net'],
    archSpecs: [
      { name: 'alphas', shape: [2, 4], init: 'zeros', group: 0 },
      { name: 'betas', shape: [2, 1], init: 'zeros', group: 0 },
    ],
    archLrs: [1e-3],
    mixing: () => 'mix',
    archRegularizer: () => (withExtras ? { loss: tf.scalar(2), parts: { own: tf.scalar(7) } } : null),
    derive: () => ({ text: 'g', format: 'darts', skipsNormal: 1, skipsReduce: 2 }),
    alphaSnapshot: () => ({ ops: ['x'], normal: [[1]], reduce: [[1]] }),
  }
  if (withExtras) {
    m.weightMixing = () => 'perturbed'
    m.epochState = () => ({ scalars: { eps: 0.1 }, matrices: { edges: [[1]] } })
  }
  return m
}

describe('withBetaDecay', () => {
  const arch = () => [tf.tensor2d(A2), tf.tensor2d([[5], [-5]])]
  const A2 = [
    [0, 1, 2, 3],
    [1, 1, 1, 1],
  ]
  const lseA = (lse(A2[0]!) + lse(A2[1]!)) / 2

  it('adds λ_t·β-decay to the method’s own term (parts merged), only on multi-column matrices', () => {
    tf.tidy(() => {
      const w = withBetaDecay(fakeMethod(true), 25)
      const r = w.archRegularizer(arch(), ctxAt(10))!
      expect(Object.keys(r.parts).sort()).toEqual(['betaDecay', 'own'])
      expect(r.parts.betaDecay!.dataSync()[0]).toBeCloseTo(5 * lseA, 5) // the [2, 1] β is left out
      expect(r.loss.dataSync()[0]).toBeCloseTo(2 + 5 * lseA, 5)
      const alone = withBetaDecay(fakeMethod(false), 25).archRegularizer(arch(), ctxAt(0))!
      expect(alone.parts.betaDecay!.dataSync()[0]).toBe(0)
    })
  })

  it('epoch state gains betaLambda; every other member is the wrapped method’s', () => {
    const w = withBetaDecay(fakeMethod(true), 25)
    expect(w.epochState!([], ctxAt(20))).toEqual({ scalars: { eps: 0.1, betaLambda: 10 }, matrices: { edges: [[1]] } })
    expect(withBetaDecay(fakeMethod(false), 25).epochState!([], ctxAt(5))).toEqual({ scalars: { betaLambda: 2.5 }, matrices: {} })
    expect(w.mixing([], ctxAt(0))).toBe('mix')
    expect(w.weightMixing!([], ctxAt(0), () => tf.scalar(0))).toBe('perturbed')
    expect(withBetaDecay(fakeMethod(false), 25).weightMixing).toBeUndefined()
    expect(w.derive([]).skipsReduce).toBe(2)
    expect(w.archSpecs).toHaveLength(2)
    expect(() => withBetaDecay(fakeMethod(false), 25, () => false)).toThrow(/no softmax-normalized/)
  })

  it('buildMethod wraps when regularization.betaDecay.lambdaMax > 0', () => {
    const beta = buildMethod(tinyOf('beta-darts-quick'), [8, 8, 1], 4)
    const plain = buildMethod(tinyOf('darts-1st-quick'), [8, 8, 1], 4)
    expect(plain).toBeInstanceOf(DartsMethod)
    expect(beta).toBeInstanceOf(DartsMethod) // a Proxy of it
    tf.tidy(() => {
      const a = [tf.zeros([5, 8]), tf.zeros([5, 8])] as tf.Tensor2D[]
      expect(plain.archRegularizer(a, ctxAt(1))).toBeNull()
      // α = 0: logsumexp = ln 8 on every row; λ_1 = 25/50.
      expect(beta.archRegularizer(a, ctxAt(1))!.parts.betaDecay!.dataSync()[0]).toBeCloseTo(0.5 * Math.log(8), 6)
    })
  })
})

describe('beta-darts-quick on the tiny search', () => {
  it.each(BACKENDS)(
    '%s: runs without leaking; the method event carries betaLambda and betaDecay',
    async (b) => {
      const epochs = b === 'wasm' ? 2 : 1
      const events = await runTinyEpoch(tinyOf('beta-darts-quick'), b, epochs)
      const first = methodEvent(events, 0)
      expect(first.scalars).toEqual({ betaLambda: 0, betaDecay: 0 })
      if (epochs === 2) {
        const second = methodEvent(events, 1)
        expect(second.scalars.betaLambda).toBe(12.5) // 25·1/2
        // α stays near 0 over a dozen small Adam steps: λ·mean logsumexp ≈ 12.5·ln 8.
        expect(second.scalars.betaDecay).toBeCloseTo(12.5 * Math.log(8), 0)
      }
    },
    180_000,
  )
})
