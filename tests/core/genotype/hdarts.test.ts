// The HDARTS motif genotype: derivation at both levels on hand-made α, dense vs top-k, `zero` excluded,
// the text and JSON forms (round trips, auto-detection, one-line errors with positions), exact parameter
// counts against hand sums, skip edges and the figure model.
import { describe, expect, it } from 'vitest'
import {
  countSkipEdges,
  type HdartsGenotype,
  isIdentityMotif,
  motifEdgeIndex,
  motifEdges,
  validateHdarts,
} from '../../../src/core/genotype/hdarts'
import { deriveHdarts, type HCellAlphas } from '../../../src/core/genotype/hdartsDerive'
import { hdartsFigure, RESIDUAL_OP } from '../../../src/core/genotype/hdartsGraph'
import { countHdartsSupernet, hdartsEvalCost, motifCost } from '../../../src/core/genotype/hdartsParams'
import { HGENOTYPE_JSON_SCHEMA, toHdartsJson, toHdartsText } from '../../../src/core/genotype/hdartsText'
import { GenotypeError } from '../../../src/core/genotype/model'
import { detectFormat, parseAnyGenotypes, parseGenotypes } from '../../../src/core/genotype/parse/index'
import { dartsEdgeCount, HDARTS_LEVEL0_OPS } from '../../../src/core/searchSpaces'

const OPS = HDARTS_LEVEL0_OPS
const col = (op: string) => OPS.indexOf(op as (typeof OPS)[number])
const zeros = (rows: number, cols: number): number[][] => Array.from({ length: rows }, () => Array<number>(cols).fill(0))
const nodeStart = (i: number) => (i * (i + 3)) / 2

/** Level-0 α of a 3-node motif choosing `ops` on edges 0→1, 0→2, 1→2 (logit 2 on the chosen column). */
function motifAlphas(ops: [string, string, string]): number[][] {
  const a = zeros(3, OPS.length)
  ops.forEach((op, e) => (a[e]![col(op)] = 2))
  return a
}

const STEPS = 4
const E = dartsEdgeCount(STEPS)

/** A cell-level α where edge j → i prefers `choice(i, j)` with strength `strength(i, j)`. */
function cellAlphas(
  choice: (i: number, j: number) => number,
  strength: (i: number, j: number) => number,
  motifs = 2,
): number[][] {
  const a = zeros(E, motifs)
  for (let i = 0; i < STEPS; i++) for (let j = 0; j < i + 2; j++) a[nodeStart(i) + j]![choice(i, j)] = strength(i, j)
  return a
}

const normalAlphas: HCellAlphas = {
  motifs: [motifAlphas(['sep_conv_3x3', 'identity', 'max_pool_3x3']), motifAlphas(['dil_conv_5x5', 'conv_7x1_1x7', 'identity'])],
  cell: cellAlphas(
    (i, j) => (i + j) % 2,
    (i, j) => 1 + ((3 * i + j) % 5),
  ),
}
const reduceAlphas: HCellAlphas = {
  motifs: [motifAlphas(['avg_pool_3x3', 'sep_conv_7x7', 'sep_conv_5x5']), motifAlphas(['identity', 'identity', 'identity'])],
  cell: cellAlphas(
    () => 1,
    (_, j) => j + 1,
  ),
}
const opts = { motifNodes: 3, steps: STEPS, multiplier: 4 }

