/**
 * The few TrueType tables a PDF needs to embed a font as FontFile2 with WinAnsi widths: head (units,
 * bbox), hhea + hmtx (advances), cmap format 4 (Unicode → glyph), OS/2 (cap height), post (italic
 * angle) and name (PostScript name). Pure: takes the file's bytes.
 */

export interface TtfMetrics {
  readonly postScriptName: string
  readonly unitsPerEm: number
  readonly bbox: readonly [number, number, number, number]
  readonly ascent: number
  readonly descent: number
  readonly capHeight: number
  readonly italicAngle: number
  /** Advance width of a Unicode code point in font units; the .notdef advance when unmapped. */
  advance(codePoint: number): number
  hasGlyph(codePoint: number): boolean
  /** Glyph id of a code point (0, .notdef, when unmapped). */
  glyph(codePoint: number): number
}

export class TtfError extends Error {}

export function parseTtf(bytes: Uint8Array): TtfMetrics {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const need = (off: number, len: number) => {
    if (off < 0 || off + len > bytes.length)
      throw new TtfError(`truncated font: table data at ${off}+${len} past end ${bytes.length}`)
  }
  need(0, 12)
  const version = dv.getUint32(0)
  if (version !== 0x00010000 && version !== 0x74727565) throw new TtfError('not a TrueType font (bad sfnt version)')
  const numTables = dv.getUint16(4)
  const tables = new Map<string, { off: number; len: number }>()
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i
    need(rec, 16)
    const tag = String.fromCharCode(...bytes.subarray(rec, rec + 4))
    tables.set(tag, { off: dv.getUint32(rec + 8), len: dv.getUint32(rec + 12) })
  }
  const table = (tag: string) => {
    const t = tables.get(tag)
    if (!t) throw new TtfError(`font has no '${tag}' table`)
    need(t.off, t.len)
    return t.off
  }
  const head = table('head')
  const unitsPerEm = dv.getUint16(head + 18)
  const bbox = [dv.getInt16(head + 36), dv.getInt16(head + 38), dv.getInt16(head + 40), dv.getInt16(head + 42)] as const
  const hhea = table('hhea')
  const ascent = dv.getInt16(hhea + 4)
  const descent = dv.getInt16(hhea + 6)
  const numHMetrics = dv.getUint16(hhea + 34)
  const hmtx = table('hmtx')
  const advanceOf = (glyph: number) => dv.getUint16(hmtx + 4 * Math.min(glyph, numHMetrics - 1))

  let capHeight = Math.round(ascent * 0.7)
  if (tables.has('OS/2')) {
    const os2 = table('OS/2')
    if (dv.getUint16(os2) >= 2 && tables.get('OS/2')!.len >= 90) capHeight = dv.getInt16(os2 + 88)
  }
  const italicAngle = tables.has('post') ? dv.getInt32(table('post') + 4) / 65536 : 0
  const glyphOf = parseCmap(dv, table('cmap'))
  return {
    postScriptName: parseName(dv, bytes, tables.has('name') ? table('name') : -1) ?? 'UnnamedFont',
    unitsPerEm,
    bbox,
    ascent,
    descent,
    capHeight,
    italicAngle,
    advance: (cp) => advanceOf(glyphOf(cp)),
    hasGlyph: (cp) => glyphOf(cp) !== 0,
    glyph: glyphOf,
  }
}

/** The Windows Unicode BMP subtable (3,1) or Unicode (0,x) in format 4. */
function parseCmap(dv: DataView, cmap: number): (cp: number) => number {
  const n = dv.getUint16(cmap + 2)
  let sub = -1
  for (let i = 0; i < n; i++) {
    const platform = dv.getUint16(cmap + 4 + 8 * i)
    const encoding = dv.getUint16(cmap + 6 + 8 * i)
    const off = cmap + dv.getUint32(cmap + 8 + 8 * i)
    if (dv.getUint16(off) !== 4) continue
    if ((platform === 3 && encoding === 1) || platform === 0) sub = off
    if (platform === 3) break
  }
  if (sub < 0) throw new TtfError('font has no Unicode BMP cmap (format 4)')
  const segX2 = dv.getUint16(sub + 6)
  const ends = sub + 14
  const starts = ends + segX2 + 2
  const deltas = starts + segX2
  const ranges = deltas + segX2
  return (cp) => {
    if (cp > 0xffff) return 0
    for (let s = 0; s < segX2; s += 2) {
      if (cp > dv.getUint16(ends + s)) continue
      const start = dv.getUint16(starts + s)
      if (cp < start) return 0
      const delta = dv.getInt16(deltas + s)
      const ro = dv.getUint16(ranges + s)
      if (ro === 0) return (cp + delta) & 0xffff
      const g = dv.getUint16(ranges + s + ro + 2 * (cp - start))
      return g === 0 ? 0 : (g + delta) & 0xffff
    }
    return 0
  }
}

/** PostScript name (name ID 6), from a Mac Roman or a Windows UTF-16BE record. */
function parseName(dv: DataView, bytes: Uint8Array, name: number): string | undefined {
  if (name < 0) return undefined
  const count = dv.getUint16(name + 2)
  const strings = name + dv.getUint16(name + 4)
  for (let i = 0; i < count; i++) {
    const rec = name + 6 + 12 * i
    if (dv.getUint16(rec + 6) !== 6) continue
    const platform = dv.getUint16(rec)
    const len = dv.getUint16(rec + 8)
    const off = strings + dv.getUint16(rec + 10)
    let s = ''
    if (platform === 3 || platform === 0) for (let k = 0; k + 1 < len; k += 2) s += String.fromCharCode(dv.getUint16(off + k))
    else s = String.fromCharCode(...bytes.subarray(off, off + len))
    const clean = s.replace(/[^\x21-\x7e]/g, '').replace(/[[\](){}<>/%#]/g, '')
    if (clean) return clean
  }
  return undefined
}
