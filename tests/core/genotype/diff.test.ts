import { describe, expect, it } from 'vitest'
import { cellGraph, nb201Graph } from '../../../src/core/genotype/cellGraph'
import { diffEdgeId, diffGenotypes } from '../../../src/core/genotype/diff'
import { type DartsGenotype, GenotypeError, type Nb201Genotype } from '../../../src/core/genotype/model'
import { DARTS_V1, DARTS_V2, PC_DARTS_cifar } from '../helpers/fixtureGenotypes'

const nb201 = (s: string): Nb201Genotype => ({
  kind: 'nb201',
  nodes: s.split('+').map((node) =>
    node
      .split('|')
      .filter(Boolean)
      .map((t) => {
        const [op, from] = t.split('~')
        return { op: op!, from: Number(from) }
      }),
  ),
})

describe('diffGenotypes', () => {
  /*
   * Counted by hand from quark0/darts genotypes.py (tests/fixtures/genotypes/darts.py), keyed by
   * (cell, target state, input state):
   *   normal 2: (0) sep=sep, (1) sep=sep          → 2 same
   *   normal 3: (0) skip→sep changed, (1) sep=sep → 1 changed, 1 same
   *   normal 4: (0) skip=skip, (1) sep=sep        → 2 same
   *   normal 5: (0) sep→skip, (2) skip→dil_conv_3x3 → 2 changed
   *   reduce 2: (0) max=max, (1) max=max          → 2 same
   *   reduce 3: (2) skip=skip; V1 max@0 removed, V2 max@1 added
   *   reduce 4: (0) max=max, (2) skip=skip        → 2 same
   *   reduce 5: (2) skip=skip; V1 avg@0 removed, V2 max@1 added
   * Total: 11 same, 3 changed, 2 added, 2 removed (18 entries); concat [2..5] in both.
   */
  it('diffs DARTS-V1 against DARTS-V2 as counted by hand', () => {
    const d = diffGenotypes(DARTS_V1, DARTS_V2)
    expect({ same: d.same, changed: d.changed, added: d.added, removed: d.removed }).toEqual({
      same: 11,
      changed: 3,
      added: 2,
      removed: 2,
    })
    expect(d.edges).toHaveLength(18)
    expect(d.concatChanged).toBe(false)
    const changed = d.edges.filter((e) => e.change === 'changed').map((e) => [e.cell, e.node, e.input, e.opA, e.opB])
    expect(changed).toEqual([
      ['normal', 3, 0, 'skip_connect', 'sep_conv_3x3'],
      ['normal', 5, 0, 'sep_conv_3x3', 'skip_connect'],
      ['normal', 5, 2, 'skip_connect', 'dil_conv_3x3'],
    ])
    const reduce = d.edges.filter((e) => e.cell === 'reduce' && e.change !== 'same')
    expect(reduce.map((e) => [e.node, e.input, e.opA, e.opB, e.change])).toEqual([
      [3, 0, 'max_pool_3x3', null, 'removed'],
      [3, 1, null, 'max_pool_3x3', 'added'],
      [5, 0, 'avg_pool_3x3', null, 'removed'],
      [5, 1, null, 'max_pool_3x3', 'added'],
    ])
  })

  it('is empty of changes against itself and mirrors when swapped', () => {
    const self = diffGenotypes(PC_DARTS_cifar, PC_DARTS_cifar)
    expect([self.same, self.changed, self.added, self.removed]).toEqual([16, 0, 0, 0])
    const back = diffGenotypes(DARTS_V2, DARTS_V1)
    expect([back.same, back.changed, back.added, back.removed]).toEqual([11, 3, 2, 2])
  })

  it('matches repeated inputs by op, so swapping order is not a change', () => {
    const g = (ops: [string, string]): DartsGenotype => ({
      kind: 'darts',
      normal: {
        nodes: [
          [
            { op: ops[0], from: 1 },
            { op: ops[1], from: 1 },
          ],
        ],
        concat: [2],
      },
      reduce: { nodes: [[{ op: 'skip_connect', from: 0 }]], concat: [2] },
    })
    const d = diffGenotypes(g(['sep_conv_3x3', 'dil_conv_3x3']), g(['dil_conv_3x3', 'sep_conv_3x3']))
    expect(d.same).toBe(3)
    expect(d.edges.find((e) => e.opA === 'sep_conv_3x3')).toMatchObject({ indexA: 0, indexB: 1 })
  })

  it('reports concat and step-count differences', () => {
    const a: DartsGenotype = { ...DARTS_V2, normal: { ...DARTS_V2.normal, concat: [3, 4, 5] } }
    expect(diffGenotypes(DARTS_V2, a).concatChanged).toBe(true)
    const shorter: DartsGenotype = { ...DARTS_V2, normal: { nodes: DARTS_V2.normal.nodes.slice(0, 3), concat: [2, 3, 4] } }
    const d = diffGenotypes(DARTS_V2, shorter)
    expect(d.removed).toBe(2)
    expect(d.edges.filter((e) => e.change === 'removed').every((e) => e.node === 5)).toBe(true)
  })

  it('diffs NB201 cells edge by edge', () => {
    const a = nb201('|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|')
    const b = nb201('|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|avg_pool_3x3~2|')
    const d = diffGenotypes(a, b)
    expect([d.same, d.changed, d.added, d.removed, d.concatChanged]).toEqual([4, 2, 0, 0, false])
    expect(d.edges.filter((e) => e.change === 'changed').map((e) => [e.cell, e.node, e.input])).toEqual([
      ['cell', 2, 0],
      ['cell', 3, 2],
    ])
  })

  it('refuses to compare DARTS with NB201', () => {
    const nb = nb201('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|')
    expect(() => diffGenotypes(DARTS_V2, nb)).toThrow(GenotypeError)
    expect(() => diffGenotypes(nb, DARTS_V2)).toThrow(/cannot diff a NAS-Bench-201 genotype against a DARTS-space genotype/)
  })
})

describe('diffEdgeId', () => {
  it('names the cellGraph edge on either side', () => {
    const d = diffGenotypes(DARTS_V1, DARTS_V2)
    const idsA = new Set(cellGraph(DARTS_V1.normal).edges.map((e) => e.id))
    const idsB = new Set(cellGraph(DARTS_V2.normal).edges.map((e) => e.id))
    const normal = d.edges.filter((e) => e.cell === 'normal')
    for (const e of normal) {
      if (e.opA !== null) expect(idsA.has(diffEdgeId(e, 'a'))).toBe(true)
      if (e.opB !== null) expect(idsB.has(diffEdgeId(e))).toBe(true)
    }
    // V1 normal node 0 reads (sep, 1), (sep, 0); V2 reads (sep, 0), (sep, 1).
    const first = normal.find((e) => e.node === 2 && e.input === 0)!
    expect([diffEdgeId(first, 'a'), diffEdgeId(first, 'b')]).toEqual(['c_{k-2}->0#1', 'c_{k-2}->0#0'])
    // The reduce edges B lacks default to A's graph.
    const removed = d.edges.find((e) => e.cell === 'reduce' && e.change === 'removed')!
    expect(diffEdgeId(removed)).toBe('c_{k-2}->1#1')
    expect(cellGraph(DARTS_V1.reduce).edges.map((e) => e.id)).toContain(diffEdgeId(removed))
  })

  it('names NB201 edges as nb201Graph does', () => {
    const a = nb201('|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|')
    const ids = diffGenotypes(a, a).edges.map((e) => diffEdgeId(e))
    expect(ids).toEqual(nb201Graph(a).edges.map((e) => e.id))
  })
})
