/**
 * Published genotypes as literal objects (the fixtures in tests/fixtures/genotypes/*.py, typed in by hand
 * so these tests do not depend on the text parser).
 */
import { type CellGenotype, cellFromPairs, type DartsGenotype } from '../../../src/core/genotype/model'

type Pair = readonly [op: string, from: number]
/** FairDARTS's `(op, to_node, from_node)`. */
type Triple = readonly [op: string, to: number, from: number]

const range26 = [2, 3, 4, 5]

const darts = (
  normal: readonly Pair[],
  reduce: readonly Pair[],
  normalConcat = range26,
  reduceConcat = range26,
): DartsGenotype => ({
  kind: 'darts',
  normal: cellFromPairs(normal, normalConcat),
  reduce: cellFromPairs(reduce, reduceConcat),
})

/** Groups triples by target node, as DCOCell does; nodes without triples get no inputs. */
export function cellFromTriples(triples: readonly Triple[], steps = 4, concat = range26): CellGenotype {
  const nodes = Array.from({ length: steps }, (_, i) =>
    triples.filter(([, to]) => to === i + 2).map(([op, , from]) => ({ op, from })),
  )
  return { nodes, concat: [...concat] }
}

export const DARTS_V1 = darts(
  [
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 0],
    ['skip_connect', 0],
    ['sep_conv_3x3', 1],
    ['skip_connect', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 0],
    ['skip_connect', 2],
  ],
  [
    ['max_pool_3x3', 0],
    ['max_pool_3x3', 1],
    ['skip_connect', 2],
    ['max_pool_3x3', 0],
    ['max_pool_3x3', 0],
    ['skip_connect', 2],
    ['skip_connect', 2],
    ['avg_pool_3x3', 0],
  ],
)

export const DARTS_V2 = darts(
  [
    ['sep_conv_3x3', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 1],
    ['skip_connect', 0],
    ['skip_connect', 0],
    ['dil_conv_3x3', 2],
  ],
  [
    ['max_pool_3x3', 0],
    ['max_pool_3x3', 1],
    ['skip_connect', 2],
    ['max_pool_3x3', 1],
    ['max_pool_3x3', 0],
    ['skip_connect', 2],
    ['skip_connect', 2],
    ['max_pool_3x3', 1],
  ],
)

export const PC_DARTS_cifar = darts(
  [
    ['sep_conv_3x3', 1],
    ['skip_connect', 0],
    ['sep_conv_3x3', 0],
    ['dil_conv_3x3', 1],
    ['sep_conv_5x5', 0],
    ['sep_conv_3x3', 1],
    ['avg_pool_3x3', 0],
    ['dil_conv_3x3', 1],
  ],
  [
    ['sep_conv_5x5', 1],
    ['max_pool_3x3', 0],
    ['sep_conv_5x5', 1],
    ['sep_conv_5x5', 2],
    ['sep_conv_3x3', 0],
    ['sep_conv_3x3', 3],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 2],
  ],
)

/** Searched on ImageNet; only used for the ImageNet FLOPs cross-check. */
export const PC_DARTS_image = darts(
  [
    ['skip_connect', 1],
    ['sep_conv_3x3', 0],
    ['sep_conv_3x3', 0],
    ['skip_connect', 1],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 3],
    ['sep_conv_3x3', 1],
    ['dil_conv_5x5', 4],
  ],
  [
    ['sep_conv_3x3', 0],
    ['skip_connect', 1],
    ['dil_conv_5x5', 2],
    ['max_pool_3x3', 1],
    ['sep_conv_3x3', 2],
    ['sep_conv_3x3', 1],
    ['sep_conv_5x5', 0],
    ['sep_conv_3x3', 3],
  ],
)

export const PDARTS = darts(
  [
    ['skip_connect', 0],
    ['dil_conv_3x3', 1],
    ['skip_connect', 0],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 3],
    ['sep_conv_3x3', 0],
    ['dil_conv_5x5', 4],
  ],
  [
    ['avg_pool_3x3', 0],
    ['sep_conv_5x5', 1],
    ['sep_conv_3x3', 0],
    ['dil_conv_5x5', 2],
    ['max_pool_3x3', 0],
    ['dil_conv_3x3', 1],
    ['dil_conv_3x3', 1],
    ['dil_conv_5x5', 3],
  ],
)

