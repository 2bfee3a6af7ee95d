// PyTorch-default initialisation through the project's seeded Rng: bounds, constants, reproducibility.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import { bnParamSpecs, convSpec, depthwiseSpec, initBound, initWeights, linearSpecs } from '../../../src/engine/ops/index'
import { useCpu, values } from './helpers'

beforeAll(useCpu)

describe('initWeights', () => {
  const specs = [
    convSpec('conv', 3, 3, 8, 16),
    depthwiseSpec('dw', 5, 8),
    ...linearSpecs('fc', 64, 10),
    ...bnParamSpecs('bn', 16, true),
  ]

  it('uses bound 1/√fanIn (kaiming_uniform a=√5) for conv and linear weights and linear biases; BN γ=1, β=0', () => {
    expect(specs.map((s) => s.fanIn)).toEqual([72, 25, 64, 64, 16, 16])
    const ws = initWeights(specs, new Rng(1))
    ws.forEach((w, i) => expect(w.shape).toEqual([...specs[i]!.shape]))
    for (const i of [0, 1, 2, 3]) {
      const v = values(ws[i]!)
      const bound = initBound(specs[i]!)
      expect(bound).toBeCloseTo(1 / Math.sqrt(specs[i]!.fanIn), 12)
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound)
      // Uniform on ±b: the largest draw of ≥ 10 samples is near b, and the spread is b/√3.
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.7 * bound)
      if (v.length >= 600) expect(Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length)).toBeCloseTo(bound / Math.sqrt(3), 2)
    }
    expect(values(ws[4]!).every((v) => v === 1)).toBe(true)
    expect(values(ws[5]!).every((v) => v === 0)).toBe(true)
    tf.dispose(ws)
  })

  it('is reproducible from a seed and differs across seeds', () => {
    const [a, b, c] = [initWeights(specs, new Rng(7)), initWeights(specs, new Rng(7)), initWeights(specs, new Rng(8))]
    a.forEach((t, i) => expect(values(t)).toEqual(values(b[i]!)))
    expect(values(a[0]!)).not.toEqual(values(c[0]!))
    tf.dispose([...a, ...b, ...c])
  })
})
