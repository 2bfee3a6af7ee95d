import { describe, expect, it } from 'vitest'
import {
  deriveDarts,
  deriveFairDarts,
  deriveNb201,
  derivePcDarts,
  derivePrDarts,
  PRDARTS_OPS,
} from '../../../src/core/genotype/derive'
import { type CellGenotype, genotypesEqual } from '../../../src/core/genotype/model'
import { DARTS_PRIMITIVES, dartsEdgeCount, FAIRDARTS_PRIMITIVES, NB201_OPS } from '../../../src/core/searchSpaces'
import { DARTS_V1, DARTS_V2, PDARTS } from '../helpers/fixtureGenotypes'

const zeros = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => Array<number>(cols).fill(0))
const nodeStart = (i: number) => (i * (i + 3)) / 2
const E = dartsEdgeCount(4)

/** α that make DARTS derive `cell`: the first input of each node gets logit 3, the second 2, all else 0. */
function alphasFor(cell: CellGenotype, ops: readonly string[] = DARTS_PRIMITIVES): number[][] {
  const a = zeros(E, ops.length)
  cell.nodes.forEach((inputs, i) =>
    inputs.forEach((e, n) => {
      a[nodeStart(i) + e.from]![ops.indexOf(e.op)] = 3 - n
    }),
  )
  return a
}

const pairs = (cell: CellGenotype) => cell.nodes.map((n) => n.map((e) => [e.op, e.from]))

describe('deriveDarts (METHODS.md §2.3)', () => {
  it.each([
    ['DARTS_V1', DARTS_V1],
    ['DARTS_V2', DARTS_V2],
    ['PDARTS', PDARTS],
  ])('recovers %s from matching α, keeping the strength order inside each node', (_, g) => {
    const derived = deriveDarts(alphasFor(g.normal), alphasFor(g.reduce))
    expect(pairs(derived.normal)).toEqual(pairs(g.normal))
    expect(pairs(derived.reduce)).toEqual(pairs(g.reduce))
    expect(derived.normal.concat).toEqual([2, 3, 4, 5])
    expect(genotypesEqual(derived, g)).toBe(true)
  })

  it('ties: equal strengths keep the lower j first; equal op weights pick the first op (none excluded)', () => {
    const g = deriveDarts(zeros(E, 8), zeros(E, 8))
    for (const cell of [g.normal, g.reduce])
      expect(pairs(cell)).toEqual(
        [0, 1, 2, 3].map(() => [
          ['max_pool_3x3', 0],
          ['max_pool_3x3', 1],
        ]),
      )
  })

  it('equal best ops on one edge: the earlier column wins', () => {
    const a = zeros(E, 8)
    a[1]![4] = 2 // sep_conv_3x3
    a[1]![5] = 2 // sep_conv_5x5
    expect(deriveDarts(a, zeros(E, 8)).normal.nodes[0]).toEqual([
      { op: 'sep_conv_3x3', from: 1 },
      { op: 'max_pool_3x3', from: 0 },
    ])
  })

  it('a node whose α prefers none everywhere still gets 2 inputs, never none', () => {
    const a = zeros(E, 8).map((row) => row.map((_, k): number => (k === 0 ? 10 : 0)))
    a[3]![7] = 0.5 // node 1, input 1: dil_conv_5x5 slightly above the rest
    const g = deriveDarts(a, a)
    expect(g.normal.nodes.every((n) => n.length === 2 && n.every((e) => e.op !== 'none'))).toBe(true)
    expect(g.normal.nodes[1]).toEqual([
      { op: 'dil_conv_5x5', from: 1 },
      { op: 'max_pool_3x3', from: 0 },
    ])
  })

  it('accepts already-normalized weights and any number of steps', () => {
    const w = zeros(dartsEdgeCount(5), 8).map((row) => row.map(() => 1 / 8))
    w[nodeStart(4) + 5]![3] = 0.9
    const g = deriveDarts(w, w, { steps: 5, multiplier: 4, weights: 'normalized' })
    expect(g.normal.nodes).toHaveLength(5)
    expect(g.normal.nodes[4]![0]).toEqual({ op: 'skip_connect', from: 5 })
    expect(g.normal.concat).toEqual([3, 4, 5, 6])
  })

  it('rejects wrong shapes with a clear message', () => {
    expect(() => deriveDarts(zeros(13, 8), zeros(E, 8))).toThrow('alphasNormal: expected 14 rows (one per edge), got 13')
    const bad = zeros(E, 8)
    bad[3] = [0, 0, 0, 0, 0, 0, 0]
    expect(() => deriveDarts(zeros(E, 8), bad)).toThrow('alphasReduce: row 3 has 7 columns, expected 8 (one per op)')
    expect(() => deriveDarts(zeros(9, 8), zeros(9, 8), { steps: 3, multiplier: 4 })).toThrow(
      /multiplier must be an integer in 1..3/,
    )
    // multiplier defaults to steps
    expect(deriveDarts(zeros(9, 8), zeros(9, 8), { steps: 3 }).normal.concat).toEqual([2, 3, 4])
    const nan = zeros(E, 8)
    nan[0]![0] = Number.NaN
    expect(() => deriveDarts(nan, nan)).toThrow(/row 0 holds a value that is not a number/)
  })
})

