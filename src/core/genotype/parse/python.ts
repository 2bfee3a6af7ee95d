/**
 * Finds `Genotype(...)` calls in Python source or in any text that embeds them (training logs).
 * Rather than parse the whole file as Python, it scans for call sites outside comments and
 * docstrings, names each from an `IDENT =` before it, and parses only the call itself.
 */
import { GenotypeError, type NamedGenotype } from '../model'
import { convertGenotypeCall, DEFAULT_FIELDS } from './dartsCall'
import { firstVariable, isLiteral, type PyCall, PyParser } from './pyexpr'
import { uniqueNamer } from './names'
import type { LineMap } from './position'

const CALL_SITE = /\bGenotype\s*\(/g
const NAMEDTUPLE_SITE = /\bnamedtuple\s*\(/g
/** `NAME = `, `NAME: Genotype = ` or `NAME = \` + newline right before the call, on one logical line. */
const NAME_BEFORE = /([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[ \t]*[A-Za-z_][\w.]*[ \t]*)?=[ \t]*(?:\\\r?\n[ \t]*)*$/
const ALIAS_LINE = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:#.*)?\r?$/gm

/**
 * Offsets that are not code: `#` comments and triple-quoted strings (docstrings often quote a
 * Genotype). Single-line strings are tracked only so a `#` or `"""` inside one is not misread;
 * a call inside one still counts, because log text is full of stray apostrophes.
 */
export function nonCodeRanges(text: string): [number, number][] {
  const ranges: [number, number][] = []
  const special = /[#'"]/g
  let m: RegExpExecArray | null
  while ((m = special.exec(text))) {
    const i = m.index
    const c = m[0]
    let end: number
    if (c === '#') {
      end = text.indexOf('\n', i)
      if (end === -1) end = text.length
      ranges.push([i, end])
    } else if (text.startsWith(c + c + c, i)) {
      end = text.indexOf(c + c + c, i + 3)
      end = end === -1 ? text.length : end + 3
      ranges.push([i, end])
    } else {
      end = i + 1
      while (end < text.length && text[end] !== c && text[end] !== '\n') end += text[end] === '\\' ? 2 : 1
      end++
    }
    special.lastIndex = end
  }
  return ranges
}

function inRanges(ranges: readonly [number, number][], offset: number): boolean {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [a, b] = ranges[mid]!
    if (offset < a) hi = mid - 1
    else if (offset >= b) lo = mid + 1
    else return true
  }
  return false
}

/** Start of a dotted callee ending at `offset` (`genotypes.Genotype` → offset of `genotypes`). */
function qualifiedStart(text: string, offset: number): number {
  let s = offset
  while (s > 0 && text[s - 1] === '.') {
    let k = s - 1
    while (k > 0 && /[A-Za-z0-9_]/.test(text[k - 1]!)) k--
    if (k === s - 1) break
    s = k
  }
  return s
}

/** Field orders declared by `Genotype = namedtuple('Genotype', ...)`, by offset. */
function namedtupleFields(text: string, lines: LineMap, isCode: (o: number) => boolean): { at: number; fields: string[] }[] {
  const defs: { at: number; fields: string[] }[] = []
  for (const m of text.matchAll(NAMEDTUPLE_SITE)) {
    if (!isCode(m.index)) continue
    let call: PyCall
    try {
      call = new PyParser(text, m.index, lines).call()
    } catch (err) {
      if (err instanceof GenotypeError) continue // someone else's namedtuple; not our input to judge
      throw err
    }
    const [typeName, spec = call.kwargs.find((k) => k.name === 'field_names')?.value] = call.args
    if (typeName?.t !== 'str' || typeName.value !== 'Genotype' || !spec) continue
    const names =
      spec.t === 'str'
        ? spec.value.split(/[\s,]+/).filter(Boolean)
        : (spec.t === 'list' || spec.t === 'tuple') && spec.items.every((i) => i.t === 'str')
          ? spec.items.map((i) => (i as { value: string }).value)
          : undefined
    if (names?.length) defs.push({ at: m.index, fields: names })
  }
  return defs
}

interface Found {
  readonly at: number
  readonly rawName: string | undefined
  readonly entry: Omit<NamedGenotype, 'name' | 'aliases'>
}

export function parsePythonGenotypes(text: string, lines: LineMap): NamedGenotype[] {
  const ranges = nonCodeRanges(text)
  const isCode = (o: number) => !inRanges(ranges, o)
  const fieldDefs = namedtupleFields(text, lines, isCode)
  const found: Found[] = []
  let skipped: { at: number; variable: string } | undefined
  const site = new RegExp(CALL_SITE.source, 'g')
  let m: RegExpExecArray | null
  while ((m = site.exec(text))) {
    if (!isCode(m.index)) continue
    const start = qualifiedStart(text, m.index)
    const call = new PyParser(text, start, lines).call()
    site.lastIndex = call.end
    if (!call.args.every(isLiteral) || !call.kwargs.every((k) => isLiteral(k.value))) {
      // Code such as `Genotype(normal=gene_normal, ...)` in model_search.py builds a genotype; it is not one.
      skipped ??= { at: call.start, variable: firstVariable(call) ?? 'a variable' }
      continue
    }
    const fields = fieldDefs.filter((d) => d.at < start).at(-1)?.fields ?? DEFAULT_FIELDS
    const { genotype, format } = convertGenotypeCall(call, fields, lines)
    const before = text.slice(Math.max(0, start - 200), start)
    const named = NAME_BEFORE.exec(before)
    const nameAt = named ? start - before.length + named.index : start
    found.push({ at: start, rawName: named?.[1], entry: { genotype, format, line: lines.pos(nameAt).line } })
  }
  if (found.length === 0) {
    if (skipped)
      throw lines.error(
        `no genotype found: the Genotype(...) here is built from Python variables (${skipped.variable}), not literal values`,
        skipped.at,
      )
    throw new GenotypeError('no genotype found: expected Genotype(...), a NAS-Bench-201 string or hdarts genotype JSON')
  }
  return nameAndAlias(text, found, isCode)
}

/**
 * Gives every genotype a unique name (repeats get `_2`, `_3` in order; unnamed ones are
 * `genotype`) and applies `ALIAS = NAME` lines in program order, as Python would bind them.
 */
function nameAndAlias(text: string, found: readonly Found[], isCode: (o: number) => boolean): NamedGenotype[] {
  const aliases = [...text.matchAll(ALIAS_LINE)]
    .map((a) => ({ at: a.index + a[0].search(/\S/), alias: a[1]!, target: a[2]! }))
    .filter((a) => isCode(a.at))
  const unique = uniqueNamer()
  const out: { name: string; aliases: string[]; entry: Found['entry'] }[] = []
  const bound = new Map<string, number>()
  let next = 0
  const bindUpTo = (limit: number) => {
    while (next < aliases.length && aliases[next]!.at < limit) {
      const { alias, target } = aliases[next++]!
      const idx = bound.get(target)
      if (idx === undefined) continue
      const item = out[idx]!
      if (alias !== item.name && !item.aliases.includes(alias)) item.aliases.push(alias)
      bound.set(alias, idx)
    }
  }
  for (const f of found) {
    bindUpTo(f.at)
    const name = unique(f.rawName ?? 'genotype')
    out.push({ name, aliases: [], entry: f.entry })
    if (f.rawName) bound.set(f.rawName, out.length - 1)
  }
  bindUpTo(Infinity)
  return out.map(({ name, aliases: a, entry }) => ({ name, aliases: a, ...entry }))
}
