/**
 * Genotype text → NamedGenotype[], whatever the source: DARTS-family `Genotype(...)` text (files,
 * logs, D-X-Y and FairDARTS variants), NAS-Bench-201 arch strings or the project's JSON.
 * Every failure is a GenotypeError with a one-line message and, where it applies, line:column.
 */
import type { NamedHGenotype } from '../hdarts'
import { looksLikeHdarts, parseHdartsText } from '../hdartsText'
import { GenotypeError, type NamedGenotype } from '../model'
import { parseJsonGenotypes } from './jsonText'
import { looksLikeNb201, parseNb201Text } from './nb201'
import { LineMap } from './position'
import { parsePythonGenotypes } from './python'

export type TextFormat = 'json' | 'nb201' | 'python' | 'hdarts'

export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024
const MiB = 1024 * 1024

export function detectFormat(text: string): TextFormat {
  if (looksLikeHdarts(text.replace(/^\uFEFF/, ''))) return 'hdarts' // HGenotype(...) or hdarts.hgenotype JSON
  const first = /\S/.exec(text.replace(/^\uFEFF/, ''))?.[0]
  if (first === '{' || first === '[') return 'json'
  if (/\bGenotype\s*\(/.test(text)) return 'python'
  if (looksLikeNb201(text)) return 'nb201'
  return 'python' // its scanner reports "no genotype found"
}

export function parseGenotypes(text: string, opts: { maxBytes?: number } = {}): NamedGenotype[] {
  const { body, lines } = prepare(text, opts)
  switch (detectFormat(body)) {
    case 'hdarts':
      throw new GenotypeError('this is an HDARTS motif genotype (HGenotype), not a DARTS-space or NAS-Bench-201 cell')
    case 'json':
      return parseJsonGenotypes(body, lines)
    case 'nb201':
      return parseNb201Text(body, lines)
    case 'python':
      try {
        return parsePythonGenotypes(body, lines)
      } catch (err) {
        // Arch strings next to a commented-out or docstring Genotype(...) are still arch strings.
        if (err instanceof GenotypeError && err.message.startsWith('no genotype found') && looksLikeNb201(body))
          return parseNb201Text(body, lines)
        throw err
      }
  }
}

/** Every format, HDARTS motif genotypes included (their `genotype.kind` is 'hdarts'). */
export function parseAnyGenotypes(text: string, opts: { maxBytes?: number } = {}): (NamedGenotype | NamedHGenotype)[] {
  const { body, lines } = prepare(text, opts)
  return detectFormat(body) === 'hdarts' ? parseHdartsText(body, lines) : parseGenotypes(text, opts)
}

/** Size, binary and emptiness checks shared by the parsers; the body without its BOM. */
function prepare(text: string, opts: { maxBytes?: number }): { body: string; lines: LineMap } {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES
  // Cheap bounds first: chars ≤ UTF-8 bytes ≤ 3 × chars, so most inputs skip the exact count.
  if (text.length * 3 > maxBytes) {
    const bytes = utf8Length(text)
    if (bytes > maxBytes)
      throw new GenotypeError(`input is too large: ${formatMiB(bytes)} MiB (limit ${formatMiB(maxBytes)} MiB)`)
  }
  if (text.includes('\0') || looksBinary(text)) throw new GenotypeError('input is binary, not genotype text')
  const body = text.replace(/^\uFEFF/, '')
  if (body.trim() === '') throw new GenotypeError('input is empty')
  return { body, lines: new LineMap(body) }
}

/** Finds a genotype by name, then by alias; the error lists what there is (capped for long logs). */
export function selectGenotype(list: readonly NamedGenotype[], name: string): NamedGenotype {
  const hit = list.find((g) => g.name === name) ?? list.find((g) => g.aliases.includes(name))
  if (hit) return hit
  const shown = list.slice(0, 20).map((g) => (g.aliases.length ? `${g.name} (${g.aliases.join(', ')})` : g.name))
  const more = list.length > shown.length ? `, … and ${list.length - shown.length} more` : ''
  throw new GenotypeError(
    list.length === 0
      ? `no genotype named "${name}": the input has none`
      : `no genotype named "${name}"; available: ${shown.join(', ')}${more}`,
  )
}

function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4 // a surrogate pair is one 4-byte code point
      i++
    } else n += 3
  }
  return n
}

const formatMiB = (bytes: number): string => {
  const v = bytes / MiB
  return v >= 10 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(v < 0.1 ? 3 : 1)
}

/**
 * Decoded binary shows up as control characters and U+FFFD; text has almost none. Looking at the
 * first 64 KiB is enough to tell and keeps an 8 MiB input cheap.
 */
function looksBinary(text: string): boolean {
  const sample = text.slice(0, 65536)
  const odd = sample.match(/[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]/g)?.length ?? 0
  return sample.length > 0 && odd / sample.length > 0.25
}
