import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  emaSmooth,
  finite,
  incompleteBeta,
  logGamma,
  mean,
  meanStdBand,
  std,
  studentTCdf,
  welchTTest,
} from '../../../src/core/metrics/stats'

// Reference values below were computed with SciPy 1.17.1 (scipy.stats.t.cdf / t.sf / ttest_ind with
// equal_var=False), independently of this implementation, unless a closed form is named.

describe('mean / std / finite', () => {
  it('handles empty, single and ordinary inputs', () => {
    expect(mean([])).toBeNaN()
    expect(std([])).toBeNaN()
    expect(std([3])).toBe(0)
    expect(mean([1, 2, 3, 4])).toBe(2.5)
    // Sample std of 2,4,4,4,5,5,7,9: Σ(x−5)² = 32, 32/7 → √(32/7).
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14)
  })

  it('does not lose the spread of values with a large offset', () => {
    expect(std([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBeCloseTo(1, 9)
  })

  it('drops NaN and infinities', () => {
    expect(finite([1, NaN, Infinity, -Infinity, -2, 0])).toEqual([1, -2, 0])
  })
})

describe('special functions', () => {
  it('logGamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13)
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13)
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13)
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9) // ln(100!)
  })

  it('incompleteBeta matches closed forms', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1−x)^b.
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14)
    expect(incompleteBeta(0.6, 3, 1)).toBeCloseTo(0.216, 14)
    expect(incompleteBeta(0.2, 1, 4)).toBeCloseTo(1 - 0.8 ** 4, 14)
    expect(incompleteBeta(0, 2, 3)).toBe(0)
    expect(incompleteBeta(1, 2, 3)).toBe(1)
  })
})

describe('studentTCdf', () => {
  it('matches SciPy values', () => {
    expect(studentTCdf(2.0, 10)).toBeCloseTo(0.9633059826146299, 12)
    expect(studentTCdf(-1.5, 3)).toBeCloseTo(0.11529193262241147, 12)
    expect(studentTCdf(3, 2.5)).toBeCloseTo(0.9637119522254841, 12) // fractional df, as Welch's
    expect(studentTCdf(-3.2, 4.7)).toBeCloseTo(0.013091934878401396, 12)
    expect(studentTCdf(0.1, 50)).toBeCloseTo(0.539627893173515, 12)
    expect(studentTCdf(1.96, 1e6)).toBeCloseTo(0.9750019662073651, 9)
    // Far tail: t.sf(8, 30) = 3.1329112378503795e-09, kept to relative precision.
    expect(studentTCdf(-8, 30) / 3.1329112378503795e-9).toBeCloseTo(1, 9)
    expect(studentTCdf(-40, 3) / 1.7190340394579253e-5).toBeCloseTo(1, 9)
  })

  it('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [-7, -1, -0.25, 0, 0.5, 3]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13)
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13)
    }
  })

  it('is the normal CDF for df = ∞ and handles the edges', () => {
    expect(studentTCdf(1.96, Infinity)).toBeCloseTo(0.9750021048517795, 6) // scipy.stats.norm.cdf(1.96)
    expect(studentTCdf(-3, Infinity)).toBeCloseTo(0.0013498980316300933, 8)
    expect(studentTCdf(0, 7)).toBe(0.5)
    expect(studentTCdf(Infinity, 3)).toBe(1)
    expect(studentTCdf(-Infinity, 3)).toBe(0)
    expect(studentTCdf(NaN, 3)).toBeNaN()
    expect(studentTCdf(1, 0)).toBeNaN()
  })

  it('is symmetric: F(−t) = 1 − F(t)', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.5, max: 500, noNaN: true }), (t, df) => {
        expect(studentTCdf(-t, df)).toBeCloseTo(1 - studentTCdf(t, df), 10)
      }),
    )
  })
})

