/**
 * ZIP archives of reproducibility bundles, written by fflate (pure JS, no dependencies). This module
 * keeps only the bundle's policy: safe, unique entry names, one timestamp, regular-file modes, and
 * stored (not deflated) entries where deflate would not make them smaller (PNG/PDF are compressed already).
 */
import { deflateSync, zipSync, type Zippable } from 'fflate'

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

/** fflate writes no ZIP64: at most 65535 entries and 4 GiB; bundles are far below both. */
const MAX_ENTRIES = 0xffff
const MAX_BYTES = 0xffffffff

function checkName(name: string): void {
  if (!name || name.startsWith('/') || name.includes('\\') || name.split('/').some((p) => p === '..' || p === '.' || p === ''))
    throw new ZipError(`zip: bad entry name '${name}'`)
}

/** The archive's bytes; names are UTF-8 (fflate sets the language-encoding flag for non-ASCII names). */
export function writeZip(entries: readonly ZipEntry[], opts: { date?: Date; level?: 9 | 6 | 1 } = {}): Uint8Array {
  if (entries.length > MAX_ENTRIES) throw new ZipError(`zip: ${entries.length} entries; at most ${MAX_ENTRIES} without ZIP64`)
  const enc = new TextEncoder()
  const files: Zippable = {}
  let total = 0
  for (const e of entries) {
    checkName(e.name)
    if (Object.hasOwn(files, e.name)) throw new ZipError(`zip: duplicate entry '${e.name}'`)
    const raw = typeof e.data === 'string' ? enc.encode(e.data) : e.data
    total += raw.length
    if (total > MAX_BYTES) throw new ZipError('zip: archive over 4 GiB needs ZIP64, which fflate does not write')
    const level = opts.level ?? 9
    const smaller = raw.length > 0 && deflateSync(raw, { level }).length < raw.length
    // os 3 (Unix), so `attrs` is read as a mode: a regular file, rw-r--r--.
    files[e.name] = [
      raw,
      { level: smaller ? level : 0, mtime: e.date ?? opts.date ?? new Date(), os: 3, attrs: (0o100644 << 16) >>> 0 },
    ]
  }
  return zipSync(files)
}
