import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandGrid, GridError, MAX_GRID_RUNS } from '../../src/core/config/grid'
import { resolveConfig } from '../../src/main/runs/runDir'
import { ROOT } from '../cli/run'

describe('expandGrid', () => {
  it('is the cartesian product, method-major, then values in key order, then seed', () => {
    const points = expandGrid({
      name: 'g',
      methods: ['a', 'b'],
      values: { lr: [0.1, 0.2], unrolled: [false, true] },
      seeds: [0, 7],
      set: ['epochs=3'],
    })
    expect(points).toHaveLength(2 * 2 * 2 * 2)
    expect(points[0]).toEqual({
      preset: 'a',
      seed: 0,
      values: { lr: 0.1, unrolled: false },
      sets: ['epochs=3', 'lr=0.1', 'unrolled=false', 'seed=0'],
    })
    expect(points.map((p) => `${p.preset} ${p.values.lr} ${p.values.unrolled} ${p.seed}`).slice(0, 5)).toEqual([
      'a 0.1 false 0',
      'a 0.1 false 7',
      'a 0.1 true 0',
      'a 0.1 true 7',
      'a 0.2 false 0',
    ])
    // Every point is distinct.
    expect(new Set(points.map((p) => p.sets.join(' ') + p.preset)).size).toBe(points.length)
  })

  it('without values it is methods × seeds', () => {
    expect(expandGrid({ name: 'g', methods: ['a'], seeds: [1, 2, 3] }).map((p) => p.sets)).toEqual([
      ['seed=1'],
      ['seed=2'],
      ['seed=3'],
    ])
  })

  it('rejects malformed grids with a one-line error naming the field', () => {
    const bad = (g: unknown) => () => expandGrid(g as never)
    expect(bad({ name: 'g', methods: [], seeds: [0] })).toThrow(/^methods: /)
    expect(bad({ name: 'g', methods: ['a'], seeds: [] })).toThrow(/^seeds: /)
    expect(bad({ name: 'g', methods: ['a'], seeds: [-1] })).toThrow(/^seeds\.0: /)
    expect(bad({ name: 'g', methods: ['a'], seeds: [0], values: { lr: [] } })).toThrow(/^values\.lr: /)
    expect(bad({ name: 'g', methods: ['a'], seeds: [0], extra: 1 })).toThrow(GridError)
    expect(bad({ name: 'g', methods: ['a'], seeds: [0], values: { seed: [1] } })).toThrow(/seeds/)
    expect(bad({ methods: ['a'], seeds: [0] })).toThrow(/^name: /)
    const huge = { name: 'g', methods: ['a'], seeds: [...Array(101).keys()], values: { x: [...Array(100).keys()] } }
    expect(bad(huge)).toThrow(new RegExp(`limit ${MAX_GRID_RUNS}`))
  })

  it('examples/grid-quick.json is 2 presets × 2 seeds of valid configs', () => {
    const grid = JSON.parse(readFileSync(join(ROOT, 'examples/grid-quick.json'), 'utf8'))
    const points = expandGrid(grid)
    expect(points.map((p) => `${p.preset}/${p.seed}`)).toEqual([
      'darts-1st-quick/0',
      'darts-1st-quick/1',
      'darts-2nd-quick/0',
      'darts-2nd-quick/1',
    ])
    for (const p of points) expect(resolveConfig({ preset: p.preset, sets: p.sets }).seed).toBe(p.seed)
  })
})
