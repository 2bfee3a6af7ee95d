/**
 * A tiny XML well-formedness checker for exported SVGs (no regexes, no dependencies): elements nest
 * and close in order, attributes are quoted and unique, entities are known. Returns the element tree.
 */
export interface XmlElement {
  readonly name: string
  readonly attrs: Record<string, string>
  readonly children: XmlElement[]
  text: string
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const isNameChar = (c: string) =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-' || c === '_' || c === ':' || c === '.'
const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r'

export function parseXml(src: string): XmlElement {
  let i = 0
  const fail = (msg: string): never => {
    throw new Error(`XML error at offset ${i}: ${msg}`)
  }
  const skipSpace = () => {
    while (isSpace(src[i])) i++
  }
  const name = () => {
    const start = i
    while (i < src.length && isNameChar(src[i]!)) i++
    if (i === start) fail('expected a name')
    return src.slice(start, i)
  }
  const decode = (raw: string) => {
    let out = ''
    for (let k = 0; k < raw.length; k++) {
      if (raw[k] === '<') fail('raw < in text or attribute')
      if (raw[k] !== '&') {
        out += raw[k]
        continue
      }
      const end = raw.indexOf(';', k)
      if (end < 0) fail('unterminated entity')
      const ent = raw.slice(k + 1, end)
      if (ent.startsWith('#')) out += String.fromCodePoint(ent[1] === 'x' ? parseInt(ent.slice(2), 16) : Number(ent.slice(1)))
      else if (ENTITIES[ent] !== undefined) out += ENTITIES[ent]
      else fail(`unknown entity &${ent};`)
      k = end
    }
    return out
  }
  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>')
    if (end < 0) fail('unterminated XML declaration')
    i = end + 2
  }
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  while (i < src.length) {
    if (src[i] !== '<') {
      const next = src.indexOf('<', i)
      const raw = src.slice(i, next < 0 ? src.length : next)
      const text = decode(raw)
      if (stack.length === 0) {
        for (const c of text) if (!isSpace(c)) fail('text outside the root element')
      } else stack.at(-1)!.text += text
      i = next < 0 ? src.length : next
      continue
    }
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i)
      if (end < 0) fail('unterminated comment')
      i = end + 3
      continue
    }
    if (src[i + 1] === '/') {
      i += 2
      const n = name()
      skipSpace()
      if (src[i] !== '>') fail('expected > in end tag')
      i++
      const open = stack.pop()
      if (!open || open.name !== n) fail(`</${n}> closes <${open?.name ?? 'nothing'}>`)
      continue
    }
    i++
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' }
    for (;;) {
      const hadSpace = isSpace(src[i])
      skipSpace()
      if (src[i] === '>' || src.startsWith('/>', i)) break
      if (!hadSpace) fail('attributes must be separated by whitespace')
      const a = name()
      skipSpace()
      if (src[i] !== '=') fail(`attribute ${a} has no value`)
      i++
      skipSpace()
      const q = src[i]
      if (q !== '"' && q !== "'") fail(`attribute ${a} is not quoted`)
      const end = src.indexOf(q!, i + 1)
      if (end < 0) fail('unterminated attribute value')
      if (a in el.attrs) fail(`duplicate attribute ${a}`)
      el.attrs[a] = decode(src.slice(i + 1, end))
      i = end + 1
    }
    if (stack.length) stack.at(-1)!.children.push(el)
    else if (root) fail('second root element')
    else root = el
    if (src.startsWith('/>', i)) i += 2
    else {
      i++
      stack.push(el)
    }
  }
  if (stack.length) fail(`<${stack.at(-1)!.name}> is never closed`)
  if (!root) fail('no root element')
  return root!
}

export function* walk(el: XmlElement): Generator<XmlElement> {
  yield el
  for (const c of el.children) yield* walk(c)
}

/** Text content of an element and its descendants. */
export const textOf = (el: XmlElement): string => el.text + el.children.map(textOf).join('')
