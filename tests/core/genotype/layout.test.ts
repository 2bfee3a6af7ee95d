import fc from 'fast-check'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { type CellGraph, cellGraph, nb201Graph } from '../../../src/core/genotype/cellGraph'
import { motifGraph } from '../../../src/core/genotype/hdartsGraph'
import { textWidth } from '../../../src/core/genotype/export/geometry'
import {
  type CellLayout,
  layoutCell,
  type LaidNode,
  loadLayoutEngine,
  mixingGraph,
  OP_COLORS,
  opColor,
} from '../../../src/core/genotype/layout'
import { type CellEdge, type CellGenotype, effectiveConcat, type Nb201Genotype } from '../../../src/core/genotype/model'
import { DARTS_GENOTYPE_OPS, DARTS_PRIMITIVES, NB201_OPS } from '../../../src/core/searchSpaces'
import { DARTS_V1, DARTS_V2, FairDARTS_a, PC_DARTS_cifar, PDARTS, PRDARTS } from '../helpers/fixtureGenotypes'

const NUM = '-?\\d+(?:\\.\\d+)?'
/** `M sx sy C …, …, x y [C …] L tx ty`: dot's Bézier spline to the arrow's base, then the arrow's tip. */
const PATH = new RegExp(`^M ${NUM} ${NUM}(?: C ${NUM} ${NUM}, ${NUM} ${NUM}, ${NUM} ${NUM})+ L ${NUM} ${NUM}$`)

beforeAll(() => loadLayoutEngine(), 60_000)

/** Start and end (arrow tip) of a laid-out path. */
function ends(path: string): { sx: number; sy: number; tx: number; ty: number } {
  expect(path).toMatch(PATH)
  const n = path.match(/-?\d+(\.\d+)?/g)!.map(Number)
  return { sx: n[0]!, sy: n[1]!, tx: n[n.length - 2]!, ty: n[n.length - 1]! }
}

interface Box {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}
const overlap = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
/** Within `tol` of the box's outline or inside it. */
const near = (b: Box, x: number, y: number, tol = 1.5): boolean =>
  x >= b.x - tol && x <= b.x + b.width + tol && y >= b.y - tol && y <= b.y + b.height + tol

/** The geometric invariants every layout must satisfy; `graph` is what was laid out. */
function checkLayout(graph: CellGraph, l: CellLayout, direction: 'LR' | 'TB' = 'LR'): void {
  expect(l.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id))
  for (const n of l.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0)
    expect(n.y).toBeGreaterThanOrEqual(0)
    expect(n.x + n.width).toBeLessThanOrEqual(l.width)
    expect(n.y + n.height).toBeLessThanOrEqual(l.height)
  }
  // No two boxes (nodes and reserved label boxes) overlap: the property the Chromium test measures on the drawn text.
  const boxes: Box[] = [...l.nodes, ...l.edges.flatMap((e) => (e.labelBox ? [e.labelBox] : []))]
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false)
  const lo = (b: LaidNode) => (direction === 'LR' ? b.x : b.y)
  const hi = (b: LaidNode) => (direction === 'LR' ? b.x + b.width : b.y + b.height)
  const inputs = l.nodes.filter((n) => n.kind === 'input')
  const others = l.nodes.filter((n) => n.kind !== 'input')
  const output = l.nodes.filter((n) => n.kind === 'output')
  for (const i of inputs) for (const o of others) expect(hi(i)).toBeLessThanOrEqual(lo(o))
  for (const o of output) for (const n of l.nodes) if (n !== o) expect(hi(n)).toBeLessThanOrEqual(lo(o))
  const byId = new Map(l.nodes.map((n) => [n.id, n]))
  for (const e of l.edges) {
    const { sx, sy, tx, ty } = ends(e.path)
    expect(near(byId.get(e.source)!, sx, sy)).toBe(true)
    expect(near(byId.get(e.target)!, tx, ty)).toBe(true)
    expect(Number.isFinite(e.labelX) && Number.isFinite(e.labelY)).toBe(true)
    if (e.kind === 'op' && e.label) {
      expect(e.labelBox).toBeDefined()
      expect(e.labelBox!.width).toBeCloseTo(textWidth(e.label, 10) + 4, 1)
    } else expect(e.labelBox).toBeUndefined()
  }
  expect(new Set(l.edges.map((e) => e.path)).size).toBe(l.edges.length) // no two edges drawn on top of each other
}

