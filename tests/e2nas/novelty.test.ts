import { describe, expect, it } from 'vitest'
import {
  complementCell,
  etaAt,
  fitGenNormal,
  genNormalLogPdf,
  histogramLogDensity,
  logGamma,
  MIN_SCALE,
} from '../../src/core/e2nas/novelty'
import { Rng } from '../../src/core/rng'

describe('E2NAS exploration math', () => {
  it('η falls from ≈1 (explore) to ≈0 (exploit) through 1/2 at mid-search', () => {
    expect(etaAt(0, 50)).toBeCloseTo(1 - 1 / (1 + Math.exp(10)), 10)
    expect(etaAt(25, 50)).toBeCloseTo(0.5, 12)
    expect(etaAt(50, 50)).toBeLessThan(1e-4)
    for (let e = 1; e < 50; e++) expect(etaAt(e, 50)).toBeLessThan(etaAt(e - 1, 50))
  })

  it('log Γ matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12)
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12)
    expect(logGamma(0.25)).toBeCloseTo(1.2880225246980774, 10)
  })

  it('the generalized normal density integrates to 1 and fits its own samples', () => {
    for (const p of [
      { mu: 0.3, alpha: 0.5, beta: 1 },
      { mu: -1, alpha: 2, beta: 2 },
      { mu: 0, alpha: 1, beta: 3.5 },
    ]) {
      let integral = 0
      const h = 1e-3
      for (let x = p.mu - 40; x < p.mu + 40; x += h) integral += Math.exp(genNormalLogPdf(x, p)) * h
      expect(integral).toBeCloseTo(1, 3)
    }
    // Normal samples: the fit picks β near 2 and α near √2·σ.
    const rng = new Rng(7)
    const xs = Array.from({ length: 4000 }, () => 0.5 + 0.2 * rng.normal())
    const fit = fitGenNormal(xs)
    expect(fit.mu).toBeCloseTo(0.5, 2)
    expect(fit.beta).toBeGreaterThanOrEqual(1.75)
    expect(fit.beta).toBeLessThanOrEqual(2.25)
    expect(fit.alpha).toBeCloseTo(Math.SQRT2 * 0.2, 1)
    // Identical samples: the scale floor keeps the density finite.
    expect(fitGenNormal([1, 1, 1]).alpha).toBe(MIN_SCALE)
  })

  it('the histogram density is high where the samples are, finite where they are not, and integrates to ≈1', () => {
    const rng = new Rng(3)
    const xs = Array.from({ length: 50 }, () => rng.next())
    expect(histogramLogDensity(xs, 0.5)).toBeGreaterThan(histogramLogDensity(xs, 5))
    expect(Number.isFinite(histogramLogDensity(xs, 1e6))).toBe(true)
    // Over the samples' range the histogram holds its n counts of the n + 1 (one pseudo-count is spread thin).
    let integral = 0
    const lo = Math.min(...xs)
    const hi = Math.max(...xs)
    for (let x = lo; x < hi; x += 1e-4) integral += Math.exp(histogramLogDensity(xs, x)) * 1e-4
    expect(integral).toBeGreaterThan(0.85)
    expect(integral).toBeLessThan(1)
    expect(Number.isFinite(histogramLogDensity([2, 2, 2], 2))).toBe(true)
  })

  it('complementation changes exactly the edges the previous cell shares with the current one', () => {
    const rng = new Rng(1)
    for (let t = 0; t < 200; t++) {
      const prev = Array.from({ length: 6 }, () => rng.int(5))
      const cur = prev.map((op) => (rng.next() < 0.5 ? op : rng.int(5)))
      const comp = complementCell(prev, cur, 5, rng)
      comp.forEach((op, e) => {
        expect(op).toBeGreaterThanOrEqual(0)
        expect(op).toBeLessThan(5)
        if (prev[e] === cur[e]) expect(op).not.toBe(prev[e])
        else expect(op).toBe(prev[e])
      })
    }
  })
})
