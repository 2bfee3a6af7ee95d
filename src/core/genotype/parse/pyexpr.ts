/**
 * A parser for Python literal expressions (strings, numbers, names, tuples, lists, calls), enough
 * for `Genotype(...)`, `range(2, 6)` and `namedtuple(...)`. Anything computed (`*`, `+`,
 * comprehensions) is refused by name rather than evaluated: a genotype must be data.
 */
import type { LineMap } from './position'
import { snippet } from './position'
import { type Token, Tokenizer } from './pytokens'

export type PyNode =
  | { readonly t: 'str'; readonly value: string; readonly start: number }
  | { readonly t: 'num'; readonly value: number; readonly raw: string; readonly start: number }
  | { readonly t: 'name'; readonly name: string; readonly start: number }
  | { readonly t: 'list' | 'tuple'; readonly items: readonly PyNode[]; readonly start: number }
  | { readonly t: 'subscript'; readonly target: PyNode; readonly start: number }
  | PyCall

export interface PyKwarg {
  readonly name: string
  readonly value: PyNode
  readonly start: number
}

export interface PyCall {
  readonly t: 'call'
  /** Dotted callee as written: `Genotype`, `genotypes.Genotype`, `range`. */
  readonly callee: string
  readonly args: readonly PyNode[]
  readonly kwargs: readonly PyKwarg[]
  readonly start: number
  /** Offset just past the closing parenthesis. */
  readonly end: number
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' }
const CLOSE_SET = new Set(Object.values(CLOSERS))
const MAX_DEPTH = 64

/** Tokens that can only continue an expression: naming them beats a vague "expected ','". */
const EXPRESSION_TOKENS: Record<string, string> = {
  '*': 'multiplication',
  '+': 'concatenation',
  '-': 'subtraction',
  '/': 'division',
  '//': 'division',
  '%': 'formatting',
  '**': 'power',
  '@': 'matrix product',
  '|': 'bitwise or',
  '&': 'bitwise and',
  '^': 'bitwise xor',
  '<<': 'shift',
  '>>': 'shift',
  '<': 'comparison',
  '>': 'comparison',
  '==': 'comparison',
  '!=': 'comparison',
  '<=': 'comparison',
  '>=': 'comparison',
  for: 'comprehension',
  if: 'conditional expression',
  and: 'boolean expression',
  or: 'boolean expression',
  not: 'boolean expression',
  in: 'membership test',
  is: 'identity test',
  lambda: 'lambda',
}

const describe = (tok: Token): string =>
  tok.kind === 'eof' ? 'end of input' : tok.kind === 'str' ? snippet(tok.text) : `'${tok.text}'`

export class PyParser {
  private readonly tok: Tokenizer
  private depth = 0

  constructor(
    src: string,
    offset: number,
    private readonly lines: LineMap,
  ) {
    this.tok = new Tokenizer(src, offset, lines)
  }

  /** Parses one call expression starting at the callee name; throws unless it is a call. */
  call(): PyCall {
    const node = this.primary()
    if (node.t !== 'call') throw this.lines.error('expected a call such as Genotype(...)', node.start)
    return node
  }

  expr(): PyNode {
    if (++this.depth > MAX_DEPTH) throw this.lines.error(`nesting is deeper than ${MAX_DEPTH} levels`, this.tok.peek().start)
    const node = this.primary()
    const next = this.tok.peek()
    const what = (next.kind === 'op' || next.kind === 'name') && EXPRESSION_TOKENS[next.text]
    if (what)
      throw this.lines.error(
        `Python expressions are not supported: ${what} ('${next.text}'); write the value out literally`,
        next.start,
      )
    this.depth--
    return node
  }

  private primary(): PyNode {
    const t = this.tok.next()
    if (t.kind === 'str') {
      let value = t.text
      while (this.tok.peek().kind === 'str') value += this.tok.next().text // 'a' 'b' is one string in Python
      return { t: 'str', value, start: t.start }
    }
    if (t.kind === 'num') return this.number(t, 1, t.start)
    if (t.kind === 'op' && (t.text === '-' || t.text === '+') && this.tok.peek().kind === 'num')
      return this.number(this.tok.next(), t.text === '-' ? -1 : 1, t.start)
    if (t.kind === 'name') return this.trailers(this.dotted(t))
    if (t.kind === 'op' && (t.text === '(' || t.text === '[')) {
      const { items, trailingComma } = this.sequence(t, false)
      const node: PyNode =
        t.text === '['
          ? { t: 'list', items, start: t.start }
          : items.length === 1 && !trailingComma
            ? items[0]!
            : { t: 'tuple', items, start: t.start }
      return this.trailers(node)
    }
    if (t.kind === 'op' && t.text === '{')
      throw this.lines.error('Python expressions are not supported: dict or set literal; write the value out literally', t.start)
    if (t.kind === 'op' && CLOSE_SET.has(t.text))
      throw this.lines.error(`unexpected '${t.text}': no bracket is open here`, t.start)
    throw this.lines.error(`expected a value, found ${describe(t)}`, t.start)
  }