describe('layoutCell on DARTS cells', () => {
  it('lays out the published cells within bounds, without overlapping boxes, inputs left and output right', () => {
    for (const g of [DARTS_V1, DARTS_V2, PC_DARTS_cifar, PDARTS, PRDARTS, FairDARTS_a])
      for (const cell of [g.normal, g.reduce]) {
        const graph = cellGraph(cell)
        checkLayout(graph, layoutCell(graph))
        checkLayout(graph, layoutCell(graph, { direction: 'TB' }), 'TB')
      }
  })

  it('puts a node one rank right of its rightmost intermediate input', () => {
    const l = layoutCell(cellGraph(DARTS_V2.normal))
    const x = Object.fromEntries(l.nodes.map((n) => [n.id, n.x]))
    // V2 normal: nodes 0, 1, 2 read only inputs; node 3 reads node 0.
    expect(x['0']).toBe(x['1'])
    expect(x['1']).toBe(x['2'])
    expect(x['3']!).toBeGreaterThan(x['0']!)
    expect(x['c_{k}']!).toBeGreaterThan(x['3']!)
    // PR-DARTS normal is a chain 0 → 1 → 2 → 3: one rank each.
    const chain = layoutCell(cellGraph(PRDARTS.normal)).nodes.filter((n) => n.kind === 'intermediate')
    expect(chain.map((n) => n.x)).toEqual([...chain.map((n) => n.x)].sort((a, b) => a - b))
    expect(new Set(chain.map((n) => n.x)).size).toBe(4)
  })

  it('keeps c_{k-2} above c_{k-1}, as DARTS draws them', () => {
    const cell: CellGenotype = { nodes: [[{ op: 'sep_conv_3x3', from: 1 }], [{ op: 'max_pool_3x3', from: 0 }]], concat: [2, 3] }
    const y = Object.fromEntries(layoutCell(cellGraph(cell)).nodes.map((n) => [n.id, n.y]))
    expect(y['c_{k-2}']!).toBeLessThan(y['c_{k-1}']!)
  })

  it('honours size options, grows nodes to fit their names, and carries op names', () => {
    const l = layoutCell(cellGraph(DARTS_V2.normal), { nodeWidth: 50, nodeHeight: 20, rankSep: 40, nodeSep: 6 })
    expect(l.nodes.filter((n) => n.kind === 'intermediate').every((n) => n.width === 50 && n.height === 20)).toBe(true)
    // 'c_{k-2}' at 12 px is wider than 50 − padding.
    expect(l.nodes.find((n) => n.id === 'c_{k-2}')!.width).toBeGreaterThan(50)
    checkLayout(cellGraph(DARTS_V2.normal), l)
    expect(l.edges.find((e) => e.id === '0->3#1')).toMatchObject({ kind: 'op', op: 'dil_conv_3x3', label: 'dil_conv_3x3' })
    expect(l.edges.filter((e) => e.kind === 'concat').every((e) => e.op === undefined && e.label === '')).toBe(true)
    checkLayout(cellGraph(DARTS_V2.normal), layoutCell(cellGraph(DARTS_V2.normal), { nodeWidth: -5, rankSep: NaN }))
  })

  it('reserves boxes for custom label text, and none at label size 0', () => {
    const graph = cellGraph(DARTS_V2.normal)
    const diff = layoutCell(graph, { edgeLabel: (e) => `${e.op} → max_pool_3x3` })
    const w = diff.edges.find((e) => e.kind === 'op')!.labelBox!.width
    expect(w).toBeGreaterThan(layoutCell(graph).edges.find((e) => e.kind === 'op')!.labelBox!.width)
    expect(layoutCell(graph, { labelSize: 0 }).edges.every((e) => e.labelBox === undefined && e.label === '')).toBe(true)
  })

  it('fans out two ops from the same input', () => {
    const cell: CellGenotype = {
      nodes: [
        [
          { op: 'sep_conv_3x3', from: 1 },
          { op: 'dil_conv_3x3', from: 1 },
        ],
      ],
      concat: [2],
    }
    checkLayout(cellGraph(cell), layoutCell(cellGraph(cell)))
  })

  it('refuses to lay out before the engine is loaded (a programming error), with a clear message', async () => {
    vi.resetModules()
    const fresh = await import('../../../src/core/genotype/dot')
    expect(fresh.layoutEngineReady()).toBe(false)
    expect(() => fresh.runDot('digraph {}')).toThrow(/await loadLayoutEngine\(\)/)
  })
})

