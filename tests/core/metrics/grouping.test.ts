import { describe, expect, it } from 'vitest'
import {
  formatMeanStd,
  formatP,
  type Groupable,
  groupableKeys,
  groupRuns,
  summaryTable,
} from '../../../src/core/metrics/grouping'
import { welchTTest } from '../../../src/core/metrics/stats'

interface Run extends Groupable {
  readonly acc: number | null
  readonly loss?: number
}
const run = (id: string, params: Record<string, string>, acc: number | null, loss?: number): Run => ({ id, params, acc, loss })

const runs: Run[] = [
  run('a', { method: 'darts', lr: '0.1', seed: '0' }, 0.97),
  run('b', { method: 'pcdarts', lr: '0.025', seed: '0' }, 0.974),
  run('c', { method: 'darts', lr: '0.025', seed: '1' }, 0.971),
  run('d', { method: 'pcdarts', lr: '0.1', seed: '1' }, 0.976),
  run('e', { method: 'darts', seed: '2' }, null),
  run('f', { method: 'pcdarts', lr: '0.0250', seed: '2' }, 0.972),
]

describe('groupRuns', () => {
  it('sorts numeric values numerically, (none) last, runs in input order', () => {
    const groups = groupRuns(runs, 'lr')
    expect(groups.map((g) => g.value)).toEqual(['0.025', '0.0250', '0.1', '(none)'])
    expect(groups.map((g) => g.runs.map((r) => r.id))).toEqual([['b', 'c'], ['f'], ['a', 'd'], ['e']])
    expect(groups[0]).toMatchObject({ key: 'lr', label: 'lr=0.025' })
  })

  it('keeps first appearance for non-numeric values', () => {
    expect(groupRuns(runs, 'method').map((g) => [g.value, g.runs.length])).toEqual([
      ['darts', 3],
      ['pcdarts', 3],
    ])
    const mixed = groupRuns([run('x', { opt: 'b' }, 1), run('y', { opt: '2' }, 1), run('z', { opt: 'a' }, 1)], 'opt')
    expect(mixed.map((g) => g.value)).toEqual(['b', '2', 'a'])
  })

  it('does not treat blank values as the number 0', () => {
    const g = groupRuns([run('x', { k: '5' }, 1), run('y', { k: ' ' }, 1), run('z', { k: '1' }, 1)], 'k')
    expect(g.map((x) => x.value)).toEqual(['5', ' ', '1'])
  })

  it('groups everything under (none) for an unknown key and returns nothing for no runs', () => {
    expect(groupRuns(runs, 'nope').map((g) => [g.value, g.runs.length])).toEqual([['(none)', 6]])
    expect(groupRuns([], 'lr')).toEqual([])
  })
})

describe('groupableKeys', () => {
  it('lists differing keys except seed, method and preset first', () => {
    const rs = [
      run('a', { zeta: '1', lr: '0.1', preset: 'quick', method: 'darts', seed: '0', same: 'x' }, 1),
      run('b', { zeta: '2', lr: '0.1', preset: 'full', method: 'pc', seed: '1', same: 'x' }, 1),
      run('c', { zeta: '1', lr: '0.2', preset: 'full', method: 'pc', seed: '2', same: 'x', extra: 'y' }, 1),
    ]
    expect(groupableKeys(rs)).toEqual(['method', 'preset', 'extra', 'lr', 'zeta'])
  })

  it('leaves out method when every run has the same one', () => {
    expect(groupableKeys([run('a', { method: 'darts', lr: '1' }, 1), run('b', { method: 'darts', lr: '2' }, 1)])).toEqual(['lr'])
    expect(groupableKeys([run('a', { method: 'darts' }, 1)])).toEqual([])
  })
})

describe('summaryTable', () => {
  const groups = groupRuns(runs, 'method')
  const value = (r: Run, metric: string): number | null => (metric === 'acc' ? r.acc : (r.loss ?? null))

  it('aggregates per group and metric, skipping missing values', () => {
    const rows = summaryTable(groups, ['acc', 'loss'], value, 'darts')
    expect(rows.map((r) => [r.group, r.label, r.n])).toEqual([
      ['darts', 'method=darts', 3],
      ['pcdarts', 'method=pcdarts', 3],
    ])
    const darts = rows[0]!.cells['acc']!
    expect(darts.n).toBe(2) // run e has no accuracy
    expect(darts.mean).toBeCloseTo(0.9705, 12)
    expect(darts.std).toBeCloseTo(Math.sqrt(0.0005 ** 2 * 2), 12)
    expect(darts.p).toBeNull() // the baseline itself
    expect(rows[0]!.cells['loss']).toEqual({ mean: null, std: null, n: 0, p: null })
  })

  it('gives Welch p against the baseline', () => {
    const rows = summaryTable(groups, ['acc'], value, 'darts')
    const test = welchTTest([0.974, 0.976, 0.972], [0.97, 0.971])
    const p = test.ok ? test.p : NaN
    expect(rows[1]!.cells['acc']!.p).toBeCloseTo(p, 14)
    expect(p).toBeGreaterThan(0)
    expect(p).toBeLessThan(1)
  })

  it('says "n too small", never a number, when a side has fewer than 2 values', () => {
    // No run logs a loss, so both sides have 0 values.
    const rows = summaryTable(groups, ['loss'], value, 'darts')
    const cell = rows[1]!.cells['loss']!
    expect(cell.p).toBeNull()
    expect(cell.pUndefined).toBe('n too small')
    expect(formatP(cell.p, cell.pUndefined)).toBe('n too small')
    expect(rows[0]!.cells['loss']!.pUndefined).toBeUndefined() // the baseline is not tested against itself
  })

  it('gives no p without a baseline, for an unknown baseline, or when Welch is undefined', () => {
    expect(summaryTable(groups, ['acc'], value, null)[1]!.cells['acc']!.p).toBeNull()
    expect(summaryTable(groups, ['acc'], value, 'nope')[1]!.cells['acc']!.p).toBeNull()
    const single = groupRuns([run('a', { m: 'x' }, 1), run('b', { m: 'y' }, 2), run('c', { m: 'y' }, 3)], 'm')
    expect(summaryTable(single, ['acc'], value, 'x')[1]!.cells['acc']!.p).toBeNull() // baseline has one run
  })
})

describe('formatting', () => {
  it('formats mean ± std', () => {
    expect(formatMeanStd({ mean: 0.72514, std: 0.0084, n: 3, p: null }, 2, 100)).toBe('72.51 ± 0.84')
    expect(formatMeanStd({ mean: 1.5, std: 0.25, n: 2, p: null })).toBe('1.50 ± 0.25')
    expect(formatMeanStd({ mean: 2.5, std: 0, n: 1, p: null }, 1)).toBe('2.5')
    expect(formatMeanStd({ mean: -0.0001, std: 0.001, n: 2, p: null }, 2)).toBe('0.00 ± 0.00')
    expect(formatMeanStd({ mean: null, std: null, n: 0, p: null })).toBe('—')
  })

  it('formats p-values', () => {
    expect(formatP(0.0004)).toBe('< 0.001')
    expect(formatP(0.0341)).toBe('0.034')
    expect(formatP(1)).toBe('1.000')
    expect(formatP(null)).toBe('—')
    expect(formatP(NaN)).toBe('—')
    expect(formatP(null, 'no variance')).toBe('no variance')
  })
})