  private number(t: Token, sign: number, start: number): PyNode {
    const value = Number(t.text.replace(/_/g, '').replace(/[jJlL]$/, ''))
    return { t: 'num', value: sign * value, raw: (sign < 0 ? '-' : '') + t.text, start }
  }

  private dotted(first: Token): PyNode {
    let name = first.text
    while (this.tok.peek().text === '.' && this.tok.peek(1).kind === 'name') {
      this.tok.next()
      name += '.' + this.tok.next().text
    }
    return { t: 'name', name, start: first.start }
  }

  /** Calls and subscripts after a value: `range(2, 6)`, `x[0]` (the latter only ever marks code). */
  private trailers(node: PyNode): PyNode {
    for (;;) {
      const p = this.tok.peek()
      if (p.kind !== 'op' || (p.text !== '(' && p.text !== '[')) return node
      const open = this.tok.next()
      if (open.text === '[') {
        this.sequence(open, false)
        node = { t: 'subscript', target: node, start: node.start }
        continue
      }
      if (node.t !== 'name') throw this.lines.error('Python expressions are not supported: calling a computed value', open.start)
      const { items, kwargs, end } = this.sequence(open, true)
      node = { t: 'call', callee: node.name, args: items, kwargs, start: node.start, end }
    }
  }

  /** Items up to the matching closer, with bracket-aware errors: which bracket, opened where. */
  private sequence(open: Token, isCall: boolean): { items: PyNode[]; kwargs: PyKwarg[]; trailingComma: boolean; end: number } {
    const closer = CLOSERS[open.text]!
    const items: PyNode[] = []
    const kwargs: PyKwarg[] = []
    const where = `the '${open.text}' opened at ${this.lines.at(open.start)}`
    let trailingComma = false
    for (;;) {
      let p = this.tok.peek()
      if (p.text === closer && p.kind === 'op') break
      this.checkClosing(p, open, closer, where)
      if (isCall && p.kind === 'name' && this.tok.peek(1).text === '=' && this.tok.peek(1).kind === 'op') {
        this.tok.next()
        this.tok.next()
        kwargs.push({ name: p.text, value: this.expr(), start: p.start })
      } else {
        if (isCall && kwargs.length > 0) throw this.lines.error('positional argument follows keyword argument', p.start)
        items.push(this.expr())
      }
      p = this.tok.peek()
      trailingComma = p.kind === 'op' && p.text === ','
      if (trailingComma) {
        this.tok.next()
        continue
      }
      if (p.kind === 'op' && p.text === closer) break
      this.checkClosing(p, open, closer, where)
      throw this.lines.error(`expected ',' or '${closer}' (to close ${where}), found ${describe(p)}`, p.start)
    }
    const end = this.tok.next().end
    return { items, kwargs, trailingComma, end }
  }

  private checkClosing(p: Token, open: Token, closer: string, where: string): void {
    if (p.kind === 'eof') throw this.lines.error(`'${open.text}' was never closed (expected '${closer}')`, open.start)
    if (p.kind === 'op' && CLOSE_SET.has(p.text))
      throw this.lines.error(`closing '${p.text}' does not match ${where} (expected '${closer}')`, p.start)
  }
}

/** True when a node is pure data: no variables, subscripts or calls other than range/list/tuple. */
export function isLiteral(node: PyNode): boolean {
  switch (node.t) {
    case 'str':
    case 'num':
      return true
    case 'name':
      return node.name === 'None' || node.name === 'True' || node.name === 'False'
    case 'list':
    case 'tuple':
      return node.items.every(isLiteral)
    case 'subscript':
      return false
    case 'call':
      return (
        ['range', 'list', 'tuple'].includes(node.callee) &&
        node.args.every(isLiteral) &&
        node.kwargs.every((k) => isLiteral(k.value))
      )
  }
}

/** The first variable a non-literal node uses, for "built from Python variables (gene_normal)". */
export function firstVariable(node: PyNode): string | undefined {
  if (node.t === 'name') return isLiteral(node) ? undefined : node.name
  if (node.t === 'subscript') return firstVariable(node.target) ?? 'a subscript'
  if (node.t === 'list' || node.t === 'tuple') return node.items.map(firstVariable).find((v) => v !== undefined)
  if (node.t === 'call') {
    const inner = [...node.args, ...node.kwargs.map((k) => k.value)].map(firstVariable).find((v) => v !== undefined)
    return inner ?? (isLiteral(node) ? undefined : `${node.callee}(...)`)
  }
  return undefined
}
