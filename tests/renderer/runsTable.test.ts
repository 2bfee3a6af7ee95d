import { describe, expect, it } from 'vitest'
import {
  actionsFor,
  applyLiveToRuns,
  matchesFilter,
  sortRuns,
  statusCounts,
  toggleSort,
} from '../../src/renderer/src/shape/runsTable'
import { summary } from './fixtures'

const runs = [
  summary({ id: 'a', status: 'finished', bestValAcc: 0.8, createdAt: 1, tags: { group: 'ablation' } }),
  summary({ id: 'b', status: 'running', bestValAcc: null, createdAt: 2, preset: 'pr-darts-quick', method: 'pr-darts' }),
  summary({ id: 'c', status: 'failed', bestValAcc: 0.6, createdAt: 3, dataset: 'cifar10' }),
]

describe('runs table', () => {
  it('filters on id, preset, method, dataset, tag and status; every word must match', () => {
    expect(runs.filter((r) => matchesFilter(r, 'pr-darts')).map((r) => r.id)).toEqual(['b'])
    expect(runs.filter((r) => matchesFilter(r, 'CIFAR')).map((r) => r.id)).toEqual(['c'])
    expect(runs.filter((r) => matchesFilter(r, 'ablation')).map((r) => r.id)).toEqual(['a'])
    expect(runs.filter((r) => matchesFilter(r, 'group=ablation')).map((r) => r.id)).toEqual(['a'])
    expect(runs.filter((r) => matchesFilter(r, 'failed cifar10')).map((r) => r.id)).toEqual(['c'])
    expect(runs.filter((r) => matchesFilter(r, 'failed mnist-x')).map((r) => r.id)).toEqual([])
    expect(runs.filter((r) => matchesFilter(r, '  ')).length).toBe(3)
  })
  it('sorts with nulls last in both directions', () => {
    expect(sortRuns(runs, { key: 'bestValAcc', dir: 'desc' }).map((r) => r.id)).toEqual(['a', 'c', 'b'])
    expect(sortRuns(runs, { key: 'bestValAcc', dir: 'asc' }).map((r) => r.id)).toEqual(['c', 'a', 'b'])
    expect(sortRuns(runs, { key: 'createdAt', dir: 'desc' }).map((r) => r.id)).toEqual(['c', 'b', 'a'])
    expect(sortRuns(runs, { key: 'status', dir: 'asc' }).map((r) => r.id)).toEqual(['b', 'c', 'a'])
  })
  it('toggles direction on the same key', () => {
    expect(toggleSort({ key: 'seed', dir: 'desc' }, 'seed')).toEqual({ key: 'seed', dir: 'asc' })
    expect(toggleSort({ key: 'seed', dir: 'desc' }, 'id')).toEqual({ key: 'id', dir: 'asc' })
    expect(toggleSort({ key: 'id', dir: 'asc' }, 'bestValAcc')).toEqual({ key: 'bestValAcc', dir: 'desc' })
  })
  it('applies live updates, inserts and deletions', () => {
    const updated = summary({ id: 'b', status: 'finished', progress: 1 })
    const next = applyLiveToRuns(runs, { type: 'run-updated', run: updated })
    expect(next[1]).toBe(updated)
    expect(next[0]).toBe(runs[0])
    const added = applyLiveToRuns(runs, { type: 'run-updated', run: summary({ id: 'd' }) })
    expect(added.map((r) => r.id)).toEqual(['d', 'a', 'b', 'c'])
    expect(applyLiveToRuns(runs, { type: 'run-deleted', id: 'a' }).map((r) => r.id)).toEqual(['b', 'c'])
    expect(applyLiveToRuns(runs, { type: 'run-deleted', id: 'zz' })).toBe(runs)
  })
  it('offers the actions a status allows', () => {
    expect(actionsFor('running')).toEqual(['pause', 'cancel', 'duplicate'])
    expect(actionsFor('paused')).toContain('resume')
    expect(actionsFor('failed')).toContain('retry')
    expect(actionsFor('finished')).toEqual(['duplicate', 'delete'])
  })
  it('counts statuses, live first', () => {
    expect(statusCounts(runs)).toEqual([
      ['running', 1],
      ['failed', 1],
      ['finished', 1],
    ])
  })
})