describe('deriveHdarts', () => {
  it('level 0: argmax primitive per motif edge, edges by target node', () => {
    expect(motifEdges(3)).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ])
    expect(motifEdgeIndex(1, 2)).toBe(2)
    const g = deriveHdarts(normalAlphas, reduceAlphas, opts)
    expect(g.normal.motifs[0]!.nodes).toEqual([
      [{ op: 'sep_conv_3x3', from: 0 }],
      [
        { op: 'identity', from: 0 },
        { op: 'max_pool_3x3', from: 1 },
      ],
    ])
    expect(g.normal.motifs[1]!.nodes.flat().map((e) => e.op)).toEqual(['dil_conv_5x5', 'conv_7x1_1x7', 'identity'])
    expect(g.reduce.motifs[1]!.nodes.flat().every((e) => e.op === 'identity')).toBe(true)
  })

  it("level 0 excludes 'zero': a zero-dominated edge takes its best other primitive", () => {
    const a = motifAlphas(['sep_conv_3x3', 'identity', 'max_pool_3x3'])
    a[1]![col('zero')] = 9
    a[1]![col('avg_pool_3x3')] = 1 // identity (2) still beats it; zero (9) is never chosen
    a[2]![col('zero')] = 9
    a[2]![col('max_pool_3x3')] = 0 // all equal but zero: the first column (avg_pool_3x3) wins
    const g = deriveHdarts({ ...normalAlphas, motifs: [a, a] }, reduceAlphas, opts)
    expect(g.normal.motifs[0]!.nodes.flat().map((e) => e.op)).toEqual(['sep_conv_3x3', 'identity', 'avg_pool_3x3'])
    const ops = [...OPS]
    expect(() => deriveHdarts(normalAlphas, reduceAlphas, { ...opts, ops, exclude: ops })).toThrow(/every level-0 op is excluded/)
  })

  it("'dense' keeps every cell edge with its argmax motif (14 edges), as the original code", () => {
    const g = deriveHdarts(normalAlphas, reduceAlphas, { ...opts, mode: 'dense' })
    expect(g.normal.nodes.map((n) => n.length)).toEqual([2, 3, 4, 5])
    expect(g.normal.nodes.flat()).toHaveLength(14)
    g.normal.nodes.forEach((inputs, i) => inputs.forEach((e, j) => expect(e).toEqual({ motif: (i + j) % 2, from: j })))
    expect(g.normal.concat).toEqual([2, 3, 4, 5])
  })

  it("'topk' keeps the 2 strongest inputs per node by best softmax(α¹), strongest first, ties to the lower input", () => {
    const g = deriveHdarts(normalAlphas, reduceAlphas, { ...opts, mode: 'topk' })
    expect(g.normal.nodes.flat()).toHaveLength(8)
    g.normal.nodes.forEach((inputs, i) => {
      const strengths = Array.from({ length: i + 2 }, (_, j) => 1 + ((3 * i + j) % 5))
      const order = strengths.map((_, j) => j).sort((a, b) => strengths[b]! - strengths[a]!)
      expect(inputs.map((e) => e.from)).toEqual(order.slice(0, 2))
      for (const e of inputs) expect(e.motif).toBe((i + e.from) % 2)
    })
    // Reduce: strength grows with j, so each node keeps its two latest inputs, the latest first.
    expect(g.reduce.nodes.map((n) => n.map((e) => e.from))).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
    ])
    // All-zero α: equal strengths keep inputs 0 and 1, motif_0 (first index) everywhere.
    const flat = deriveHdarts(
      { motifs: [zeros(3, 10), zeros(3, 10)], cell: zeros(E, 2) },
      { motifs: [zeros(3, 10), zeros(3, 10)], cell: zeros(E, 2) },
      { ...opts, mode: 'topk' },
    )
    expect(flat.normal.nodes.every((n) => n.map((e) => `${e.motif}@${e.from}`).join() === '0@0,0@1')).toBe(true)
    expect(flat.normal.motifs[0]!.nodes.flat().every((e) => e.op === 'avg_pool_3x3')).toBe(true)
  })

  it('rejects matrices of the wrong shape with the matrix named', () => {
    expect(() => deriveHdarts({ ...normalAlphas, cell: zeros(13, 2) }, reduceAlphas, opts)).toThrow(
      /normal\.cell: expected 14 rows/,
    )
    expect(() => deriveHdarts(normalAlphas, { ...reduceAlphas, motifs: [zeros(3, 9)] }, opts)).toThrow(
      /reduce\.motif0: row 0 has 9 columns/,
    )
  })
})

const G: HdartsGenotype = deriveHdarts(normalAlphas, reduceAlphas, { ...opts, mode: 'topk' })

