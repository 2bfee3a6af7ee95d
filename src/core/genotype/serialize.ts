/**
 * Text serializers. DARTS text is byte-for-byte what DARTS's `Network.genotype()` logs under
 * Python 3: `Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), ...)`.
 */
import { type CellGenotype, type DartsGenotype, type Genotype, GenotypeError, isPairCell, type Nb201Genotype } from './model'

/** Python's repr of a concat: `range(a, b)` when contiguous and ascending (as `genotype()` builds it), else a list. */
export function concatRepr(concat: readonly number[]): string {
  const contiguous = concat.length > 0 && concat.every((s, k) => s === concat[0]! + k)
  return contiguous ? `range(${concat[0]}, ${concat[0]! + concat.length})` : `[${concat.join(', ')}]`
}

/** Python's repr of a str: single quotes unless the text contains one. */
const pyStr = (s: string): string =>
  s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

/**
 * The op list of one cell: DARTS's flat pairs `('op', from)` when every node has two inputs, else
 * FairDARTS's triples `('op', to, from)`, the only public spelling for a variable number of inputs.
 */
export function cellOpsRepr(cell: CellGenotype): string {
  const pairs = isPairCell(cell)
  const items = cell.nodes.flatMap((inputs, i) =>
    inputs.map((e) => (pairs ? `(${pyStr(e.op)}, ${e.from})` : `(${pyStr(e.op)}, ${i + 2}, ${e.from})`)),
  )
  return `[${items.join(', ')}]`
}

export function toDartsText(g: DartsGenotype): string {
  return (
    `Genotype(normal=${cellOpsRepr(g.normal)}, normal_concat=${concatRepr(g.normal.concat)}, ` +
    `reduce=${cellOpsRepr(g.reduce)}, reduce_concat=${concatRepr(g.reduce.concat)})`
  )
}

/** D-X-Y's `Structure.tostr`: `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`. */
export function toNb201String(g: Genotype): string {
  if (g.kind !== 'nb201')
    throw new GenotypeError('a DARTS-space genotype has no NAS-Bench-201 string (the spaces have different ops and cells)')
  return g.nodes.map((inputs) => `|${inputs.map((e) => `${e.op}~${e.from}`).join('|')}|`).join('+')
}

/** A named DARTS genotype as a line of a `genotypes.py`: `NAME = Genotype(...)`. */
export function toDartsAssignment(name: string, g: DartsGenotype): string {
  const id = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1')
  return `${id} = ${toDartsText(g)}`
}

export const isNb201 = (g: Genotype): g is Nb201Genotype => g.kind === 'nb201'
