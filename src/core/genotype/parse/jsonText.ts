/**
 * A strict JSON parser that reports syntax errors as line:column (JSON.parse's messages differ by
 * engine and often lack a position) and remembers where every value starts, so schema errors
 * from json.ts can point into the document too.
 */
import { fromJsonValue } from '../json'
import { GenotypeError, type NamedGenotype } from '../model'
import { type LineMap, snippet } from './position'

const MAX_DEPTH = 64
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const WORDS: Record<string, unknown> = { true: true, false: false, null: null }

type Key = string | number

class JsonParser {
  private i = 0
  /** Start offset of each container's children, keyed by property name or index. */
  readonly childAt = new WeakMap<object, Map<Key, number>>()

  constructor(
    private readonly s: string,
    private readonly lines: LineMap,
  ) {}

  document(): unknown {
    const value = this.value(0)
    this.space()
    if (this.i < this.s.length) throw this.fail(`unexpected ${this.found()} after the end of the JSON document`)
    return value
  }

  private fail(message: string, at = this.i): GenotypeError {
    return this.lines.error(`invalid JSON: ${message}`, at)
  }

  private found(): string {
    if (this.i >= this.s.length) return 'end of input'
    return snippet(this.s.slice(this.i, this.i + 1))
  }

  private space(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++
  }

  private value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw this.fail(`nesting is deeper than ${MAX_DEPTH} levels`)
    this.space()
    const c = this.s[this.i]
    if (c === '{') return this.container(depth, '{', '}')
    if (c === '[') return this.container(depth, '[', ']')
    if (c === '"') return this.string()
    NUMBER.lastIndex = this.i
    const num = NUMBER.exec(this.s)
    if (num) {
      this.i = NUMBER.lastIndex
      return Number(num[0])
    }
    const word = /^[a-z]+/.exec(this.s.slice(this.i, this.i + 6))?.[0]
    if (word !== undefined && word in WORDS) {
      this.i += word.length
      return WORDS[word]
    }
    throw this.fail(`expected a value, found ${this.found()}`)
  }

  private string(): string {
    const start = this.i
    let j = start + 1
    while (j < this.s.length && this.s[j] !== '"' && this.s[j] !== '\n') j += this.s[j] === '\\' ? 2 : 1
    if (j >= this.s.length || this.s[j] !== '"') throw this.fail('unterminated string', start)
    this.i = j + 1
    try {
      return JSON.parse(this.s.slice(start, j + 1)) as string // decodes escapes exactly as JSON defines them
    } catch {
      throw this.fail('invalid escape or control character in string', start)
    }
  }

  private container(depth: number, open: '{' | '[', close: '}' | ']'): unknown {
    const openAt = this.i++
    const obj: Record<string, unknown> | unknown[] = open === '{' ? {} : []
    const at = new Map<Key, number>()
    this.childAt.set(obj, at)
    this.space()
    if (this.s[this.i] === close) {
      this.i++
      return obj
    }
    const neverClosed = () => this.fail(`'${open}' opened at ${this.lines.at(openAt)} was never closed`, openAt)
    for (;;) {
      this.space()
      if (this.i >= this.s.length) throw neverClosed()
      let key: Key
      if (Array.isArray(obj)) key = obj.length
      else {
        if (this.s[this.i] !== '"') throw this.fail(`expected a property name in quotes, found ${this.found()}`)
        key = this.string()
        this.space()
        if (this.s[this.i] !== ':') throw this.fail(`expected ':' after property name, found ${this.found()}`)
        this.i++
        this.space()
      }
      at.set(key, this.i)
      const v = this.value(depth + 1)
      // defineProperty, so a "__proto__" key is data and not a prototype change.
      if (Array.isArray(obj)) obj.push(v)
      else Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true })
      this.space()
      const c = this.s[this.i]
      if (c === ',') {
        this.i++
        continue
      }
      if (c === close) {
        this.i++
        return obj
      }
      if (c === undefined) throw neverClosed()
      throw this.fail(
        `expected ',' or '${close}' (to close the '${open}' opened at ${this.lines.at(openAt)}), found ${this.found()}`,
      )
    }
  }
}

/** Parses hdarts genotype JSON; schema errors point at the offending value when the path resolves. */
export function parseJsonGenotypes(text: string, lines: LineMap): NamedGenotype[] {
  const parser = new JsonParser(text, lines)
  const start = text.search(/\S/)
  const value = parser.document()
  const isBare = typeof value === 'object' && value !== null && !Array.isArray(value) && 'space' in value && !('schema' in value)
  const entryAt = (k: number): number => (isBare ? start : (find(value, ['genotypes', k], parser.childAt) ?? start))
  let list: NamedGenotype[]
  try {
    list = fromJsonValue(value)
  } catch (err) {
    if (!(err instanceof GenotypeError)) throw err
    throw lines.error(err.message, locateIssue(err.message, value, isBare, parser.childAt) ?? start)
  }
  return list.map((g, k) => ({ ...g, line: lines.pos(entryAt(k)).line }))
}

/** Offset of the deepest value along `path` that exists. */
function find(root: unknown, path: readonly Key[], childAt: WeakMap<object, Map<Key, number>>): number | undefined {
  let node = root
  let at: number | undefined
  for (const key of path) {
    if (typeof node !== 'object' || node === null) break
    const pos = childAt.get(node)?.get(key)
    if (pos === undefined) break
    at = pos
    node = (node as Record<Key, unknown>)[key]
  }
  return at
}

/** Reads the path json.ts puts in its messages (`genotypes[0].normal.nodes[1][0].op: …`). */
function locateIssue(
  message: string,
  root: unknown,
  isBare: boolean,
  childAt: WeakMap<object, Map<Key, number>>,
): number | undefined {
  const m = /document: ([^\s:]+):/.exec(message) ?? /^(genotypes\[\d+\])/.exec(message)
  if (!m) return undefined
  const path: Key[] = [...m[1]!.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((p) => (p[2] !== undefined ? Number(p[2]) : p[1]!))
  return find(root, isBare && path[0] === 'genotypes' ? path.slice(2) : path, childAt)
}