describe('text and JSON forms', () => {
  it('the HGenotype text round-trips through the auto-detecting parser', () => {
    const text = toHdartsText(G)
    expect(text).toMatch(
      /^HGenotype\(normal_motifs=\[\[\[\('sep_conv_3x3', 0\)\], \[\('identity', 0\), \('max_pool_3x3', 1\)\]\], /,
    )
    expect(text).toContain('normal_concat=range(2, 6), reduce_motifs=[')
    expect(detectFormat(text)).toBe('hdarts')
    const [parsed, ...rest] = parseAnyGenotypes(text)
    expect(rest).toHaveLength(0)
    expect(parsed!.format).toBe('hdarts')
    expect(parsed!.genotype).toEqual(G)
    expect(toHdartsText(parsed!.genotype as HdartsGenotype)).toBe(text)
  })

  it('text → JSON → text is the identity; JSON is versioned and auto-detected', () => {
    const json = toHdartsJson([{ name: 'H1', aliases: ['best'], genotype: G, format: 'hdarts' }])
    const doc = JSON.parse(json) as { schema: string; version: number; genotypes: { name: string }[] }
    expect([doc.schema, doc.version, doc.genotypes[0]!.name]).toEqual([HGENOTYPE_JSON_SCHEMA, 1, 'H1'])
    expect(detectFormat(json)).toBe('hdarts')
    const [back] = parseAnyGenotypes(json)
    expect(back).toMatchObject({ name: 'H1', aliases: ['best'], format: 'json' })
    expect(toHdartsText(back!.genotype as HdartsGenotype)).toBe(toHdartsText(G))
  })

  it('names, several genotypes, comments, whitespace and positional arguments', () => {
    const t = toHdartsText(G)
    const text = `# search log\nA = ${t}\n\nB = HGenotype(\n  ${t.slice('HGenotype('.length, -1).replace(/, normal=/, ',\n  normal=')}\n)  # done\n`
    const list = parseAnyGenotypes(text)
    expect(list.map((g) => [g.name, g.line])).toEqual([
      ['A', 2],
      ['B', 4],
    ])
    expect(list[1]!.genotype).toEqual(G)
    const positional = t.replace(/\b(normal_motifs|normal|normal_concat|reduce_motifs|reduce|reduce_concat)=/g, '')
    expect(parseAnyGenotypes(positional)[0]!.genotype).toEqual(G)
  })

  it('DARTS text still parses; parseGenotypes refuses HDARTS text in one line', () => {
    const darts =
      "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)], normal_concat=[2], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=[2])"
    expect(parseAnyGenotypes(darts)[0]!.genotype.kind).toBe('darts')
    expect(() => parseGenotypes(toHdartsText(G))).toThrow(
      /^this is an HDARTS motif genotype \(HGenotype\), not a DARTS-space or NAS-Bench-201 cell$/,
    )
  })
})

/** Expects a one-line GenotypeError at `line:column`. */
function fails(text: string, message: RegExp, at?: string) {
  let caught: unknown
  try {
    parseAnyGenotypes(text)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(GenotypeError)
  const err = caught as GenotypeError
  expect(err.message).toMatch(message)
  expect(err.message).not.toContain('\n')
  if (at) expect(`${err.line}:${err.column}`).toBe(at)
}

describe('bad input: one clear line with its position', () => {
  const t = toHdartsText(G)
  const colOf = (s: string, needle: string) => `1:${s.indexOf(needle) + 1}`

  it('unknown primitive, out-of-range inputs, unknown motifs', () => {
    const a = t.replace("'max_pool_3x3', 1", "'max_pool_9x9', 1")
    fails(a, /unknown primitive "max_pool_9x9" in normal motif_0; valid: avg_pool_3x3/, colOf(a, "'max_pool_9x9'"))
    const b = t.replace("[('identity', 0), ('max_pool_3x3', 1)]", "[('identity', 0), ('max_pool_3x3', 2)]")
    const at = `1:${b.indexOf("('max_pool_3x3', 2)") + "('max_pool_3x3', ".length + 1}`
    fails(b, /normal motif_0 node 2: input 2 is out of range \(this node may only take 0..1\)/, at)
    const c = t.replace("normal=[[('motif_1'", "normal=[[('motif_7'")
    fails(c, /motif_7 does not exist \(normal_motifs has 2\)/, colOf(c, "'motif_7'"))
    const d = t.replace("normal=[[('motif_1'", "normal=[[('sep_conv_3x3'")
    fails(d, /expected a motif name such as 'motif_0' in normal, got "sep_conv_3x3"/, colOf(d, "'sep_conv_3x3', 1)"))
  })

  it('duplicate inputs, missing or unknown arguments, bad concat, Python expressions', () => {
    const a = t.replace("normal=[[('motif_", "normal=[[('motif_0', 1), ('motif_")
    fails(a, /normal cell node 2: input 1 appears twice/)
    fails(t.replace(/, reduce_concat=range\(2, 6\)/, ''), /HGenotype\(\.\.\.\) is missing the reduce_concat argument/, '1:1')
    fails(t.replace('reduce_concat=', 'reduce_cat='), /unknown keyword argument "reduce_cat"/)
    fails(
      t.replace('normal_concat=range(2, 6)', 'normal_concat=[2, 9]'),
      /normal_concat names state 9, but the cell only has states 0..5/,
    )
    fails(t.replace("[('sep_conv_3x3', 0)]", "[('sep_conv_3x3', 0)] * 2"), /Python expressions are not supported: multiplication/)
    fails('HGenotype(normal_motifs=[', /'\[' was never closed/, '1:25')
  })

  it('JSON: syntax errors with a position, schema and version errors with the path', () => {
    const json = toHdartsJson([{ name: 'H1', aliases: [], genotype: G, format: 'hdarts' }])
    const bad = json.replace('"concat": [', '"concat": [,')
    const at = bad.slice(0, bad.indexOf('[,') + 1).split('\n')
    fails(bad, /^invalid JSON: expected a value, found ","$/, `${at.length}:${at.at(-1)!.length + 1}`)
    fails(json.slice(0, -3), /^invalid JSON: expected ',' or '}', found end of input$/)
    fails(json.replace('"version": 1', '"version": 2'), /unsupported hdarts\.hgenotype version 2/)
    fails(json.replace('"motif": 0', '"motif": "0"'), /genotypes\[0\]\.normal\.nodes\[\d\]\[\d\]\.motif/)
    fails(json.replace('"op": "sep_conv_3x3"', '"op": "conv_9x9"'), /genotypes\[0\] \(H1\): unknown primitive "conv_9x9"/)
  })
})

describe('parameter counts of the derived evaluation network', () => {
  // normal: motif_0 = sep_conv_3x3 | identity + max_pool; motif_1 = identity-only. reduce: motif_0 =
  // dil_conv_3x3 | sep_conv_5x5 + avg_pool; motif_1 = conv_7x1_1x7 | sep_conv_7x7 (from 1) + max_pool.
  const H: HdartsGenotype = {
    kind: 'hdarts',
    normal: {
      motifs: [
        {
          nodes: [
            [{ op: 'sep_conv_3x3', from: 0 }],
            [
              { op: 'identity', from: 0 },
              { op: 'max_pool_3x3', from: 1 },
            ],
          ],
        },
        {
          nodes: [
            [{ op: 'identity', from: 0 }],
            [
              { op: 'identity', from: 0 },
              { op: 'identity', from: 1 },
            ],
          ],
        },
      ],
      nodes: [
        [
          { motif: 0, from: 0 },
          { motif: 1, from: 1 },
        ],
        [
          { motif: 0, from: 2 },
          { motif: 0, from: 0 },
        ],
        [
          { motif: 1, from: 1 },
          { motif: 0, from: 3 },
        ],
        [
          { motif: 0, from: 4 },
          { motif: 0, from: 0 },
        ],
      ],
      concat: [2, 3, 4, 5],
    },
    reduce: {
      motifs: [
        {
          nodes: [
            [{ op: 'dil_conv_3x3', from: 0 }],
            [
              { op: 'sep_conv_5x5', from: 0 },
              { op: 'avg_pool_3x3', from: 1 },
            ],
          ],
        },
        {
          nodes: [
            [{ op: 'conv_7x1_1x7', from: 0 }],
            [
              { op: 'sep_conv_7x7', from: 1 },
              { op: 'max_pool_3x3', from: 0 },
            ],
          ],
        },
      ],
      nodes: [
        [
          { motif: 1, from: 0 },
          { motif: 0, from: 1 },
        ],
        [
          { motif: 0, from: 0 },
          { motif: 1, from: 2 },
        ],
        [
          { motif: 0, from: 3 },
          { motif: 1, from: 1 },
        ],
        [
          { motif: 0, from: 4 },
          { motif: 1, from: 0 },
        ],
      ],
      concat: [2, 3, 4, 5],
    },
  }

  it('one motif: its chosen primitives (affine), plus the residual FactorizedReduce on strided edges', () => {
    validateHdarts(H)
    const C = 16
    // sep_conv_3x3: 2(9C + C² + 2C); identity and pool: 0.
    expect(motifCost(H.normal.motifs[0]!, C, 1, 32).params).toBe(864)
    // Stride 2: dil_conv_3x3 9C + C² + 2C, sep_conv_5x5 2(25C + C² + 2C), avg_pool 0, residual C² + 2C.
    expect(motifCost(H.reduce.motifs[0]!, C, 2, 32)).toMatchObject({ params: 432 + 1376 + 288, size: 16 })
    // An identity-only motif costs nothing at stride 1; at stride 2 both identities from node 0 and the residual reduce.
    expect(motifCost(H.normal.motifs[1]!, C, 1, 32).params).toBe(0)
    expect(motifCost(H.normal.motifs[1]!, C, 2, 32).params).toBe(3 * (C * C + 2 * C))
  })

  it('the whole network, cell by cell (C=16, 3 cells: reductions at 1 and 2, CIFAR input)', () => {
    const cost = hdartsEvalCost(H, { channels: 16, layers: 3, classes: 10 })
    const byName = Object.fromEntries(cost.parts.map((p) => [p.name, p.params]))
    // stem 3·48·9 + 2·48; cell 0 (C=16): two 1×1 preprocess (48·16 + 32 each) and six motif_0 copies.
    expect(byName.stem).toBe(1392)
    expect(byName['cell 0']).toBe(2 * 800 + 6 * 864)
    // cell 1 (C=32, stride 2 from inputs 0 and 1): motif_1 at stride 2 (14·32² + 64 + 2(49·32 + 32² + 64) + 32² + 64)
    // three times, motif_0 at stride 2 twice (6240), motif_1 at stride 1 once, motif_0 at stride 1 twice (5152).
    expect(byName['cell 1']).toBe(1600 + 2112 + 3 * 20800 + 2 * 6240 + 19712 + 2 * 5152)
    // cell 2 (C=64) follows a reduction: preprocess0 is a FactorizedReduce (64·64 + 128).
    expect(byName['cell 2']).toBe(4224 + 8320 + 3 * 76416 + 2 * 20672 + 72192 + 2 * 16448)
    expect(byName.classifier).toBe(256 * 10 + 10)
    expect(cost.params).toBe(507578)
    expect(cost.parts.at(-2)).toMatchObject({ channels: 256, size: 8 })
    expect(cost.flops).toBeGreaterThan(0)
  })

  it('the search supernet: every primitive once per (cell, source state) and motif node, plus residual reduces', () => {
    // Per primitive set (affine=False): 200C + 22C², plus C² for the strided identity (FactorizedReduce).
    // Tiny: C=2, 3 cells (C 2/4/8), 2 steps, 1-channel 8×8 input, 4 classes → 66 + 2952 + 7016 + 18400 + 68.
    const tiny = { channels: 2, layers: 3, classes: 4, steps: 2, multiplier: 2, inputSize: 8, inputChannels: 1 }
    expect(countHdartsSupernet(tiny)).toEqual({ weights: 28502, alphas: 2 * (2 * 3 * 10 + 5 * 2) })
  })
})

describe('skips and the figure model', () => {
  it('skip edges: kept cell edges whose motif is identity-only', () => {
    expect(isIdentityMotif(G.reduce.motifs[1]!)).toBe(true)
    expect(isIdentityMotif(G.normal.motifs[0]!)).toBe(false)
    expect(countSkipEdges(G.reduce)).toBe(8) // every reduce edge chose motif_1
    expect(countSkipEdges(G.normal)).toBe(0)
  })

  it('cells as graphs with motif-named edges; one graph per motif with its residual', () => {
    const fig = hdartsFigure(G)
    const opEdges = fig.normal.cell.edges.filter((e) => e.kind === 'op')
    expect(opEdges).toHaveLength(8)
    expect(new Set(opEdges.map((e) => e.op))).toEqual(new Set(G.normal.nodes.flat().map((e) => `motif_${e.motif}`)))
    expect(fig.normal.cell.edges.filter((e) => e.kind === 'concat')).toHaveLength(4)
    expect(fig.reduce.used).toEqual([false, true])
    const m0 = fig.normal.motifs[0]!
    expect(m0.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['x', 'input'],
      ['1', 'intermediate'],
      ['y', 'output'],
    ])
    expect(m0.edges.map((e) => `${e.source}->${e.target}:${e.op}`)).toEqual([
      'x->1:sep_conv_3x3',
      'x->y:identity',
      '1->y:max_pool_3x3',
      `x->y:${RESIDUAL_OP}`,
    ])
  })
})
