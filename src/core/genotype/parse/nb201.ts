/**
 * NAS-Bench-201 arch strings (`Structure.tostr`): `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`, any number
 * per input, each optionally named by `NAME:` or `NAME =` before it on its line.
 */
import { isNb201Op, NB201_NODES } from '../../searchSpaces'
import { type CellEdge, GenotypeError, type NamedGenotype, type Nb201Genotype, validateNb201 } from '../model'
import { uniqueNamer } from './names'
import type { LineMap } from './position'
import { snippet } from './position'

/** A `|...|` run without spaces or quotes that holds at least one `~`: an arch string candidate. */
const ARCH = /\|[^\s'"`,;()[\]{}<>]*~[^\s'"`,;()[\]{}<>]*\|/g
const NAME_BEFORE = /([A-Za-z_][\w.-]*)[ \t]*[:=][ \t]*['"]?$/
const EDGE = /^([^~]*)~(\d+)$/

interface SrcEdge extends CellEdge {
  readonly opAt: number
  readonly fromAt: number
}

export const looksLikeNb201 = (text: string): boolean => /\|[A-Za-z_]\w*~\d+\|/.test(text)

export function parseNb201Text(text: string, lines: LineMap): NamedGenotype[] {
  const out: NamedGenotype[] = []
  const unique = uniqueNamer()
  for (const m of text.matchAll(ARCH)) {
    const genotype = parseArch(m[0], m.index, lines)
    const lineStart = lines.lineStart(m.index)
    const name = unique(NAME_BEFORE.exec(text.slice(lineStart, m.index))?.[1] ?? 'nb201')
    out.push({ name, aliases: [], genotype, format: 'nb201', line: lines.pos(m.index).line })
  }
  if (out.length === 0)
    throw new GenotypeError('no genotype found: expected Genotype(...), a NAS-Bench-201 string or hdarts genotype JSON')
  return out
}

/** D-X-Y's `str2structure`: split on `+`, then `|` (dropping empties), then `~`. */
export function parseArch(arch: string, at: number, lines: LineMap): Nb201Genotype {
  const nodes: SrcEdge[][] = []
  let offset = at
  for (const part of arch.split('+')) {
    if (part.length < 2 || !part.startsWith('|') || !part.endsWith('|'))
      throw lines.error(`NAS-Bench-201 node ${nodes.length + 1} must be written |op~j|...|, got ${snippet(part)}`, offset)
    const edges: SrcEdge[] = []
    let pieceAt = offset + 1
    for (const piece of part.slice(1, -1).split('|')) {
      if (piece) {
        const e = EDGE.exec(piece)
        if (!e) throw lines.error(`expected op~input in a NAS-Bench-201 string, got ${snippet(piece)}`, pieceAt)
        edges.push({ op: e[1]!, from: Number(e[2]), opAt: pieceAt, fromAt: pieceAt + e[1]!.length + 1 })
      }
      pieceAt += piece.length + 1
    }
    nodes.push(edges)
    offset += part.length + 1
  }
  const genotype: Nb201Genotype = { kind: 'nb201', nodes: nodes.map((n) => n.map(({ op, from }) => ({ op, from }))) }
  try {
    validateNb201(genotype)
  } catch (err) {
    if (err instanceof GenotypeError) throw lines.error(err.message, locate(nodes, at))
    throw err
  }
  return genotype
}

/** Mirrors validateNb201's check order to find the literal it rejected. */
function locate(nodes: readonly SrcEdge[][], at: number): number {
  if (nodes.length !== NB201_NODES - 1) return at
  for (const [k, inputs] of nodes.entries()) {
    if (inputs.length !== k + 1) return inputs[0]?.opAt ?? at
    const seen = new Set<number>()
    for (const e of inputs) {
      if (!isNb201Op(e.op)) return e.opAt
      if (e.from > k || seen.has(e.from)) return e.fromAt
      seen.add(e.from)
    }
  }
  return at
}
