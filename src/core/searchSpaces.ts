/**
 * Search spaces as data (DARTS `genotypes.py` style): op lists whose order is the α column order.
 * Sources: METHODS.md §2.1 (DARTS), §4.3 (NAS-Bench-201), §3.13.1 (HDARTS level 0), §3.8 (FairDARTS).
 */

/** DARTS CNN search ops; α columns follow this order and `none` is index 0. */
export const DARTS_PRIMITIVES = [
  'none',
  'max_pool_3x3',
  'avg_pool_3x3',
  'skip_connect',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'dil_conv_3x3',
  'dil_conv_5x5',
] as const

/** Ops that only appear in evaluation genotypes (NASNet, AmoebaNet), never in the search supernet. */
export const DARTS_EVAL_ONLY_OPS = ['sep_conv_7x7', 'conv_7x1_1x7'] as const

/** Every op name a DARTS-space genotype may use. */
export const DARTS_GENOTYPE_OPS = [...DARTS_PRIMITIVES, ...DARTS_EVAL_ONLY_OPS] as const

/** FairDARTS drops `none`: its sigmoid mixing has no need for a zero op (METHODS.md §3.8). */
export const FAIRDARTS_PRIMITIVES = DARTS_PRIMITIVES.filter((op) => op !== 'none')

/** NAS-Bench-201 ops in D-X-Y's order (`cell_operations.py`). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const
/** NB201 cell: node 0 is the input, node 3 the output; 6 edges j→i for j<i. */
export const NB201_NODES = 4
/** Edge rows of the NB201 α matrix: keys `'{i}<-{j}'` sorted lexicographically (METHODS.md §4.3). */
export const NB201_EDGES: readonly (readonly [to: number, from: number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
]

/**
 * HDARTS level-0 primitives (`operations.py: OPS` then `MANDATORY_OPS`). avg comes before max, the
 * reverse of DARTS, and `identity`/`zero` are appended last in that order (METHODS.md §3.13.1, §6.8).
 */
export const HDARTS_LEVEL0_OPS = [
  'avg_pool_3x3',
  'max_pool_3x3',
  'sep_conv_3x3',
  'sep_conv_5x5',
  'sep_conv_7x7',
  'dil_conv_3x3',
  'dil_conv_5x5',
  'conv_7x1_1x7',
  'identity',
  'zero',
] as const

export type DartsOp = (typeof DARTS_GENOTYPE_OPS)[number]
export type Nb201Op = (typeof NB201_OPS)[number]
export type HdartsLevel0Op = (typeof HDARTS_LEVEL0_OPS)[number]

export interface SearchSpace {
  readonly id: 'darts' | 'nb201' | 'hdarts-level0' | 'fairdarts'
  readonly label: string
  /** Ops in α column order. */
  readonly ops: readonly string[]
  /** Ops a derived genotype may never contain (excluded at derivation). */
  readonly excludedAtDerivation: readonly string[]
}

export const SEARCH_SPACES: Readonly<Record<SearchSpace['id'], SearchSpace>> = {
  darts: { id: 'darts', label: 'DARTS CNN (8 ops, 4 steps, 14 edges)', ops: DARTS_PRIMITIVES, excludedAtDerivation: ['none'] },
  fairdarts: { id: 'fairdarts', label: 'FairDARTS (DARTS without none)', ops: FAIRDARTS_PRIMITIVES, excludedAtDerivation: [] },
  nb201: { id: 'nb201', label: 'NAS-Bench-201 (5 ops, 4 nodes, 6 edges)', ops: NB201_OPS, excludedAtDerivation: [] },
  'hdarts-level0': {
    id: 'hdarts-level0',
    label: 'HDARTS level-0 primitives (8 ops + identity + zero)',
    ops: HDARTS_LEVEL0_OPS,
    excludedAtDerivation: ['zero'],
  },
}

export function getSearchSpace(id: string): SearchSpace {
  const space = (SEARCH_SPACES as Record<string, SearchSpace | undefined>)[id]
  if (!space) throw new Error(`Unknown search space "${id}"; valid: ${Object.keys(SEARCH_SPACES).join(', ')}`)
  return space
}

const DARTS_OP_SET: ReadonlySet<string> = new Set(DARTS_GENOTYPE_OPS)
const NB201_OP_SET: ReadonlySet<string> = new Set(NB201_OPS)
export const isDartsOp = (op: string): op is DartsOp => DARTS_OP_SET.has(op)
export const isNb201Op = (op: string): op is Nb201Op => NB201_OP_SET.has(op)

/** Number of DARTS edges in a cell of `steps` intermediate nodes with 2 inputs: 2+3+…+(steps+1). */
export const dartsEdgeCount = (steps: number): number => (steps * (steps + 3)) / 2
