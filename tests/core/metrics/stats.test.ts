import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  emaSmooth,
  finite,
  mean,
  meanStdBand,
  std,
  studentTCdf,
  studentTQuantile,
  type WelchResult,
  welchTTest,
} from '../../../src/core/metrics/stats'
import scipy from '../../fixtures/stats/welch-scipy.json'

/** The test's result, failing the test when it is undefined. */
const ok = (r: ReturnType<typeof welchTTest>): WelchResult => {
  if (!r.ok) throw new Error(`Welch test undefined: ${r.reason}`)
  return r
}

// Reference values below were computed with SciPy 1.17.1 (scipy.stats.t.cdf / t.sf / ttest_ind with
// equal_var=False), independently of this implementation, unless a closed form is named. jStat's
// log-gamma holds p to about 1e-10 (docs/dependencies.md), so these compare to 7 digits.

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

describe('studentTCdf', () => {
  it('matches SciPy values', () => {
    expect(studentTCdf(2.0, 10)).toBeCloseTo(0.9633059826146299, 7)
    expect(studentTCdf(-1.5, 3)).toBeCloseTo(0.11529193262241147, 7)
    expect(studentTCdf(3, 2.5)).toBeCloseTo(0.9637119522254841, 7) // fractional df, as Welch's
    expect(studentTCdf(-3.2, 4.7)).toBeCloseTo(0.013091934878401396, 7)
    expect(studentTCdf(0.1, 50)).toBeCloseTo(0.539627893173515, 7)
    expect(studentTCdf(1.96, 1e6)).toBeCloseTo(0.9750019662073651, 7)
    // Far tail: t.sf(8, 30) = 3.1329112378503795e-09, kept to relative precision.
    expect(studentTCdf(-8, 30) / 3.1329112378503795e-9).toBeCloseTo(1, 7)
    expect(studentTCdf(-40, 3) / 1.7190340394579253e-5).toBeCloseTo(1, 7)
  })

  it('matches the closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [-7, -1, -0.25, 0, 0.5, 3]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 7)
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 7)
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

  it('has the quantile SciPy gives (t.ppf, norm.ppf) to 1e-7 relative', () => {
    const cases: [number, number, number][] = [
      [0.975, 4, 2.7764451051977934],
      [0.975, 1.2195121951219514, 8.394018688947522],
      [0.995, 30, 2.7499956535672254],
      [0.05, 2.5, -2.5582186141359364],
      [0.975, Infinity, 1.959963984540054],
    ]
    for (const [p, df, q] of cases) expect(Math.abs(studentTQuantile(p, df) / q - 1)).toBeLessThan(1e-7)
    expect(studentTQuantile(0, 3)).toBeNaN()
    expect(studentTQuantile(0.5, -1)).toBeNaN()
  })

  it('is symmetric: F(−t) = 1 − F(t)', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.5, max: 500, noNaN: true }), (t, df) => {
        expect(studentTCdf(-t, df)).toBeCloseTo(1 - studentTCdf(t, df), 7)
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
    const r1 = ok(welchTTest(A1, A2))
    expect(r1.t).toBeCloseTo(-2.455356398286006, 7)
    expect(r1.df).toBeCloseTo(24.988529290231416, 7)
    expect(r1.p).toBeCloseTo(0.021378001462866992, 7)
    const r2 = ok(welchTTest(B1, B2))
    expect(r2.t).toBeCloseTo(-1.5654335235985037, 7)
    expect(r2.df).toBeCloseTo(9.904741248650831, 7)
    expect(r2.p).toBeCloseTo(0.14884169660532817, 7)
  })

  it('follows the Welch–Satterthwaite df formula on a seed-sized example', () => {
    const a = [0.7251, 0.7312, 0.7198]
    const b = [0.742, 0.7455, 0.7381, 0.742]
    const b2 = [0.7402, 0.7455, 0.7381, 0.742]
    const [va, vb] = [std(a) ** 2 / 3, std(b) ** 2 / 4]
    const r = ok(welchTTest(a, b))
    expect(r.df).toBeCloseTo((va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 3), 12)
    const s = ok(welchTTest(a, b2))
    expect(s.t).toBeCloseTo(-4.409243567761997, 7)
    expect(s.df).toBeCloseTo(2.909280336970789, 7)
    expect(s.p).toBeCloseTo(0.02306460490023865, 7)
  })

  it('allows one zero variance (SciPy: t = −5.196, df = 2, p = 0.0351)', () => {
    const r = ok(welchTTest([1, 2, 3], [5, 5, 5]))
    expect(r.t).toBeCloseTo(-5.196152422706632, 7)
    expect(r.df).toBeCloseTo(2, 7)
    expect(r.p).toBeCloseTo(0.03509871864598465, 7)
  })

  it('gives p = 1 for identical groups and a reason, never a number, when undefined', () => {
    expect(ok(welchTTest([1, 2, 3], [1, 2, 3]))).toMatchObject({ t: 0, df: 4, p: 1, diff: 0 })
    const tooSmall = { ok: false, reason: 'n too small' }
    expect(welchTTest([1], [1, 2, 3])).toEqual(tooSmall)
    expect(welchTTest([1, 2], [])).toEqual(tooSmall)
    expect(welchTTest([1, NaN], [1, 2])).toEqual(tooSmall) // NaN is dropped, leaving one value
    expect(welchTTest([2, 2, 2], [3, 3])).toEqual({ ok: false, reason: 'no variance' })
    expect(welchTTest([1e308, -1e308], [1, 2])).toEqual({ ok: false, reason: 'overflow' })
  })

  // SciPy's ttest_ind(equal_var=False) and its confidence_interval(0.95), computed once by
  // scripts/stats-fixtures.py; the issue asks for agreement to 1e-6.
  it.each(scipy.cases)('agrees with SciPy to 1e-6: $name', (c) => {
    const r = ok(welchTTest(c.a, c.b))
    const close = (x: number, ref: number) => expect(Math.abs(x - ref)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref)))
    close(r.t, c.t)
    close(r.df, c.df)
    close(r.p, c.p)
    // Tiny p keep their digits (relative agreement), since they are computed through the tail.
    if (c.p > 0) expect(Math.abs(r.p / c.p - 1)).toBeLessThan(1e-6)
    close(r.ci[0], c.ci95[0]!)
    close(r.ci[1], c.ci95[1]!)
  })

  it('has the CI around the difference of means, wider at 99%', () => {
    const a = [0.7251, 0.7312, 0.7198]
    const b = [0.742, 0.7455, 0.7381, 0.742]
    const r95 = ok(welchTTest(a, b))
    const r99 = ok(welchTTest(a, b, 0.99))
    expect(r95.diff).toBeCloseTo(mean(a) - mean(b), 14)
    expect((r95.ci[0] + r95.ci[1]) / 2).toBeCloseTo(r95.diff, 7)
    expect(r99.ci[0]).toBeLessThan(r95.ci[0])
    expect(r99.ci[1]).toBeGreaterThan(r95.ci[1])
  })

  it('has p ∈ [0, 1], symmetric in a and b (property)', () => {
    const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 12 })
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const ab = welchTTest(a, b)
        const ba = welchTTest(b, a)
        if (!ab.ok || !ba.ok) {
          expect(ba).toEqual(ab)
          return
        }
        expect(ab.p).toBeGreaterThanOrEqual(0)
        expect(ab.p).toBeLessThanOrEqual(1)
        expect(ba.p).toBeCloseTo(ab.p, 7)
        expect(ba.t).toBeCloseTo(-ab.t, 7)
        expect(ba.df).toBeCloseTo(ab.df, 7)
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