export const PRDARTS = darts(
  [
    ['skip_connect', 0],
    ['sep_conv_3x3', 1],
    ['dil_conv_3x3', 2],
    ['sep_conv_3x3', 0],
    ['dil_conv_3x3', 3],
    ['sep_conv_3x3', 1],
    ['dil_conv_3x3', 4],
    ['dil_conv_3x3', 1],
  ],
  [
    ['avg_pool_3x3', 0],
    ['dil_conv_5x5', 1],
    ['sep_conv_3x3', 0],
    ['dil_conv_5x5', 2],
    ['sep_conv_5x5', 1],
    ['dil_conv_3x3', 3],
    ['dil_conv_5x5', 4],
    ['dil_conv_5x5', 1],
  ],
)

export const EENAS = darts(
  [
    ['sep_conv_5x5', 1],
    ['dil_conv_3x3', 1],
    ['dil_conv_3x3', 1],
    ['sep_conv_3x3', 1],
    ['sep_conv_5x5', 1],
    ['avg_pool_3x3', 0],
    ['skip_connect', 0],
    ['sep_conv_3x3', 1],
  ],
  [
    ['max_pool_3x3', 0],
    ['sep_conv_3x3', 1],
    ['skip_connect', 0],
    ['sep_conv_3x3', 1],
    ['max_pool_3x3', 0],
    ['skip_connect', 2],
    ['skip_connect', 0],
    ['max_pool_3x3', 1],
  ],
)

export const EENAS_R = darts(
  [
    ['skip_connect', 0],
    ['dil_conv_5x5', 1],
    ['sep_conv_3x3', 0],
    ['sep_conv_3x3', 2],
    ['sep_conv_3x3', 1],
    ['sep_conv_3x3', 3],
    ['sep_conv_3x3', 0],
    ['dil_conv_5x5', 4],
  ],
  [
    ['avg_pool_3x3', 0],
    ['sep_conv_3x3', 1],
    ['avg_pool_3x3', 0],
    ['dil_conv_5x5', 2],
    ['max_pool_3x3', 0],
    ['dil_conv_5x5', 3],
    ['max_pool_3x3', 1],
    ['dil_conv_3x3', 4],
  ],
)

/** FairDARTS-a: normal node 3 has no inputs, so DCOCell concatenates only 3 nodes. */
export const FairDARTS_a: DartsGenotype = {
  kind: 'darts',
  normal: cellFromTriples([
    ['sep_conv_3x3', 2, 0],
    ['sep_conv_5x5', 2, 1],
    ['max_pool_3x3', 4, 0],
    ['sep_conv_3x3', 5, 0],
  ]),
  reduce: cellFromTriples([
    ['max_pool_3x3', 2, 0],
    ['avg_pool_3x3', 2, 1],
    ['avg_pool_3x3', 3, 0],
    ['dil_conv_5x5', 3, 1],
    ['avg_pool_3x3', 4, 0],
    ['sep_conv_5x5', 4, 1],
    ['skip_connect', 5, 0],
    ['skip_connect', 5, 1],
  ]),
}

export const FairDARTS_b: DartsGenotype = {
  kind: 'darts',
  normal: cellFromTriples([
    ['sep_conv_3x3', 2, 0],
    ['sep_conv_3x3', 2, 1],
    ['sep_conv_3x3', 3, 1],
    ['dil_conv_3x3', 4, 0],
    ['sep_conv_5x5', 4, 1],
    ['dil_conv_5x5', 5, 1],
  ]),
  reduce: cellFromTriples([
    ['skip_connect', 2, 0],
    ['dil_conv_3x3', 2, 1],
    ['skip_connect', 3, 0],
    ['dil_conv_3x3', 3, 1],
    ['max_pool_3x3', 4, 0],
    ['sep_conv_3x3', 4, 1],
    ['skip_connect', 5, 2],
    ['max_pool_3x3', 5, 0],
  ]),
}

/** Keyed as in tests/fixtures/genotypes/param-counts.json. */
export const FIXTURE_GENOTYPES: Readonly<Record<string, DartsGenotype>> = {
  DARTS_V1,
  DARTS_V2,
  PC_DARTS_cifar,
  PDARTS,
  PRDARTS,
  EENAS,
  EENAS_R,
}
