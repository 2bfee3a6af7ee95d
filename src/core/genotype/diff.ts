/**
 * Edge-level difference of two genotypes, for the compare view: which (node, input) edges two cells
 * share, which changed op, and which exist in only one. Ids match cellGraph/nb201Graph so a laid-out
 * edge can be coloured by its change.
 */
import { stateId } from './cellGraph'
import { type CellEdge, type CellGenotype, effectiveConcat, type Genotype, GenotypeError } from './model'

export type EdgeChange = 'same' | 'added' | 'removed' | 'changed'

export interface EdgeDiff {
  readonly cell: 'normal' | 'reduce' | 'cell'
  /** Target: a DARTS state index (2 = intermediate node 0, as in model.ts messages) or an NB201 node 1..3. */
  readonly node: number
  /** Input: a DARTS state index (0 = c_{k-2}, 1 = c_{k-1}, k ≥ 2 = node k−2) or an NB201 node 0..2. */
  readonly input: number
  /** Op in genotype A; null when the edge is only in B. */
  readonly opA: string | null
  readonly opB: string | null
  readonly change: EdgeChange
  /** Position of the edge in A's (B's) input list of `node`: the `#n` of cellGraph's edge id. */
  readonly indexA?: number
  readonly indexB?: number
}

export interface GenotypeDiff {
  readonly edges: readonly EdgeDiff[]
  readonly added: number
  readonly removed: number
  readonly changed: number
  readonly same: number
  /** Whether the effective concat of some cell differs (always false for NB201). */
  readonly concatChanged: boolean
}

interface Indexed {
  readonly op: string
  readonly index: number
}

/** Edges of one node grouped by input state; a node may read one input twice (PR-DARTS), so lists. */
function byInput(inputs: readonly CellEdge[] | undefined): Map<number, Indexed[]> {
  const m = new Map<number, Indexed[]>()
  ;(inputs ?? []).forEach((e, index) => {
    const list = m.get(e.from)
    if (list) list.push({ op: e.op, index })
    else m.set(e.from, [{ op: e.op, index }])
  })
  return m
}

/**
 * Pairs the edges of one (node, input) key: equal ops first (so a node that reads one input twice
 * and swaps the order is still 'same'), then leftovers in order as 'changed', the rest added/removed.
 */
function pairKey(cell: EdgeDiff['cell'], node: number, input: number, a: Indexed[], b: Indexed[]): EdgeDiff[] {
  const out: EdgeDiff[] = []
  const restB = [...b]
  const restA: Indexed[] = []
  for (const ea of a) {
    const k = restB.findIndex((eb) => eb.op === ea.op)
    if (k < 0) restA.push(ea)
    else {
      const eb = restB.splice(k, 1)[0]!
      out.push({ cell, node, input, opA: ea.op, opB: eb.op, change: 'same', indexA: ea.index, indexB: eb.index })
    }
  }
  const n = Math.max(restA.length, restB.length)
  for (let k = 0; k < n; k++) {
    const ea = restA[k]
    const eb = restB[k]
    const change: EdgeChange = ea && eb ? 'changed' : ea ? 'removed' : 'added'
    out.push({ cell, node, input, opA: ea?.op ?? null, opB: eb?.op ?? null, change, indexA: ea?.index, indexB: eb?.index })
  }
  return out
}

/** `nodes[i]` targets `firstTarget + i` in the returned diffs. */
function diffNodes(
  cell: EdgeDiff['cell'],
  a: readonly (readonly CellEdge[])[],
  b: readonly (readonly CellEdge[])[],
  firstTarget: number,
): EdgeDiff[] {
  const out: EdgeDiff[] = []
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const ma = byInput(a[i])
    const mb = byInput(b[i])
    const inputs = [...new Set([...ma.keys(), ...mb.keys()])].sort((x, y) => x - y)
    for (const input of inputs) out.push(...pairKey(cell, firstTarget + i, input, ma.get(input) ?? [], mb.get(input) ?? []))
  }
  return out
}

const sortedConcat = (c: CellGenotype): string => [...effectiveConcat(c)].sort((x, y) => x - y).join(',')

/** Edge diff of A → B. Throws a GenotypeError when one is a DARTS-space genotype and the other NB201. */
export function diffGenotypes(a: Genotype, b: Genotype): GenotypeDiff {
  let edges: EdgeDiff[]
  let concatChanged = false
  if (a.kind === 'nb201' && b.kind === 'nb201') {
    edges = diffNodes('cell', a.nodes, b.nodes, 1)
  } else if (a.kind === 'darts' && b.kind === 'darts') {
    edges = [...diffNodes('normal', a.normal.nodes, b.normal.nodes, 2), ...diffNodes('reduce', a.reduce.nodes, b.reduce.nodes, 2)]
    concatChanged = sortedConcat(a.normal) !== sortedConcat(b.normal) || sortedConcat(a.reduce) !== sortedConcat(b.reduce)
  } else {
    const name = (g: Genotype) => (g.kind === 'nb201' ? 'a NAS-Bench-201 genotype' : 'a DARTS-space genotype')
    throw new GenotypeError(`cannot diff ${name(a)} against ${name(b)}: the two search spaces have different cells`)
  }
  const count = (c: EdgeChange) => edges.filter((e) => e.change === c).length
  return {
    edges,
    added: count('added'),
    removed: count('removed'),
    changed: count('changed'),
    same: count('same'),
    concatChanged,
  }
}

/**
 * The cellGraph / nb201Graph edge id of a diff entry in genotype A's or B's graph. By default B's for
 * edges B has ('same', 'changed', 'added'), else A's. DARTS ids carry the input's position within the
 * node (`c_{k-2}->0#1`), which can differ between A and B, hence the side.
 */
export function diffEdgeId(d: EdgeDiff, side: 'a' | 'b' = d.opB !== null ? 'b' : 'a'): string {
  if (d.cell === 'cell') return `${d.input}->${d.node}`
  const index = (side === 'a' ? d.indexA : d.indexB) ?? 0
  return `${stateId(d.input)}->${stateId(d.node)}#${index}`
}
