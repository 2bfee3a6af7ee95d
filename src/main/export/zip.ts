/**
 * A small ZIP writer (PKWARE APPNOTE 6.3, no ZIP64): local headers, entry data, central directory and
 * end record. Enough for reproducibility bundles of a few runs; written here rather than pulled in as a
 * package because the format subset needed is ~100 lines and the layer rules keep main's packages few.
 */
import { deflateRawSync } from 'node:zlib'

export interface ZipEntry {
  /** Forward-slash path inside the archive, no leading slash, no `..` segments. */
  readonly name: string
  readonly data: Uint8Array | string
  /** Modification time; defaults to the archive's `date`. */
  readonly date?: Date
}

export class ZipError extends Error {
  override name = 'ZipError'
}

/** Without ZIP64, sizes and offsets are 32-bit; bundles are far below this. */
const MAX_32 = 0xffffffff
const MAX_ENTRIES = 0xffff

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (IEEE 802.3, reflected, as zip and gzip use it). */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

/** MS-DOS date and time (local fields as UTC, 2-second resolution, years 1980–2107). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107)
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  }
}

function checkName(name: string): void {
  if (!name || name.startsWith('/') || name.includes('\\') || name.split('/').some((p) => p === '..' || p === '.' || p === ''))
    throw new ZipError(`zip: bad entry name '${name}'`)
}

/**
 * The archive's bytes. Each entry is deflated when that makes it smaller and stored otherwise (PNG/PDF
 * streams are already compressed). Names are UTF-8 with the language-encoding flag (bit 11) set.
 */
export function writeZip(entries: readonly ZipEntry[], opts: { date?: Date; level?: number } = {}): Uint8Array {
  if (entries.length > MAX_ENTRIES) throw new ZipError(`zip: ${entries.length} entries; at most ${MAX_ENTRIES} without ZIP64`)
  const seen = new Set<string>()
  const enc = new TextEncoder()
  const chunks: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const e of entries) {
    checkName(e.name)
    if (seen.has(e.name)) throw new ZipError(`zip: duplicate entry '${e.name}'`)
    seen.add(e.name)
    const name = enc.encode(e.name)
    const raw = typeof e.data === 'string' ? enc.encode(e.data) : e.data
    const crc = crc32(raw)
    const deflated = raw.length > 0 ? new Uint8Array(deflateRawSync(raw, { level: opts.level ?? 9 })) : raw
    const useDeflate = deflated.length < raw.length
    const body = useDeflate ? deflated : raw
    if (raw.length > MAX_32 || offset + 30 + name.length + body.length > MAX_32)
      throw new ZipError('zip: archive over 4 GiB needs ZIP64, which this writer does not do')
    const { time, date } = dosTime(e.date ?? opts.date ?? new Date())
    const method = useDeflate ? 8 : 0
    const local = new DataView(new ArrayBuffer(30))
    local.setUint32(0, 0x04034b50, true)
    local.setUint16(4, 20, true) // version needed: 2.0 (deflate)
    local.setUint16(6, 0x0800, true) // UTF-8 names
    local.setUint16(8, method, true)
    local.setUint16(10, time, true)
    local.setUint16(12, date, true)
    local.setUint32(14, crc, true)
    local.setUint32(18, body.length, true)
    local.setUint32(22, raw.length, true)
    local.setUint16(26, name.length, true)
    local.setUint16(28, 0, true)
    const cd = new DataView(new ArrayBuffer(46))
    cd.setUint32(0, 0x02014b50, true)
    cd.setUint16(4, (3 << 8) | 20, true) // made by: Unix, 2.0 (so the external attributes are Unix modes)
    cd.setUint16(6, 20, true)
    cd.setUint16(8, 0x0800, true)
    cd.setUint16(10, method, true)
    cd.setUint16(12, time, true)
    cd.setUint16(14, date, true)
    cd.setUint32(16, crc, true)
    cd.setUint32(20, body.length, true)
    cd.setUint32(24, raw.length, true)
    cd.setUint16(28, name.length, true)
    // extra, comment, disk number start, internal attributes: 0
    cd.setUint32(38, (0o100644 << 16) >>> 0, true) // regular file, rw-r--r--
    cd.setUint32(42, offset, true)
    chunks.push(new Uint8Array(local.buffer), name, body)
    central.push(new Uint8Array(cd.buffer), name)
    offset += 30 + name.length + body.length
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0)
  if (offset + cdSize > MAX_32) throw new ZipError('zip: archive over 4 GiB needs ZIP64, which this writer does not do')
  const eocd = new DataView(new ArrayBuffer(22))
  eocd.setUint32(0, 0x06054b50, true)
  eocd.setUint16(8, entries.length, true)
  eocd.setUint16(10, entries.length, true)
  eocd.setUint32(12, cdSize, true)
  eocd.setUint32(16, offset, true)
  const all = [...chunks, ...central, new Uint8Array(eocd.buffer)]
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of all) {
    out.set(c, at)
    at += c.length
  }
  return out
}
