/**
 * Turns one parsed `Genotype(...)` call into a DartsGenotype. Three list spellings exist in public
 * code: DARTS's flat pairs, D-X-Y's pairs grouped per step, and FairDARTS's (op, to, from) triples.
 * Every element keeps its source offset so validation errors point at the offending literal.
 */
import { isDartsOp } from '../../searchSpaces'
import { type CellGenotype, type DartsGenotype, GenotypeError, type SourceFormat, validateDartsCell } from '../model'
import type { PyCall, PyNode } from './pyexpr'
import { type LineMap, snippet } from './position'

/** `namedtuple('Genotype', 'normal normal_concat reduce reduce_concat')`: the default positional order. */
export const DEFAULT_FIELDS: readonly string[] = ['normal', 'normal_concat', 'reduce', 'reduce_concat']
/** D-X-Y's namedtuple adds these; they are only meaningful when None. */
const DXY_FIELDS = ['connectN', 'connects']
const KNOWN_FIELDS = new Set([...DEFAULT_FIELDS, ...DXY_FIELDS])
/** Bounds `range(...)` and triple to-nodes so a typo cannot allocate millions of nodes. */
const MAX_STATES = 1024

type Which = 'normal' | 'reduce'
type CellForm = 'pairs' | 'groups' | 'triples'

interface SrcEdge {
  readonly op: string
  readonly from: number
  readonly opAt: number
  readonly fromAt: number
}

interface SrcCell {
  readonly nodes: SrcEdge[][]
  readonly form: CellForm
  readonly listAt: number
  readonly concat: number[]
  readonly concatAt: number[]
  readonly concatStart: number
}

export interface ConvertedCall {
  readonly genotype: DartsGenotype
  readonly format: SourceFormat
}

const describe = (n: PyNode): string => {
  switch (n.t) {
    case 'str':
      return `the string ${snippet(n.value)}`
    case 'num':
      return n.raw
    case 'name':
      return n.name
    case 'list':
    case 'tuple':
      return `a ${n.t} of ${n.items.length} element${n.items.length === 1 ? '' : 's'}`
    case 'call':
      return `${n.callee}(...)`
    case 'subscript':
      return 'a subscript'
  }
}

const isSeq = (n: PyNode): n is Extract<PyNode, { t: 'list' | 'tuple' }> => n.t === 'list' || n.t === 'tuple'

export function convertGenotypeCall(call: PyCall, fields: readonly string[], lines: LineMap): ConvertedCall {
  const args = new Map<string, { value: PyNode; at: number }>()
  call.args.forEach((value, i) => {
    const field = fields[i]
    if (field === undefined)
      throw lines.error(`Genotype takes at most ${fields.length} positional arguments (${fields.join(', ')})`, value.start)
    if (!KNOWN_FIELDS.has(field))
      throw lines.error(`unsupported Genotype field "${field}" (from its namedtuple definition)`, value.start)
    args.set(field, { value, at: value.start })
  })
  for (const kw of call.kwargs) {
    if (!KNOWN_FIELDS.has(kw.name))
      throw lines.error(`unknown keyword argument "${kw.name}" (Genotype fields: ${DEFAULT_FIELDS.join(', ')})`, kw.start)
    if (args.has(kw.name)) throw lines.error(`duplicate argument "${kw.name}"`, kw.start)
    args.set(kw.name, { value: kw.value, at: kw.start })
  }
  for (const name of DXY_FIELDS) {
    const arg = args.get(name)
    if (arg && !(arg.value.t === 'name' && arg.value.name === 'None'))
      throw lines.error(`the connectN/connects form of D-X-Y's Genotype is not supported (${name} must be None)`, arg.value.start)
  }
  const need = (name: string): PyNode => {
    const arg = args.get(name)
    if (!arg) throw lines.error(`Genotype(...) is missing the ${name} argument`, call.start)
    return arg.value
  }
  const cell = (which: Which): SrcCell => {
    const { nodes, form } = cellOps(need(which), which, lines)
    const concatNode = need(`${which}_concat`)
    const { values, at } = concatOf(concatNode, which, lines)
    return { nodes, form, listAt: need(which).start, concat: values, concatAt: at, concatStart: concatNode.start }
  }
  const normal = cell('normal')
  const reduce = cell('reduce')
  const genotype: DartsGenotype = {
    kind: 'darts',
    normal: checked(normal, 'normal', lines),
    reduce: checked(reduce, 'reduce', lines),
  }
  const forms = [normal.form, reduce.form]
  const format: SourceFormat = forms.includes('triples') ? 'fairdarts' : forms.includes('groups') ? 'darts-dxy' : 'darts'
  return { genotype, format }
}