describe('derivePcDarts (§3.9)', () => {
  // Node 1 (rows 2..4): α prefers input 0, then 1, then 2.
  const a = zeros(E, 8)
  a[2]![4] = 3
  a[3]![5] = 2
  a[4]![6] = 1

  it('equal β leaves the DARTS choice unchanged', () => {
    expect(derivePcDarts(a, a, Array(E).fill(0), Array(E).fill(0))).toEqual(deriveDarts(a, a))
  })

  it('β changes which edges a node keeps', () => {
    const betas = Array<number>(E).fill(0)
    betas[4] = 5 // node 1, input 2
    expect(deriveDarts(a, a).normal.nodes[1]!.map((e) => e.from)).toEqual([0, 1])
    const g = derivePcDarts(a, a, betas, Array(E).fill(0))
    expect(g.normal.nodes[1]).toEqual([
      { op: 'dil_conv_3x3', from: 2 },
      { op: 'sep_conv_3x3', from: 0 },
    ])
    expect(g.reduce.nodes[1]!.map((e) => e.from)).toEqual([0, 1])
  })

  it('rejects β of the wrong length', () => {
    expect(() => derivePcDarts(a, a, Array(13).fill(0), Array(E).fill(0))).toThrow(
      /betasNormal: row 0 has 13 columns, expected 14/,
    )
  })
})

describe('derivePrDarts (§3.2)', () => {
  it('may pick two ops from one input and maps PR-DARTS names to DARTS names', () => {
    const a = zeros(E, 8)
    a[1]![PRDARTS_OPS.indexOf('dua_sepc_3x3')] = 3
    a[1]![PRDARTS_OPS.indexOf('dil_sepc_3x3')] = 2.5
    expect(derivePrDarts(a, a).normal.nodes[0]).toEqual([
      { op: 'sep_conv_3x3', from: 1 },
      { op: 'dil_conv_3x3', from: 1 },
    ])
  })

  it('ties keep edge order, then PR-DARTS column order; none is never chosen', () => {
    const g = derivePrDarts(zeros(E, 8), zeros(E, 8))
    expect(pairs(g.normal)[0]).toEqual([
      ['skip_connect', 0],
      ['sep_conv_3x3', 0],
    ])
    const noneHeavy = zeros(E, 8).map((row) => row.map((_, k) => (k === 0 ? 9 : 0)))
    expect(
      derivePrDarts(noneHeavy, noneHeavy)
        .normal.nodes.flat()
        .some((e) => e.op === 'none'),
    ).toBe(false)
  })

  it('accepts the DARTS op order too', () => {
    const a = zeros(E, 8)
    a[0]![DARTS_PRIMITIVES.indexOf('sep_conv_5x5')] = 4
    a[1]![DARTS_PRIMITIVES.indexOf('avg_pool_3x3')] = 3
    expect(derivePrDarts(a, a, { ops: DARTS_PRIMITIVES }).normal.nodes[0]).toEqual([
      { op: 'sep_conv_5x5', from: 0 },
      { op: 'avg_pool_3x3', from: 1 },
    ])
  })
})

