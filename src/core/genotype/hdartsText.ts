/**
 * Text forms of an HDARTS genotype (docs/genotype-formats.md): the `HGenotype(...)` text, a Python
 * literal a namedtuple could read back, and the versioned `hdarts.hgenotype` JSON document. Both
 * parsers report the first problem as one line with its line:column.
 *
 *   HGenotype(normal_motifs=[[[('sep_conv_3x3', 0)], [('identity', 0), ('max_pool_3x3', 1)]], ...],
 *             normal=[[('motif_0', 0), ('motif_1', 1)], ...], normal_concat=range(2, 6),
 *             reduce_motifs=[...], reduce=[...], reduce_concat=range(2, 6))
 *
 * A motif is a list of its nodes 1 … motifNodes−1, each a list of `('primitive', from)`; a cell is
 * a list of its intermediate nodes, each a list of `('motif_<k>', from)` (any number of inputs).
 */
import { z } from 'zod'
import {
  type HCellEdge,
  type HCellGenotype,
  type HdartsGenotype,
  isLevel0Op,
  type MotifEdge,
  type MotifGenotype,
  motifIndexOf,
  motifName,
  type NamedHGenotype,
  validateHdarts,
} from './hdarts'
import { GenotypeError } from './model'
import { uniqueNamer } from './parse/names'
import { type LineMap, snippet } from './parse/position'
import { type PyCall, type PyNode, PyParser } from './parse/pyexpr'
import { nonCodeRanges } from './parse/python'
import { concatRepr } from './serialize'
import { HDARTS_LEVEL0_OPS } from '../searchSpaces'

/** Field order of `HGenotype = namedtuple('HGenotype', ...)` (positional arguments follow it). */
export const HGENOTYPE_FIELDS = ['normal_motifs', 'normal', 'normal_concat', 'reduce_motifs', 'reduce', 'reduce_concat'] as const
export const HGENOTYPE_JSON_SCHEMA = 'hdarts.hgenotype'
export const HGENOTYPE_JSON_VERSION = 1

// ---- serializers ----

const motifRepr = (m: MotifGenotype): string =>
  `[${m.nodes.map((inputs) => `[${inputs.map((e) => `('${e.op}', ${e.from})`).join(', ')}]`).join(', ')}]`

const cellRepr = (c: HCellGenotype): string =>
  `[${c.nodes.map((inputs) => `[${inputs.map((e) => `('${motifName(e.motif)}', ${e.from})`).join(', ')}]`).join(', ')}]`

/** The one-line `HGenotype(...)` text (the `genotype` event's text for format 'hdarts'). */
export function toHdartsText(g: HdartsGenotype): string {
  const cell = (which: 'normal' | 'reduce') => {
    const c = g[which]
    return `${which}_motifs=[${c.motifs.map(motifRepr).join(', ')}], ${which}=${cellRepr(c)}, ${which}_concat=${concatRepr(c.concat)}`
  }
  return `HGenotype(${cell('normal')}, ${cell('reduce')})`
}

const cellJson = (c: HCellGenotype) => ({
  motifs: c.motifs.map((m) => ({ nodes: m.nodes.map((n) => n.map((e) => ({ op: e.op, from: e.from }))) })),
  nodes: c.nodes.map((n) => n.map((e) => ({ motif: e.motif, from: e.from }))),
  concat: [...c.concat],
})

export function toHdartsJson(list: readonly NamedHGenotype[]): string {
  const genotypes = list.map((g) => ({
    name: g.name,
    ...(g.aliases.length ? { aliases: [...g.aliases] } : {}),
    normal: cellJson(g.genotype.normal),
    reduce: cellJson(g.genotype.reduce),
  }))
  return JSON.stringify({ schema: HGENOTYPE_JSON_SCHEMA, version: HGENOTYPE_JSON_VERSION, genotypes }, null, 2) + '\n'
}

// ---- detection ----