describe('layoutCell on NB201 cells', () => {
  it('puts node 0 on the left and node 3 on the right', () => {
    const g: Nb201Genotype = {
      kind: 'nb201',
      nodes: [
        [{ op: 'nor_conv_3x3', from: 0 }],
        [
          { op: 'none', from: 0 },
          { op: 'nor_conv_3x3', from: 1 },
        ],
        [
          { op: 'skip_connect', from: 0 },
          { op: 'none', from: 1 },
          { op: 'skip_connect', from: 2 },
        ],
      ],
    }
    for (const graph of [nb201Graph(g), nb201Graph(g, { dropNone: true })]) {
      const l = layoutCell(graph)
      checkLayout(graph, l)
      const x = l.nodes.map((n) => n.x)
      expect(x[0]).toBe(Math.min(...x))
      expect(x[3]).toBe(Math.max(...x))
      expect(x[3]).toBeGreaterThan(x[2]!)
    }
  })
})

describe('layoutCell on HDARTS motifs', () => {
  it('lays out a motif with its residual edge x → y', () => {
    const graph = motifGraph({
      nodes: [
        [{ op: 'sep_conv_3x3', from: 0 }],
        [
          { op: 'identity', from: 0 },
          { op: 'dil_conv_3x3', from: 1 },
        ],
      ],
    })
    const l = layoutCell(graph)
    checkLayout(graph, l)
    expect(l.edges.find((e) => e.op === 'residual')!.label).toBe('residual')
    expect(opColor('residual')).toBe(OP_COLORS['residual'])
  })
})

describe('mixingGraph', () => {
  const alpha = Array.from({ length: 14 }, (_, r) => Array.from({ length: 8 }, (_, c) => Math.sin(r * 8 + c)))

  it('has one edge per (row, op) without none, plus the concat edges', () => {
    const g = mixingGraph(alpha, DARTS_PRIMITIVES)
    const ops = g.edges.filter((e) => e.kind === 'op')
    expect(ops).toHaveLength(14 * 7)
    expect(g.edges.filter((e) => e.kind === 'concat')).toHaveLength(4)
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length)
    expect(ops.some((e) => e.op === 'none')).toBe(false)
    expect(ops[0]).toMatchObject({ id: 'c_{k-2}->0#max_pool_3x3', source: 'c_{k-2}', target: '0' })
    // Softmax over all 8 ops, so the 7 kept weights of a row sum to 1 − w(none).
    const row0 = ops.filter((e) => e.source === 'c_{k-2}' && e.target === '0').map((e) => g.weights[e.id]!)
    const e0 = alpha[0]!.map(Math.exp)
    expect(row0.reduce((a, b) => a + b, 0)).toBeCloseTo(1 - e0[0]! / e0.reduce((a, b) => a + b, 0), 12)
    expect(mixingGraph(alpha, DARTS_PRIMITIVES, { dropNone: false }).edges.filter((e) => e.kind === 'op')).toHaveLength(14 * 8)
  })

  it('filters by minWeight and accepts normalized weights', () => {
    const w = alpha.map((row) => row.map((_, c) => (c === 4 ? 0.65 : 0.05)))
    const g = mixingGraph(w, DARTS_PRIMITIVES, { minWeight: 0.5, weights: 'normalized' })
    expect(g.edges.filter((e) => e.kind === 'op').map((e) => e.op)).toEqual(Array(14).fill('sep_conv_3x3'))
    expect(mixingGraph(alpha.slice(0, 5), DARTS_PRIMITIVES).nodes.filter((n) => n.kind === 'intermediate')).toHaveLength(2)
    expect(() => mixingGraph(alpha.slice(0, 6), DARTS_PRIMITIVES)).toThrow(/fit no DARTS cell/)
    expect(() => mixingGraph(alpha, DARTS_PRIMITIVES.slice(1))).toThrow(/columns/)
  })

  it('lays out parallel edges on distinct paths, with weights', () => {
    const g = mixingGraph(alpha, DARTS_PRIMITIVES)
    const l = layoutCell(g)
    checkLayout(g, l)
    const parallel = l.edges.filter((e) => e.source === 'c_{k-1}' && e.target === '2')
    expect(parallel).toHaveLength(7)
    expect(new Set(parallel.map((e) => e.path)).size).toBe(7)
    expect(new Set(parallel.map((e) => `${e.labelX},${e.labelY}`)).size).toBe(7)
    // Without labels (the weighted view) the same graph lays out with no label boxes.
    checkLayout(g, layoutCell(g, { labelSize: 0 }))
    expect(parallel.every((e) => e.weight === g.weights[e.id])).toBe(true)
  })
})