describe('deriveFairDarts (§3.8)', () => {
  const ops: readonly string[] = FAIRDARTS_PRIMITIVES // 7 ops, no none
  const w = zeros(E, ops.length)
  const set = (row: number, op: string, v: number) => (w[row]![ops.indexOf(op)] = v)
  set(0, 'sep_conv_3x3', 0.95) // node 0: both edges pass
  set(1, 'max_pool_3x3', 0.9)
  set(3, 'skip_connect', 0.86) // node 1: top-2 = j1 (passes), j2 (0.84, fails)
  set(4, 'dil_conv_5x5', 0.84)
  set(9, 'sep_conv_5x5', 0.9) // node 3: top-2 = j0, j2; j1 passes the threshold but is ranked third
  set(10, 'dil_conv_3x3', 0.87)
  set(11, 'avg_pool_3x3', 0.88)

  it('yields nodes with 2, 1, 0 inputs; concat stays range(2, 6)', () => {
    const g = deriveFairDarts(w, w, { weights: 'normalized' })
    expect(g.normal.nodes.map((n) => n.length)).toEqual([2, 1, 0, 2])
    expect(pairs(g.normal)).toEqual([
      [
        ['sep_conv_3x3', 0],
        ['max_pool_3x3', 1],
      ],
      [['skip_connect', 1]],
      [],
      [
        ['sep_conv_5x5', 0],
        ['avg_pool_3x3', 2],
      ],
    ])
    expect(g.normal.concat).toEqual([2, 3, 4, 5])
  })

  it('keeps an op whose σ equals the threshold', () => {
    const g = deriveFairDarts(w, w, { weights: 'normalized', threshold: 0.9 })
    expect(g.normal.nodes.map((n) => n.length)).toEqual([2, 0, 0, 1])
  })

  it('applies σ to logits by default', () => {
    const logits = w.map((row) => row.map((p) => (p > 0 ? Math.log(p / (1 - p)) : -5)))
    expect(deriveFairDarts(logits, logits)).toEqual(deriveFairDarts(w, w, { weights: 'normalized' }))
    expect(deriveFairDarts(zeros(E, 7), zeros(E, 7)).normal.nodes.every((n) => n.length === 0)).toBe(true)
  })

  it('rejects a DARTS-width matrix (FairDARTS has no none column)', () => {
    expect(() => deriveFairDarts(zeros(E, 8), zeros(E, 8))).toThrow(/expected 7/)
  })
})

describe('deriveNb201', () => {
  it('takes the argmax per edge (none allowed, first index on ties)', () => {
    const a = zeros(6, 5)
    a[0]![NB201_OPS.indexOf('nor_conv_3x3')] = 1 // 1<-0
    a[1]![0] = 2 // 2<-0: none
    a[2]![3] = 1 // 2<-1
    a[3]![1] = 1 // 3<-0
    // 3<-1: all zero → none (first); 3<-2: skip and avg tie → skip
    a[5]![1] = 1
    a[5]![4] = 1
    const g = deriveNb201(a)
    expect(g.nodes.map((n) => n.map((e) => `${e.op}~${e.from}`).join('|'))).toEqual([
      'nor_conv_3x3~0',
      'none~0|nor_conv_3x3~1',
      'skip_connect~0|none~1|skip_connect~2',
    ])
  })

  it('rejects a matrix that is not 6 × 5', () => {
    expect(() => deriveNb201(zeros(14, 5))).toThrow('alphas: expected 6 rows (one per edge), got 14')
  })
})