describe('welchTTest', () => {
  // Wikipedia, "Welch's t-test", Examples 1 and 2 (t, ν, p quoted there to 2–3 digits; SciPy gives the rest).
  const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
  const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]
  const B1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8]
  const B2 = [
    21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8,
  ]

  it('reproduces the textbook examples', () => {
    const r1 = welchTTest(A1, A2)!
    expect(r1.t).toBeCloseTo(-2.455356398286006, 10)
    expect(r1.df).toBeCloseTo(24.988529290231416, 10)
    expect(r1.p).toBeCloseTo(0.021378001462866992, 10)
    const r2 = welchTTest(B1, B2)!
    expect(r2.t).toBeCloseTo(-1.5654335235985037, 10)
    expect(r2.df).toBeCloseTo(9.904741248650831, 10)
    expect(r2.p).toBeCloseTo(0.14884169660532817, 10)
  })

  it('follows the Welch–Satterthwaite df formula on a seed-sized example', () => {
    const a = [0.7251, 0.7312, 0.7198]
    const b = [0.742, 0.7455, 0.7381, 0.742]
    const b2 = [0.7402, 0.7455, 0.7381, 0.742]
    const [va, vb] = [std(a) ** 2 / 3, std(b) ** 2 / 4]
    const r = welchTTest(a, b)!
    expect(r.df).toBeCloseTo((va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 3), 12)
    const s = welchTTest(a, b2)!
    expect(s.t).toBeCloseTo(-4.409243567761997, 10)
    expect(s.df).toBeCloseTo(2.909280336970789, 10)
    expect(s.p).toBeCloseTo(0.02306460490023865, 10)
  })

  it('allows one zero variance (SciPy: t = −5.196, df = 2, p = 0.0351)', () => {
    const r = welchTTest([1, 2, 3], [5, 5, 5])!
    expect(r.t).toBeCloseTo(-5.196152422706632, 12)
    expect(r.df).toBeCloseTo(2, 12)
    expect(r.p).toBeCloseTo(0.03509871864598465, 10)
  })

  it('gives p = 1 for identical groups and null when undefined', () => {
    expect(welchTTest([1, 2, 3], [1, 2, 3])).toEqual({ t: 0, df: 4, p: 1 })
    expect(welchTTest([1], [1, 2, 3])).toBeNull()
    expect(welchTTest([1, 2], [])).toBeNull()
    expect(welchTTest([2, 2, 2], [3, 3])).toBeNull()
    expect(welchTTest([1, NaN], [1, 2])).toBeNull() // NaN is dropped, leaving one value
  })

  it('has p ∈ [0, 1], symmetric in a and b (property)', () => {
    const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 12 })
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const ab = welchTTest(a, b)
        const ba = welchTTest(b, a)
        if (ab === null) {
          expect(ba).toBeNull()
          return
        }
        expect(ab.p).toBeGreaterThanOrEqual(0)
        expect(ab.p).toBeLessThanOrEqual(1)
        expect(ba!.p).toBeCloseTo(ab.p, 12)
        expect(ba!.t).toBeCloseTo(-ab.t, 9)
        expect(ba!.df).toBeCloseTo(ab.df, 9)
      }),
    )
  })
})

describe('emaSmooth', () => {
  it('is the identity at weight 0', () => {
    expect(emaSmooth([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5])
  })

  it('debiases as TensorBoard does', () => {
    // w = 0.5: last = 1, 2, 3.5 after 2, 3, 5 (…·0.5 + 0.5·y); debias 1 − 0.5ⁿ = 0.5, 0.75, 0.875.
    const s = emaSmooth([2, 3, 5], 0.5)
    expect(s[0]).toBeCloseTo(2, 14) // first point is the value itself
    expect(s[1]).toBeCloseTo(2 / 0.75, 14)
    expect(s[2]).toBeCloseTo(3.5 / 0.875, 14)
    expect(emaSmooth([7, 7, 7, 7], 0.9).every((v) => Math.abs(v - 7) < 1e-12)).toBe(true)
  })

  it('passes non-finite points through without poisoning later ones', () => {
    const s = emaSmooth([2, NaN, 3, Infinity, 5], 0.5)
    expect(s[1]).toBeNaN()
    expect(s[3]).toBe(Infinity)
    expect([s[0], s[2], s[4]]).toEqual(emaSmooth([2, 3, 5], 0.5))
  })

  it('clamps the weight into [0, 0.999]', () => {
    expect(emaSmooth([1, 2], -1)).toEqual([1, 2])
    expect(emaSmooth([1, 2], 1).every(Number.isFinite)).toBe(true)
  })
})

describe('meanStdBand', () => {
  it('aggregates per step over runs, finite values only, sorted by step', () => {
    const band = meanStdBand([
      [
        { step: 2, value: 3 },
        { step: 1, value: 1 },
      ],
      [
        { step: 1, value: 3 },
        { step: 2, value: NaN },
        { step: 3, value: 10 },
      ],
      [{ step: 1, value: 5 }],
    ])
    expect(band.map((b) => b.step)).toEqual([1, 2, 3])
    expect(band[0]).toEqual({ step: 1, mean: 3, std: 2, lo: 1, hi: 5, n: 3 })
    expect(band[1]).toEqual({ step: 2, mean: 3, std: 0, lo: 3, hi: 3, n: 1 })
    expect(band[2]!.n).toBe(1)
  })

  it('omits steps with no finite value and lets a re-logged step keep its last value', () => {
    const band = meanStdBand([
      [
        { step: 0, value: NaN },
        { step: 1, value: 1 },
        { step: 1, value: 2 },
      ],
    ])
    expect(band).toEqual([{ step: 1, mean: 2, std: 0, lo: 2, hi: 2, n: 1 }])
    expect(meanStdBand([])).toEqual([])
  })
})
