/**
 * A lazy tokenizer for the Python-literal subset a `Genotype(...)` call uses. It starts at any
 * offset, so the scanner can parse call sites inside arbitrary log text without lexing the rest.
 * Everything is inside brackets, so newlines, comments and `\` continuations are all just space.
 */
import type { LineMap } from './position'

export type TokenKind = 'name' | 'num' | 'str' | 'op' | 'eof'

export interface Token {
  readonly kind: TokenKind
  /** Raw text for names, numbers and ops; the decoded value for strings. */
  readonly text: string
  readonly start: number
  readonly end: number
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y
const NUMBER = /(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJlL]?/y
const STRING_PREFIX = /^(?:[uUrR]|[rR][bB]|[bB][rR]?|[fF][rR]?|[rR][fF])$/
const TWO_CHAR_OPS = new Set(['**', '//', '==', '!=', '<=', '>=', '->', ':=', '<<', '>>'])

export class Tokenizer {
  private readonly buffer: Token[] = []

  constructor(
    private readonly src: string,
    private offset: number,
    private readonly lines: LineMap,
  ) {}

  next(): Token {
    return this.buffer.shift() ?? this.scan()
  }

  /** Looks `k` tokens ahead (0 = the next token) without consuming. */
  peek(k = 0): Token {
    while (this.buffer.length <= k) this.buffer.push(this.scan())
    return this.buffer[k]!
  }

  private skipSpace(): void {
    const s = this.src
    while (this.offset < s.length) {
      const c = s[this.offset]!
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') this.offset++
      else if (c === '#') {
        const nl = s.indexOf('\n', this.offset)
        this.offset = nl === -1 ? s.length : nl
      } else if (c === '\\' && (s[this.offset + 1] === '\n' || (s[this.offset + 1] === '\r' && s[this.offset + 2] === '\n')))
        this.offset += s[this.offset + 1] === '\n' ? 2 : 3
      else return
    }
  }

  private scan(): Token {
    this.skipSpace()
    const s = this.src
    const start = this.offset
    if (start >= s.length) return { kind: 'eof', text: '', start, end: start }
    const c = s[start]!
    NAME.lastIndex = start
    const name = NAME.exec(s)
    if (name) {
      const next = s[start + name[0].length]
      if ((next === "'" || next === '"') && STRING_PREFIX.test(name[0])) return this.string(start, start + name[0].length)
      this.offset = NAME.lastIndex
      return { kind: 'name', text: name[0], start, end: this.offset }
    }
    if (c === "'" || c === '"') return this.string(start, start)
    NUMBER.lastIndex = start
    const num = NUMBER.exec(s)
    if (num) {
      this.offset = NUMBER.lastIndex
      return { kind: 'num', text: num[0], start, end: this.offset }
    }
    const two = s.slice(start, start + 2)
    this.offset += TWO_CHAR_OPS.has(two) ? 2 : c.length
    return { kind: 'op', text: s.slice(start, this.offset), start, end: this.offset }
  }

  /** A quoted string; escapes are refused because no op name needs one and decoding them is a trap. */
  private string(start: number, quoteAt: number): Token {
    const s = this.src
    const q = s[quoteAt]!
    const triple = s.startsWith(q + q + q, quoteAt)
    const close = triple ? q + q + q : q
    let i = quoteAt + close.length
    for (;;) {
      if (i >= s.length || (!triple && s[i] === '\n'))
        throw this.lines.error(`unterminated string (the ${close} opened at ${this.lines.at(quoteAt)} is never closed)`, quoteAt)
      if (s[i] === '\\') throw this.lines.error('string escapes (\\) are not supported in op names', i)
      if (s.startsWith(close, i)) break
      i++
    }
    this.offset = i + close.length
    return { kind: 'str', text: s.slice(quoteAt + close.length, i), start, end: this.offset }
  }
}