const CALL_SITE = /\bHGenotype\s*\(/g
const JSON_SCHEMA_MARK = /"schema"\s*:\s*"hdarts\.hgenotype"/

/** True for `HGenotype(...)` text or an `hdarts.hgenotype` JSON document (what parse/index.ts routes here). */
export function looksLikeHdarts(text: string): boolean {
  const first = /\S/.exec(text)?.[0]
  if (first === '{' || first === '[') return JSON_SCHEMA_MARK.test(text)
  return new RegExp(CALL_SITE.source).test(text)
}

// ---- HGenotype(...) text ----

const NAME_BEFORE = /([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(?:\\\r?\n[ \t]*)*$/
const isSeq = (n: PyNode): n is Extract<PyNode, { t: 'list' | 'tuple' }> => n.t === 'list' || n.t === 'tuple'
const describe = (n: PyNode): string =>
  n.t === 'str'
    ? `the string ${snippet(n.value)}`
    : n.t === 'num'
      ? n.raw
      : isSeq(n)
        ? `a ${n.t}`
        : n.t === 'call'
          ? `${n.callee}(...)`
          : n.t

function integer(n: PyNode, what: string, lines: LineMap): number {
  if (n.t !== 'num' || !Number.isInteger(n.value) || /[.eEjJ]/.test(n.raw))
    throw lines.error(`${what} must be an integer, got ${describe(n)}`, n.start)
  return n.value
}

/** `(name, from)` items of one node: checks the pair shape and that each source is earlier and unique. */
function pairs(node: PyNode, where: string, limit: number, lines: LineMap): { name: PyNode & { t: 'str' }; from: number }[] {
  if (!isSeq(node)) throw lines.error(`${where} must be a list of (name, input) pairs, got ${describe(node)}`, node.start)
  if (node.items.length === 0) throw lines.error(`${where} has no inputs`, node.start)
  const seen = new Set<number>()
  return node.items.map((item) => {
    if (!isSeq(item) || item.items.length !== 2)
      throw lines.error(`expected a (name, input) pair in ${where}, got ${describe(item)}`, item.start)
    const [name, fromNode] = item.items as [PyNode, PyNode]
    if (name.t !== 'str') throw lines.error(`expected a name string in ${where}, got ${describe(name)}`, name.start)
    const from = integer(fromNode, 'input index', lines)
    if (from < 0 || from >= limit)
      throw lines.error(`${where}: input ${from} is out of range (this node may only take 0..${limit - 1})`, fromNode.start)
    if (seen.has(from)) throw lines.error(`${where}: input ${from} appears twice`, fromNode.start)
    seen.add(from)
    return { name, from }
  })
}

function motifOf(node: PyNode, where: string, lines: LineMap): MotifGenotype {
  if (!isSeq(node) || node.items.length === 0)
    throw lines.error(`${where} must be a non-empty list of nodes, each a list of ('primitive', input) pairs`, node.start)
  const nodes = node.items.map((n, k): MotifEdge[] =>
    pairs(n, `${where} node ${k + 1}`, k + 1, lines).map(({ name, from }) => {
      if (!isLevel0Op(name.value))
        throw lines.error(`unknown primitive "${name.value}" in ${where}; valid: ${HDARTS_LEVEL0_OPS.join(', ')}`, name.start)
      return { op: name.value, from }
    }),
  )
  return { nodes }
}

function cellNodesOf(node: PyNode, which: string, motifs: number, lines: LineMap): HCellEdge[][] {
  if (!isSeq(node) || node.items.length === 0)
    throw lines.error(`${which} must be a non-empty list of nodes, each a list of ('motif_<k>', input) pairs`, node.start)
  return node.items.map((n, i) =>
    pairs(n, `${which} cell node ${i + 2}`, i + 2, lines).map(({ name, from }) => {
      const k = motifIndexOf(name.value)
      if (k === undefined)
        throw lines.error(`expected a motif name such as 'motif_0' in ${which}, got ${snippet(name.value)}`, name.start)
      if (k >= motifs) throw lines.error(`${motifName(k)} does not exist (${which}_motifs has ${motifs})`, name.start)
      return { motif: k, from }
    }),
  )
}

function concatOf(n: PyNode, which: string, states: number, lines: LineMap): number[] {
  let values: number[]
  if (isSeq(n)) values = n.items.map((s) => integer(s, `${which}_concat entry`, lines))
  else if (n.t === 'call' && n.callee === 'range' && n.args.length === 2 && n.kwargs.length === 0) {
    const [a, b] = n.args.map((x) => integer(x, 'range() argument', lines)) as [number, number]
    values = Array.from({ length: Math.max(0, Math.min(b, a + 1024) - a) }, (_, k) => a + k)
  } else throw lines.error(`${which}_concat must be range(a, b) or a list of state indices, got ${describe(n)}`, n.start)
  const seen = new Set<number>()
  if (values.length === 0) throw lines.error(`${which}_concat is empty`, n.start)
  for (const s of values) {
    if (s < 0 || s >= states)
      throw lines.error(`${which}_concat names state ${s}, but the cell only has states 0..${states - 1}`, n.start)
    if (seen.has(s)) throw lines.error(`${which}_concat names state ${s} twice`, n.start)
    seen.add(s)
  }
  return values
}

function convertCall(call: PyCall, lines: LineMap): HdartsGenotype {
  const args = new Map<string, PyNode>()
  call.args.forEach((value, i) => {
    const field = HGENOTYPE_FIELDS[i]
    if (field === undefined) throw lines.error(`HGenotype takes at most ${HGENOTYPE_FIELDS.length} arguments`, value.start)
    args.set(field, value)
  })
  for (const kw of call.kwargs) {
    if (!(HGENOTYPE_FIELDS as readonly string[]).includes(kw.name))
      throw lines.error(`unknown keyword argument "${kw.name}" (HGenotype fields: ${HGENOTYPE_FIELDS.join(', ')})`, kw.start)
    if (args.has(kw.name)) throw lines.error(`duplicate argument "${kw.name}"`, kw.start)
    args.set(kw.name, kw.value)
  }
  const need = (name: string): PyNode => {
    const v = args.get(name)
    if (!v) throw lines.error(`HGenotype(...) is missing the ${name} argument`, call.start)
    return v
  }
  const cell = (which: 'normal' | 'reduce'): HCellGenotype => {
    const list = need(`${which}_motifs`)
    if (!isSeq(list) || list.items.length === 0)
      throw lines.error(`${which}_motifs must be a non-empty list of motifs`, list.start)
    const motifs = list.items.map((m, k) => motifOf(m, `${which} ${motifName(k)}`, lines))
    const nodes = cellNodesOf(need(which), which, motifs.length, lines)
    return { motifs, nodes, concat: concatOf(need(`${which}_concat`), which, nodes.length + 2, lines) }
  }
  const g: HdartsGenotype = { kind: 'hdarts', normal: cell('normal'), reduce: cell('reduce') }
  try {
    validateHdarts(g) // everything was checked in place above; this keeps the model's rules authoritative
  } catch (err) {
    if (err instanceof GenotypeError) throw lines.error(err.message, call.start)
    throw err
  }
  return g
}

function parseCalls(text: string, lines: LineMap): NamedHGenotype[] {
  const ranges = nonCodeRanges(text)
  const isCode = (o: number) => !ranges.some(([a, b]) => o >= a && o < b)
  const unique = uniqueNamer()
  const out: NamedHGenotype[] = []
  const site = new RegExp(CALL_SITE.source, 'g')
  let m: RegExpExecArray | null
  while ((m = site.exec(text))) {
    if (!isCode(m.index)) continue
    const call = new PyParser(text, m.index, lines).call()
    site.lastIndex = call.end
    const before = text.slice(Math.max(0, m.index - 200), m.index)
    const named = NAME_BEFORE.exec(before)
    const nameAt = named ? m.index - before.length + named.index : m.index
    out.push({
      name: unique(named?.[1] ?? 'hgenotype'),
      aliases: [],
      genotype: convertCall(call, lines),
      format: 'hdarts',
      line: lines.pos(nameAt).line,
    })
  }
  if (out.length === 0) throw new GenotypeError('no HDARTS genotype found: expected HGenotype(...) or hdarts.hgenotype JSON')
  return out
}

// ---- hdarts.hgenotype JSON ----

const int = z.number().int()
const jsonCell = z.strictObject({
  motifs: z.array(z.strictObject({ nodes: z.array(z.array(z.strictObject({ op: z.string(), from: int }))) })),
  nodes: z.array(z.array(z.strictObject({ motif: int, from: int }))),
  concat: z.array(int),
})
const jsonDocument = z.strictObject({
  schema: z.literal(HGENOTYPE_JSON_SCHEMA),
  version: z.literal(HGENOTYPE_JSON_VERSION),
  genotypes: z
    .array(
      z.strictObject({ name: z.string().min(1), aliases: z.array(z.string()).optional(), normal: jsonCell, reduce: jsonCell }),
    )
    .min(1),
})

/** Already-decoded JSON → genotypes; the first problem as one line naming its path. */
export function fromHdartsJsonValue(value: unknown): NamedHGenotype[] {
  const version = (value as { version?: unknown } | null)?.version
  if (version !== undefined && version !== HGENOTYPE_JSON_VERSION)
    throw new GenotypeError(
      `unsupported ${HGENOTYPE_JSON_SCHEMA} version ${JSON.stringify(version)} (this build reads version ${HGENOTYPE_JSON_VERSION})`,
    )
  const r = jsonDocument.safeParse(value)
  if (!r.success) {
    const issue = r.error.issues[0]!
    const path = issue.path.reduce<string>(
      (p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)),
      '',
    )
    throw new GenotypeError(
      `not a ${HGENOTYPE_JSON_SCHEMA} v${HGENOTYPE_JSON_VERSION} document: ${path || '(document)'}: ${issue.message}`,
    )
  }
  return r.data.genotypes.map((e, k) => {
    const genotype: HdartsGenotype = { kind: 'hdarts', normal: e.normal, reduce: e.reduce }
    try {
      validateHdarts(genotype)
    } catch (err) {
      if (err instanceof GenotypeError) throw new GenotypeError(`genotypes[${k}] (${e.name}): ${err.message}`)
      throw err
    }
    return { name: e.name, aliases: e.aliases ?? [], genotype, format: 'json' as const }
  })
}

class JsonSyntax {
  constructor(
    readonly at: number,
    readonly message: string,
  ) {}
}

/**
 * Where and why JSON.parse refused `s`: its messages differ by engine and some carry no position, so a
 * small scanner finds the first offending character itself.
 */
function jsonSyntaxError(s: string): JsonSyntax {
  let i = 0
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i]!)) i++
  }
  const fail = (what: string): never => {
    throw new JsonSyntax(i, `${what}, found ${i < s.length ? snippet(s[i]!) : 'end of input'}`)
  }
  const str = () => {
    let j = i + 1
    while (j < s.length && s[j] !== '"' && s[j] !== '\n') j += s[j] === '\\' ? 2 : 1
    if (s[j] !== '"') fail('unterminated string')
    i = j + 1
  }
  const value = (depth: number): void => {
    ws()
    const open = s[i]
    if (depth > 64) fail('nesting is too deep')
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']'
      i++
      ws()
      if (s[i] === close) return void i++
      for (;;) {
        if (open === '{') {
          ws()
          if (s[i] !== '"') fail('expected a property name in quotes')
          str()
          ws()
          if (s[i] !== ':') fail("expected ':'")
          i++
        }
        value(depth + 1)
        ws()
        if (s[i] === ',') i++
        else if (s[i] === close) return void i++
        else fail(`expected ',' or '${close}'`)
      }
    }
    if (open === '"') return str()
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i, i + 400))
    if (!m) fail('expected a value')
    i += m![0].length
  }
  try {
    value(0)
    ws()
    if (i < s.length) fail('unexpected text after the JSON document')
  } catch (err) {
    if (err instanceof JsonSyntax) return err
    throw err
  }
  return new JsonSyntax(0, 'invalid escape or control character in a string') // what JSON.parse alone refuses
}

function parseJson(text: string, lines: LineMap): NamedHGenotype[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    const e = jsonSyntaxError(text)
    throw lines.error(`invalid JSON: ${e.message}`, e.at)
  }
  const start = text.search(/\S/)
  try {
    return fromHdartsJsonValue(value).map((g) => ({ ...g, line: lines.pos(start).line }))
  } catch (err) {
    if (err instanceof GenotypeError) throw lines.error(err.message, start)
    throw err
  }
}

/** `HGenotype(...)` text (one or several, `NAME = HGenotype(...)` names them) or `hdarts.hgenotype` JSON. */
export function parseHdartsText(text: string, lines: LineMap): NamedHGenotype[] {
  const first = /\S/.exec(text)?.[0]
  return first === '{' || first === '[' ? parseJson(text, lines) : parseCalls(text, lines)
}
