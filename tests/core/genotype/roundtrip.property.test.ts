import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toJson } from '../../../src/core/genotype/json'
import {
  type CellEdge,
  type CellGenotype,
  type DartsGenotype,
  effectiveConcat,
  type Genotype,
  genotypesEqual,
  isPairCell,
  type Nb201Genotype,
} from '../../../src/core/genotype/model'
import { parseGenotypes } from '../../../src/core/genotype/parse/index'
import { toDartsAssignment, toDartsText, toNb201String } from '../../../src/core/genotype/serialize'
import { DARTS_GENOTYPE_OPS, NB201_OPS } from '../../../src/core/searchSpaces'

const edge = (maxFrom: number): fc.Arbitrary<CellEdge> =>
  fc.record({ op: fc.constantFrom(...DARTS_GENOTYPE_OPS), from: fc.integer({ min: 0, max: maxFrom }) })

/**
 * A DARTS-space cell: 1..6 steps, either two inputs per node (DARTS) or 0..4 (FairDARTS; the last
 * node keeps at least one, since the triple form cannot express a trailing empty node), and a
 * shuffled non-empty concat that names at least one state with inputs.
 */
const cell: fc.Arbitrary<CellGenotype> = fc
  .record({ steps: fc.integer({ min: 1, max: 6 }), variable: fc.boolean() })
  .chain(({ steps, variable }) =>
    fc
      .tuple(
        fc.tuple(
          ...Array.from({ length: steps }, (_, i) =>
            fc.array(
              edge(i + 1),
              variable ? { minLength: i === steps - 1 ? 1 : 0, maxLength: 4 } : { minLength: 2, maxLength: 2 },
            ),
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

const dartsGenotype: fc.Arbitrary<DartsGenotype> = fc.record({ kind: fc.constant('darts' as const), normal: cell, reduce: cell })

const nb201Genotype: fc.Arbitrary<Nb201Genotype> = fc
  .tuple(
    ...[1, 2, 3].map((i) =>
      fc
        .tuple(
          fc.shuffledSubarray(
            Array.from({ length: i }, (_, j) => j),
            { minLength: i, maxLength: i },
          ),
          fc.array(fc.constantFrom(...NB201_OPS), { minLength: i, maxLength: i }),
        )
        .map(([froms, ops]) => froms.map((from, k) => ({ op: ops[k]!, from }))),
    ),
  )
  .map((nodes) => ({ kind: 'nb201' as const, nodes }))

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/)

const only = (text: string) => {
  const list = parseGenotypes(text)
  expect(list).toHaveLength(1)
  return list[0]!
}
const viaJson = (g: Genotype, n: string) => only(toJson([{ name: n, aliases: [], genotype: g, format: 'json' }]))

describe('genotype round trips (property)', () => {
  it('DARTS genotypes survive DARTS text and JSON unchanged', () => {
    fc.assert(
      fc.property(dartsGenotype, name, (g, n) => {
        const text = only(toDartsText(g))
        expect(genotypesEqual(text.genotype, g)).toBe(true)
        expect(text.genotype).toEqual(g) // stronger: node order and concat order survive too
        expect(text.format).toBe(isPairCell(g.normal) && isPairCell(g.reduce) ? 'darts' : 'fairdarts')
        const assigned = only(`# log\n06/25 03:00:02 PM ${toDartsAssignment(n, g)}\n`)
        expect(assigned).toMatchObject({ name: n, line: 2 })
        expect(assigned.genotype).toEqual(g)
        const json = viaJson(text.genotype, n)
        expect(json).toMatchObject({ name: n, format: 'json' })
        expect(json.genotype).toEqual(g)
      }),
      { numRuns: 300 },
    )
  })

  it('NAS-Bench-201 genotypes survive the arch string and JSON unchanged', () => {
    fc.assert(
      fc.property(nb201Genotype, name, (g, n) => {
        const str = toNb201String(g)
        const parsed = only(`${n}: ${str}\n`)
        expect(parsed).toMatchObject({ name: n, format: 'nb201' })
        expect(parsed.genotype).toEqual(g)
        expect(genotypesEqual(parsed.genotype, g)).toBe(true)
        expect(viaJson(parsed.genotype, n).genotype).toEqual(g)
      }),
      { numRuns: 200 },
    )
  })
})
