/**
 * Discrete genotypes from architecture weights, one function per method's `genotype()` (METHODS.md
 * §2.3, §3.2, §3.8, §3.9, §4.3). Inputs are plain `[edges, ops]` matrices; rows follow DARTS's edge
 * order (node i, inputs j = 0..i+1, so node offsets 0, 2, 5, 9 for 4 steps).
 */
import { DARTS_PRIMITIVES, dartsEdgeCount, FAIRDARTS_PRIMITIVES, NB201_EDGES, NB201_NODES, NB201_OPS } from '../searchSpaces'
import { argmax, sigmoidRows, softmax, softmaxRows } from '../metrics/math'
import { type CellEdge, type DartsGenotype, defaultConcat, type Nb201Genotype } from './model'

export type Matrix = readonly (readonly number[])[]

/** PR-DARTS's α column order (`cell_operations.py: DARTS_SPACE`). */
export const PRDARTS_OPS = [
  'none',
  'skip_connect',
  'dua_sepc_3x3',
  'dua_sepc_5x5',
  'dil_sepc_3x3',
  'dil_sepc_5x5',
  'avg_pool_3x3',
  'max_pool_3x3',
] as const

/** PR-DARTS op names → DARTS names: `dua_sepc_k` is `sep_conv_k`, `dil_sepc_k` is `dil_conv_k`. */
export const PRDARTS_TO_DARTS: Readonly<Record<string, string>> = {
  dua_sepc_3x3: 'sep_conv_3x3',
  dua_sepc_5x5: 'sep_conv_5x5',
  dil_sepc_3x3: 'dil_conv_3x3',
  dil_sepc_5x5: 'dil_conv_5x5',
}

export interface DeriveOptions {
  /** α column order. */
  readonly ops?: readonly string[]
  readonly steps?: number
  /** Concat = the last `multiplier` states. */
  readonly multiplier?: number
  /** `softmax` (default) applies the method's activation row-wise; `normalized` takes the weights as they are. */
  readonly weights?: 'softmax' | 'normalized'
  /** Ops never chosen nor used to rank edges; DARTS excludes `none`. */
  readonly exclude?: readonly string[]
}

/** Throws when `m` is not `rows × cols` of numbers. */
export function checkShape(m: Matrix, rows: number, cols: number, name: string): void {
  if (!Array.isArray(m) || m.length !== rows)
    throw new Error(`${name}: expected ${rows} rows (one per edge), got ${Array.isArray(m) ? m.length : typeof m}`)
  m.forEach((row, e) => {
    if (!Array.isArray(row) || row.length !== cols)
      throw new Error(
        `${name}: row ${e} has ${Array.isArray(row) ? row.length : typeof row} columns, expected ${cols} (one per op)`,
      )
    if (row.some((x) => typeof x !== 'number' || Number.isNaN(x)))
      throw new Error(`${name}: row ${e} holds a value that is not a number`)
  })
}

