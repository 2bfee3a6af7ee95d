/**
 * TrueType subsetting for PDF embedding: keeps the outlines of the glyphs a figure uses (and the
 * components of composite glyphs), empties the rest, and drops the layout tables a PDF viewer never
 * reads (GSUB, GPOS, kern, …). Glyph ids stay the same, so cmap, hmtx and the PDF's widths still
 * apply. DejaVu Sans goes from ~740 KB to ~90 KB before compression.
 */
import { TtfError } from './ttf'

/** What a PDF viewer needs of an embedded TrueType font (PDF 32000 §9.9), plus hinting. */
const KEEP = new Set([
  'cmap',
  'cvt ',
  'fpgm',
  'glyf',
  'head',
  'hhea',
  'hmtx',
  'loca',
  'maxp',
  'name',
  'OS/2',
  'post',
  'prep',
  'gasp',
])

export function subsetTtf(bytes: Uint8Array, glyphs: Iterable<number>): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const numTables = dv.getUint16(4)
  const tables = new Map<string, Uint8Array>()
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i
    const tag = String.fromCharCode(...bytes.subarray(rec, rec + 4))
    const off = dv.getUint32(rec + 8)
    const len = dv.getUint32(rec + 12)
    if (off + len > bytes.length) throw new TtfError(`truncated font: table '${tag}'`)
    if (KEEP.has(tag)) tables.set(tag, bytes.subarray(off, off + len))
  }
  const head = tables.get('head')
  const maxp = tables.get('maxp')
  const loca = tables.get('loca')
  const glyf = tables.get('glyf')
  if (!head || !maxp || !loca || !glyf)
    throw new TtfError('font has no glyf outlines (a CFF/OpenType font cannot be a FontFile2)')
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const numGlyphs = new DataView(maxp.buffer, maxp.byteOffset).getUint16(4)
  const longLoca = hv.getInt16(50) === 1
  const lv = new DataView(loca.buffer, loca.byteOffset, loca.byteLength)
  const at = (g: number) => (longLoca ? lv.getUint32(4 * g) : 2 * lv.getUint16(2 * g))
  const gv = new DataView(glyf.buffer, glyf.byteOffset, glyf.byteLength)

  // The closure over composite glyphs' components.
  const keep = new Set<number>([0])
  const todo = [...glyphs].filter((g) => g >= 0 && g < numGlyphs)
  while (todo.length) {
    const g = todo.pop()!
    if (keep.has(g) && g !== 0) continue
    keep.add(g)
    const [start, end] = [at(g), at(g + 1)]
    if (end - start < 10 || gv.getInt16(start) >= 0) continue
    let p = start + 10
    for (;;) {
      const flags = gv.getUint16(p)
      const comp = gv.getUint16(p + 2)
      if (!keep.has(comp)) todo.push(comp)
      p += 4 + (flags & 1 ? 4 : 2) + (flags & 8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0)
      if (!(flags & 0x20)) break
    }
  }

  // New glyf (4-byte aligned entries) and a long loca.
  const pieces: Uint8Array[] = []
  const newLoca = new Uint8Array(4 * (numGlyphs + 1))
  const nl = new DataView(newLoca.buffer)
  let off = 0
  for (let g = 0; g < numGlyphs; g++) {
    nl.setUint32(4 * g, off)
    if (!keep.has(g)) continue
    const data = glyf.subarray(at(g), at(g + 1))
    const padded = new Uint8Array((data.length + 3) & ~3)
    padded.set(data)
    pieces.push(padded)
    off += padded.length
  }
  nl.setUint32(4 * numGlyphs, off)
  const newGlyf = new Uint8Array(off)
  let o = 0
  for (const p of pieces) {
    newGlyf.set(p, o)
    o += p.length
  }
  const newHead = head.slice()
  const nh = new DataView(newHead.buffer)
  nh.setInt16(50, 1) // indexToLocFormat: long
  nh.setUint32(8, 0) // checkSumAdjustment, recomputed below
  tables.set('head', newHead)
  tables.set('loca', newLoca)
  tables.set('glyf', newGlyf)
  return assemble(tables)
}

const checksum = (data: Uint8Array): number => {
  let sum = 0
  for (let i = 0; i < data.length; i += 4)
    sum = (sum + (((data[i] ?? 0) << 24) | ((data[i + 1] ?? 0) << 16) | ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0))) >>> 0
  return sum
}

/** An sfnt file: offset table, sorted table records with checksums, 4-byte aligned tables. */
function assemble(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort()
  const n = tags.length
  const entrySelector = Math.floor(Math.log2(n))
  const searchRange = 2 ** entrySelector * 16
  let size = 12 + 16 * n
  const offsets = tags.map((t) => {
    const o = size
    size += (tables.get(t)!.length + 3) & ~3
    return o
  })
  const out = new Uint8Array(size)
  const dv = new DataView(out.buffer)
  dv.setUint32(0, 0x00010000)
  dv.setUint16(4, n)
  dv.setUint16(6, searchRange)
  dv.setUint16(8, entrySelector)
  dv.setUint16(10, n * 16 - searchRange)
  tags.forEach((t, i) => {
    const data = tables.get(t)!
    const rec = 12 + 16 * i
    for (let k = 0; k < 4; k++) out[rec + k] = t.charCodeAt(k)
    dv.setUint32(rec + 4, checksum(data))
    dv.setUint32(rec + 8, offsets[i]!)
    dv.setUint32(rec + 12, data.length)
    out.set(data, offsets[i]!)
  })
  const headAt = offsets[tags.indexOf('head')]!
  dv.setUint32(headAt + 8, (0xb1b0afba - checksum(out)) >>> 0)
  return out
}
