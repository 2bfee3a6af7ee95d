import { describe, expect, it } from 'vitest'
import { alphaHeatmap, dartsStepsForRows, edgeLabels } from '../../../src/core/metrics/heatmap'
import { DARTS_PRIMITIVES, NB201_OPS } from '../../../src/core/searchSpaces'

const matrix = (rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (r * cols + c) / 10 - 3))

describe('edgeLabels', () => {
  it('follows DARTS edge order: node i reads states 0..i+1', () => {
    const labels = edgeLabels(4)
    expect(labels).toHaveLength(14)
    expect(labels.slice(0, 5)).toEqual(['c_{k-2}→0', 'c_{k-1}→0', 'c_{k-2}→1', 'c_{k-1}→1', '0→1'])
    // Node offsets 0, 2, 5, 9 (derive.ts): row 9 is node 3's first input.
    expect(labels[9]).toBe('c_{k-2}→3')
    expect(labels[13]).toBe('2→3')
    expect(edgeLabels(0)).toEqual([])
  })

  it('maps row counts back to steps', () => {
    expect([2, 5, 9, 14, 20].map(dartsStepsForRows)).toEqual([1, 2, 3, 4, 5])
    expect(dartsStepsForRows(6)).toBeNull()
    expect(dartsStepsForRows(0)).toBeNull()
  })
})

describe('alphaHeatmap', () => {
  it('labels a 14 × 8 DARTS matrix and reports its range', () => {
    const m = matrix(14, 8)
    const h = alphaHeatmap(m, DARTS_PRIMITIVES)
    expect(h.cols).toEqual([...DARTS_PRIMITIVES])
    expect(h.rows.map((r) => r.label)).toEqual(edgeLabels(4))
    expect(h.rows[3]!.values).toEqual(m[3])
    expect(h.min).toBeCloseTo(-3, 12)
    expect(h.max).toBeCloseTo(111 / 10 - 3, 12)
  })

  it('row-softmax turns each row into weights summing to 1', () => {
    const h = alphaHeatmap(matrix(14, 8), DARTS_PRIMITIVES, { normalize: 'row-softmax' })
    for (const r of h.rows) expect(r.values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(h.max).toBeLessThanOrEqual(1)
    expect(h.min).toBeGreaterThan(0)
  })

  it('labels NB201 matrices by edge and falls back to edge numbers', () => {
    expect(alphaHeatmap(matrix(6, 5), NB201_OPS).rows.map((r) => r.label)).toEqual(['0→1', '0→2', '1→2', '0→3', '1→3', '2→3'])
    expect(alphaHeatmap(matrix(3, 2), ['a', 'b']).rows.map((r) => r.label)).toEqual(['edge 0', 'edge 1', 'edge 2'])
  })

  it('ignores non-finite values in the range and rejects bad shapes', () => {
    const h = alphaHeatmap(
      [
        [NaN, 1],
        [-2, Infinity],
      ],
      ['a', 'b'],
      { steps: 1 },
    )
    expect([h.min, h.max]).toEqual([-2, 1])
    expect(alphaHeatmap([], []).min).toBe(0)
    expect(() => alphaHeatmap(matrix(14, 7), DARTS_PRIMITIVES)).toThrow(/7 values but there are 8 ops/)
    expect(() => alphaHeatmap(matrix(14, 8), DARTS_PRIMITIVES, { steps: 3 })).toThrow(/3 steps need 9 rows, got 14/)
  })
})
