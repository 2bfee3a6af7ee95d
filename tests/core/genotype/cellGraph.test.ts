import { describe, expect, it } from 'vitest'
import {
  CELL_OUTPUT_ID,
  cellGraph,
  longestPathDepth,
  nb201Graph,
  skipCounts,
  stateId,
} from '../../../src/core/genotype/cellGraph'
import type { CellGenotype, Nb201Genotype } from '../../../src/core/genotype/model'
import { DARTS_V1, DARTS_V2, FairDARTS_a, FairDARTS_b, PC_DARTS_cifar, PDARTS, PRDARTS } from '../helpers/fixtureGenotypes'

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

describe('cellGraph', () => {
  it('builds DARTS_V2 normal: 2 inputs, 4 nodes, output; 8 op edges and 4 concat edges', () => {
    const g = cellGraph(DARTS_V2.normal)
    expect(g.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['c_{k-2}', 'input'],
      ['c_{k-1}', 'input'],
      ['0', 'intermediate'],
      ['1', 'intermediate'],
      ['2', 'intermediate'],
      ['3', 'intermediate'],
      ['c_{k}', 'output'],
    ])
    const ops = g.edges.filter((e) => e.kind === 'op')
    expect(ops).toHaveLength(8)
    expect(ops[7]).toEqual({ id: '0->3#1', source: '0', target: '3', kind: 'op', op: 'dil_conv_3x3' })
    expect(ops[0]).toMatchObject({ source: 'c_{k-2}', target: '0', op: 'sep_conv_3x3' })
    expect(g.edges.filter((e) => e.kind === 'concat').map((e) => e.source)).toEqual(['0', '1', '2', '3'])
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length)
  })

  it('drops a FairDARTS node without inputs that nothing reads', () => {
    const g = cellGraph(FairDARTS_a.normal)
    expect(g.nodes.map((n) => n.id)).toEqual(['c_{k-2}', 'c_{k-1}', '0', '2', '3', CELL_OUTPUT_ID])
    expect(g.edges.filter((e) => e.kind === 'concat').map((e) => e.source)).toEqual(['0', '2', '3'])
    expect(g.edges.filter((e) => e.kind === 'op')).toHaveLength(4)
  })

  it('keeps an input-less node another node reads, but gives it no concat edge', () => {
    const cell: CellGenotype = { nodes: [[], [{ op: 'skip_connect', from: 2 }]], concat: [2, 3] }
    const g = cellGraph(cell)
    expect(g.nodes.map((n) => n.id)).toContain('0')
    expect(g.edges.filter((e) => e.kind === 'concat').map((e) => e.source)).toEqual(['1'])
  })

  it('keeps two ops from the same input as distinct edges (PR-DARTS-style nodes)', () => {
    const cell: CellGenotype = {
      nodes: [
        [
          { op: 'sep_conv_3x3', from: 1 },
          { op: 'dil_conv_3x3', from: 1 },
        ],
      ],
      concat: [2],
    }
    const ids = cellGraph(cell).edges.map((e) => e.id)
    expect(ids).toEqual(['c_{k-1}->0#0', 'c_{k-1}->0#1', '0->c_{k}'])
  })

  it('names states as DARTS visualize.py does', () => {
    expect([0, 1, 2, 5].map(stateId)).toEqual(['c_{k-2}', 'c_{k-1}', '0', '3'])
  })
})

describe('nb201Graph', () => {
  const g = nb201('|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|')

  it('has nodes 0..3 and one edge per pair', () => {
    const graph = nb201Graph(g)
    expect(graph.nodes.map((n) => n.kind)).toEqual(['input', 'intermediate', 'intermediate', 'output'])
    expect(graph.edges).toHaveLength(6)
    expect(graph.edges[0]).toEqual({ id: '0->1', source: '0', target: '1', kind: 'op', op: 'nor_conv_3x3' })
  })

  it('can hide none edges', () => {
    expect(nb201Graph(g, { dropNone: true }).edges.map((e) => e.id)).toEqual(['0->1', '1->2', '0->3', '2->3'])
  })
})

describe('summaries', () => {
  it('counts skips per cell type (METHODS.md §3, §6.6)', () => {
    expect(skipCounts(DARTS_V2)).toEqual({ normal: 2, reduce: 3 })
    expect(skipCounts(DARTS_V1).normal).toBe(3)
    expect(skipCounts(PC_DARTS_cifar).normal).toBe(1)
    expect(skipCounts(PRDARTS).normal).toBe(1)
    expect(skipCounts(FairDARTS_a)).toEqual({ normal: 0, reduce: 2 })
    expect(skipCounts(FairDARTS_b).normal).toBe(0)
  })

  it('measures the longest input → output path in op edges', () => {
    expect(longestPathDepth(DARTS_V2.normal)).toBe(2) // c_{k-2} → 0 → 3
    expect(longestPathDepth(PDARTS.normal)).toBe(3) // c_{k-1} → 1 → 2 → 3
    expect(longestPathDepth(PRDARTS.normal)).toBe(4) // the chain PR-DARTS's path regularizer rewards
    expect(longestPathDepth(FairDARTS_a.normal)).toBe(1)
    expect(longestPathDepth(FairDARTS_b.reduce)).toBe(2) // node 5 reads node 2
  })

  it('measures NB201 depth, ignoring none edges', () => {
    expect(longestPathDepth(nb201('|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'))).toBe(3)
    expect(longestPathDepth(nb201('|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|'))).toBe(1)
    expect(longestPathDepth(nb201('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'))).toBe(0)
  })
})