describe('op colours', () => {
  it('covers every DARTS and NB201 op plus residual and concat, as hex colours', () => {
    for (const op of [...DARTS_GENOTYPE_OPS, ...NB201_OPS, 'residual', 'concat']) expect(OP_COLORS[op]).toMatch(/^#[0-9A-F]{6}$/)
    expect(opColor('sep_conv_3x3')).toBe(OP_COLORS['sep_conv_3x3'])
    expect(opColor('my_op')).toMatch(/^#[0-9A-F]{6}$/)
    expect(opColor('my_op')).toBe(opColor('my_op'))
    expect(opColor('motif_0')).not.toBe(opColor('motif_1'))
  })
})

// Random valid DARTS-space cells: 1..6 steps, pair cells or FairDARTS-style 0..4 inputs per node.
const edge = (maxFrom: number): fc.Arbitrary<CellEdge> =>
  fc.record({ op: fc.constantFrom(...DARTS_GENOTYPE_OPS), from: fc.integer({ min: 0, max: maxFrom }) })
const cell: fc.Arbitrary<CellGenotype> = fc
  .record({ steps: fc.integer({ min: 1, max: 6 }), variable: fc.boolean() })
  .chain(({ steps, variable }) =>
    fc
      .tuple(
        fc.tuple(
          ...Array.from({ length: steps }, (_, i) =>
            fc.array(edge(i + 1), variable ? { minLength: 0, maxLength: 4 } : { minLength: 2, maxLength: 2 }),
          ),
        ),
        fc.shuffledSubarray(
          Array.from({ length: steps + 2 }, (_, s) => s),
          { minLength: 1 },
        ),
      )
      .map(([nodes, concat]) => ({ nodes, concat })),
  )
  .filter((c) => effectiveConcat(c).length > 0)

// Random NB201 cells: node i reads each of 0..i−1 once, with any op.
const nb201Genotype: fc.Arbitrary<Nb201Genotype> = fc
  .tuple(...[1, 2, 3].map((i) => fc.array(fc.constantFrom(...NB201_OPS), { minLength: i, maxLength: i })))
  .map((nodes) => ({ kind: 'nb201' as const, nodes: nodes.map((ops) => ops.map((op, from) => ({ op, from }))) }))

describe('layoutCell (property)', () => {
  it('never overlaps nodes for random NB201 cells, with or without none edges', () => {
    fc.assert(
      fc.property(nb201Genotype, fc.boolean(), (g, dropNone) => {
        const graph = nb201Graph(g, { dropNone })
        checkLayout(graph, layoutCell(graph))
      }),
    )
  })

  it('never overlaps nodes and keeps every edge attached, for random valid cells', () => {
    fc.assert(
      fc.property(cell, (c) => {
        const graph = cellGraph(c)
        checkLayout(graph, layoutCell(graph))
      }),
      { numRuns: 200 },
    )
  })
})