function resolve(o: Omit<DeriveOptions, 'weights'>, defaultOps: readonly string[], defaultExclude: readonly string[]) {
  const ops = o.ops ?? defaultOps
  const steps = o.steps ?? 4
  const multiplier = o.multiplier ?? steps
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`)
  if (!Number.isInteger(multiplier) || multiplier < 1 || multiplier > steps)
    throw new Error(`multiplier must be an integer in 1..${steps}, got ${multiplier}`)
  const excluded = new Set(o.exclude ?? defaultExclude)
  const allowed = (k: number): boolean => !excluded.has(ops[k]!)
  if (!ops.some((_, k) => allowed(k))) throw new Error('every op is excluded; nothing to choose from')
  return { ops, steps, multiplier, allowed, edges: dartsEdgeCount(steps), concat: defaultConcat(steps, multiplier) }
}

/** Rows `start .. start+i+1` hold the incoming edges of node i. */
const nodeStart = (i: number): number => (i * (i + 3)) / 2

/** DARTS's `_parse`: top-2 edges by strongest non-excluded op (stable sort), then that edge's argmax op. */
function parseDartsCell(W: Matrix, steps: number, ops: readonly string[], allowed: (k: number) => boolean): CellEdge[][] {
  const nodes: CellEdge[][] = []
  for (let i = 0; i < steps; i++) {
    const rows = W.slice(nodeStart(i), nodeStart(i) + i + 2)
    const strength = rows.map((row) => Math.max(...row.filter((_, k) => allowed(k))))
    // Array.prototype.sort is stable, as Python's sorted: equal strengths keep the lower j first.
    const edges = rows.map((_, j) => j).sort((a, b) => strength[b]! - strength[a]!)
    nodes.push(edges.slice(0, 2).map((j) => ({ op: ops[argmax(rows[j]!, allowed)]!, from: j })))
  }
  return nodes
}

const dartsGenotype = (normal: CellEdge[][], reduce: CellEdge[][], concat: number[]): DartsGenotype => ({
  kind: 'darts',
  normal: { nodes: normal, concat },
  reduce: { nodes: reduce, concat: [...concat] },
})

/** DARTS `Network.genotype()` (§2.3): W = softmax(α) row-wise; `none` is excluded from ranking and choice. */
export function deriveDarts(alphasNormal: Matrix, alphasReduce: Matrix, options: DeriveOptions = {}): DartsGenotype {
  const { ops, steps, allowed, edges, concat } = resolve(options, DARTS_PRIMITIVES, ['none'])
  checkShape(alphasNormal, edges, ops.length, 'alphasNormal')
  checkShape(alphasReduce, edges, ops.length, 'alphasReduce')
  const act = (m: Matrix): Matrix => (options.weights === 'normalized' ? m : softmaxRows(m))
  return dartsGenotype(
    parseDartsCell(act(alphasNormal), steps, ops, allowed),
    parseDartsCell(act(alphasReduce), steps, ops, allowed),
    concat,
  )
}

/** softmax(β) over each node's incoming edges, concatenated back to one weight per edge. */
function edgeNormalization(betas: readonly number[], steps: number, normalized: boolean): number[] {
  const out: number[] = []
  for (let i = 0; i < steps; i++) {
    const slice = betas.slice(nodeStart(i), nodeStart(i) + i + 2)
    out.push(...(normalized ? slice : softmax(slice)))
  }
  return out
}

/**
 * PC-DARTS (§3.9): `W[e] = softmax(α_e) · softmax_node(β)_e`, then DARTS's rule. With `weights:
 * 'normalized'` both α rows and β are taken as already normalized.
 */
export function derivePcDarts(
  alphasNormal: Matrix,
  alphasReduce: Matrix,
  betasNormal: readonly number[],
  betasReduce: readonly number[],
  options: DeriveOptions = {},
): DartsGenotype {
  const { ops, steps, allowed, edges, concat } = resolve(options, DARTS_PRIMITIVES, ['none'])
  checkShape(alphasNormal, edges, ops.length, 'alphasNormal')
  checkShape(alphasReduce, edges, ops.length, 'alphasReduce')
  checkShape([betasNormal], 1, edges, 'betasNormal')
  checkShape([betasReduce], 1, edges, 'betasReduce')
  const normalized = options.weights === 'normalized'
  const weigh = (alphas: Matrix, betas: readonly number[]): Matrix => {
    const edgeW = edgeNormalization(betas, steps, normalized)
    return (normalized ? alphas : softmaxRows(alphas)).map((row, e) => row.map((w) => w * edgeW[e]!))
  }
  return dartsGenotype(
    parseDartsCell(weigh(alphasNormal, betasNormal), steps, ops, allowed),
    parseDartsCell(weigh(alphasReduce, betasReduce), steps, ops, allowed),
    concat,
  )
}

/** PR-DARTS `_parse`: rank every (op, j) pair of a node jointly by softmax(α_e)[op] and keep the top k. */
function parsePrDartsCell(
  W: Matrix,
  steps: number,
  ops: readonly string[],
  allowed: (k: number) => boolean,
  k: number,
): CellEdge[][] {
  const nodes: CellEdge[][] = []
  for (let i = 0; i < steps; i++) {
    const candidates: { op: string; from: number; w: number }[] = []
    for (let j = 0; j < i + 2; j++)
      W[nodeStart(i) + j]!.forEach((w, o) => {
        if (allowed(o)) candidates.push({ op: PRDARTS_TO_DARTS[ops[o]!] ?? ops[o]!, from: j, w })
      })
    // Stable, as Python's sorted: ties keep edge order j, then op column order.
    candidates.sort((a, b) => b.w - a.w)
    nodes.push(candidates.slice(0, k).map(({ op, from }) => ({ op, from })))
  }
  return nodes
}

/**
 * PR-DARTS `genotype()` (§3.2): may keep two ops from the same input. Rows follow `edge2index`, the
 * lexicographic order of `'{i}<-{j}'`, which equals DARTS's order while every index is one digit.
 */
export function derivePrDarts(
  alphasNormal: Matrix,
  alphasReduce: Matrix,
  options: DeriveOptions & { readonly k?: number } = {},
): DartsGenotype {
  const { ops, steps, allowed, edges, concat } = resolve(options, PRDARTS_OPS, ['none'])
  checkShape(alphasNormal, edges, ops.length, 'alphasNormal')
  checkShape(alphasReduce, edges, ops.length, 'alphasReduce')
  const k = options.k ?? 2
  const act = (m: Matrix): Matrix => (options.weights === 'normalized' ? m : softmaxRows(m))
  return dartsGenotype(
    parsePrDartsCell(act(alphasNormal), steps, ops, allowed, k),
    parsePrDartsCell(act(alphasReduce), steps, ops, allowed, k),
    concat,
  )
}

export interface FairDartsOptions extends Omit<DeriveOptions, 'weights'> {
  /** `sigmoid` (default) applies σ element-wise; `normalized` takes the weights as σ(α) already. */
  readonly weights?: 'sigmoid' | 'normalized'
  /** Keep an edge's best op only if σ ≥ threshold (`op_threshold`, default 0.85). */
  readonly threshold?: number
}

/** FairDARTS `parse(..., 'threshold_sparse')`: top-2 edges by max σ, each kept only if its best σ ≥ threshold. */
function parseFairDartsCell(
  W: Matrix,
  steps: number,
  ops: readonly string[],
  allowed: (k: number) => boolean,
  threshold: number,
) {
  const nodes: CellEdge[][] = []
  for (let i = 0; i < steps; i++) {
    const rows = W.slice(nodeStart(i), nodeStart(i) + i + 2)
    const strength = rows.map((row) => Math.max(...row.filter((_, k) => allowed(k))))
    const edges = rows.map((_, j) => j).sort((a, b) => strength[b]! - strength[a]!)
    const inputs: CellEdge[] = []
    for (const j of edges.slice(0, 2)) {
      const best = argmax(rows[j]!, allowed)
      if (rows[j]![best]! >= threshold) inputs.push({ op: ops[best]!, from: j })
    }
    nodes.push(inputs)
  }
  return nodes
}

/** FairDARTS (§3.8): nodes may end with 0, 1 or 2 inputs; concat stays `range(2+steps−multiplier, steps+2)`. */
export function deriveFairDarts(alphasNormal: Matrix, alphasReduce: Matrix, options: FairDartsOptions = {}): DartsGenotype {
  const { ops, steps, allowed, edges, concat } = resolve(options, FAIRDARTS_PRIMITIVES, [])
  checkShape(alphasNormal, edges, ops.length, 'alphasNormal')
  checkShape(alphasReduce, edges, ops.length, 'alphasReduce')
  const threshold = options.threshold ?? 0.85
  const act = (m: Matrix): Matrix => (options.weights === 'normalized' ? m : sigmoidRows(m))
  return dartsGenotype(
    parseFairDartsCell(act(alphasNormal), steps, ops, allowed, threshold),
    parseFairDartsCell(act(alphasReduce), steps, ops, allowed, threshold),
    concat,
  )
}

/**
 * NAS-Bench-201 (D-X-Y's `genotype()`): argmax op per edge, `none` allowed, rows in NB201_EDGES order.
 * Softmax is monotone, so raw α and normalized weights give the same cell.
 */
export function deriveNb201(alphas: Matrix, options: { readonly ops?: readonly string[] } = {}): Nb201Genotype {
  const ops = options.ops ?? NB201_OPS
  checkShape(alphas, NB201_EDGES.length, ops.length, 'alphas')
  const nodes: CellEdge[][] = Array.from({ length: NB201_NODES - 1 }, () => [])
  NB201_EDGES.forEach(([to, from], e) => nodes[to - 1]!.push({ op: ops[argmax(alphas[e]!)]!, from }))
  for (const inputs of nodes) inputs.sort((a, b) => a.from - b.from)
  return { kind: 'nb201', nodes }
}