function cellOps(list: PyNode, which: Which, lines: LineMap): { nodes: SrcEdge[][]; form: CellForm } {
  if (!isSeq(list)) throw lines.error(`${which} must be a list of ('op', input) tuples, got ${describe(list)}`, list.start)
  let form: CellForm | undefined
  const nodes: SrcEdge[][] = []
  const pairs: SrcEdge[] = []
  for (const item of list.items) {
    if (!isSeq(item)) throw lines.error(`expected an ('op', input) tuple in ${which}, got ${describe(item)}`, item.start)
    const first = item.items[0]
    const itemForm: CellForm = first && isSeq(first) ? 'groups' : item.items.length === 3 ? 'triples' : 'pairs'
    if (itemForm === 'pairs' && item.items.length !== 2)
      throw lines.error(`expected ('op', input) or ('op', to, from) in ${which}, got ${describe(item)}`, item.start)
    form ??= itemForm
    if (itemForm !== form) throw lines.error(`${which} mixes ${FORM_NAMES[form]} and ${FORM_NAMES[itemForm]}`, item.start)
    if (form === 'pairs') pairs.push(edge(item.items[0]!, item.items[1]!, which, lines))
    else if (form === 'groups') {
      nodes.push(
        item.items.map((p) => {
          if (!isSeq(p) || p.items.length !== 2)
            throw lines.error(`expected an ('op', input) pair inside a ${which} step, got ${describe(p)}`, p.start)
          return edge(p.items[0]!, p.items[1]!, which, lines)
        }),
      )
    } else {
      const to = integer(item.items[1]!, 'to-node', lines)
      if (to < 2 || to >= MAX_STATES)
        throw lines.error(`to-node ${to} in ${which} is not an intermediate node (2..${MAX_STATES - 1})`, item.items[1]!.start)
      while (nodes.length < to - 1) nodes.push([])
      nodes[to - 2]!.push(edge(item.items[0]!, item.items[2]!, which, lines))
    }
  }
  if (form === 'pairs' || form === undefined) {
    if (pairs.length % 2 === 1)
      throw lines.error(
        `${which} has ${pairs.length} ('op', input) pairs; DARTS lists two per node, so the count must be even`,
        list.items[list.items.length - 1]!.start,
      )
    for (let i = 0; i < pairs.length; i += 2) nodes.push(pairs.slice(i, i + 2))
  }
  return { nodes, form: form ?? 'pairs' }
}

const FORM_NAMES: Record<CellForm, string> = {
  pairs: "('op', input) pairs",
  groups: 'per-step groups of pairs',
  triples: "('op', to, from) triples",
}

function edge(opNode: PyNode, fromNode: PyNode, which: Which, lines: LineMap): SrcEdge {
  if (opNode.t !== 'str') throw lines.error(`expected an op name string in ${which}, got ${describe(opNode)}`, opNode.start)
  return { op: opNode.value, from: integer(fromNode, 'input index', lines), opAt: opNode.start, fromAt: fromNode.start }
}

function integer(n: PyNode, what: string, lines: LineMap): number {
  if (n.t !== 'num' || !Number.isInteger(n.value) || /[.eEjJ]/.test(n.raw))
    throw lines.error(`${what} must be an integer, got ${describe(n)}`, n.start)
  return n.value
}

function concatOf(n: PyNode, which: Which, lines: LineMap): { values: number[]; at: number[] } {
  if (isSeq(n)) return { values: n.items.map((s) => integer(s, `${which}_concat entry`, lines)), at: n.items.map((s) => s.start) }
  if (n.t === 'call' && (n.callee === 'list' || n.callee === 'tuple') && n.args.length === 1 && n.kwargs.length === 0)
    return concatOf(n.args[0]!, which, lines)
  if (n.t === 'call' && n.callee === 'range' && n.args.length >= 1 && n.args.length <= 3 && n.kwargs.length === 0) {
    const [a, b, step] = n.args.map((x) => integer(x, 'range() argument', lines))
    const [lo, hi, by] = b === undefined ? [0, a!, 1] : [a!, b, step ?? 1]
    if (by === 0) throw lines.error('range() step must not be zero', n.start)
    const count = Math.max(0, Math.ceil((hi - lo) / by))
    if (count > MAX_STATES) throw lines.error(`${which}_concat range has ${count} entries; a cell has far fewer states`, n.start)
    const values = Array.from({ length: count }, (_, k) => lo + k * by)
    return { values, at: values.map(() => n.start) }
  }
  throw lines.error(`${which}_concat must be range(a, b) or a list of state indices, got ${describe(n)}`, n.start)
}

/** Validates with the model's rules, then re-throws at the literal the model complained about. */
function checked(cell: SrcCell, which: Which, lines: LineMap): CellGenotype {
  const plain: CellGenotype = { nodes: cell.nodes.map((n) => n.map(({ op, from }) => ({ op, from }))), concat: cell.concat }
  try {
    validateDartsCell(plain, which)
  } catch (err) {
    if (err instanceof GenotypeError) throw lines.error(err.message, locate(cell))
    throw err
  }
  return plain
}

/** Mirrors validateDartsCell's check order, so the first failing literal is the one it reported. */
function locate(cell: SrcCell): number {
  if (cell.nodes.length === 0) return cell.listAt
  for (const [i, inputs] of cell.nodes.entries())
    for (const e of inputs) {
      if (!isDartsOp(e.op)) return e.opAt
      if (!Number.isInteger(e.from) || e.from < 0 || e.from >= i + 2) return e.fromAt
    }
  const seen = new Set<number>()
  for (const [k, s] of cell.concat.entries()) {
    if (s < 0 || s >= cell.nodes.length + 2 || seen.has(s)) return cell.concatAt[k]!
    seen.add(s)
  }
  return cell.concatStart
}
