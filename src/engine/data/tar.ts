/**
 * A minimal streaming reader for .tar.gz archives (ustar, with GNU long names and pax `path`), enough
 * to unpack the official CIFAR archives without holding 180 MB in memory. Only regular files whose
 * names `accept` approves are written; entries with absolute or `..` paths are refused.
 */
import { createReadStream } from 'node:fs'
import { type FileHandle, mkdir, open } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createGunzip } from 'node:zlib'
import { DatasetError } from './types'

const BLOCK = 512

const str = (b: Uint8Array, start: number, len: number): string => {
  const field = b.subarray(start, start + len)
  const end = field.indexOf(0)
  return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString('utf8')
}

/** Octal size field, or GNU base-256 when the high bit of the first byte is set (files ≥ 8 GiB). */
function sizeField(b: Uint8Array): number {
  if (b[124]! & 0x80) {
    let v = b[124]! & 0x7f
    for (let i = 125; i < 136; i++) v = v * 256 + b[i]!
    return v
  }
  const s = str(b, 124, 12).trim()
  return s ? parseInt(s, 8) : 0
}

function checksumOk(b: Uint8Array): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!
  return sum === parseInt(str(b, 148, 8).trim(), 8)
}

function safeName(name: string, archive: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.')
  if (name.startsWith('/') || parts.includes('..')) throw new DatasetError(`${archive}: unsafe path '${name}' in archive`)
  return parts.join('/')
}

/** The pax `path` record if present ("<len> path=<value>\n" records). */
function paxPath(data: Uint8Array): string | null {
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(Buffer.from(data).toString('utf8'))
  return m?.[1] ?? null
}

/**
 * Unpacks `archive` (gzip-compressed tar) into `destDir`, writing only regular files that `accept`
 * approves. Returns their archive names. A truncated or corrupt archive is a DatasetError.
 */
export async function extractTarGz(archive: string, destDir: string, accept: (name: string) => boolean): Promise<string[]> {
  const written: string[] = []
  const st = {
    remaining: 0, // data bytes left in the current entry
    padding: 0, // zero bytes after the data, up to the block boundary
    out: null as FileHandle | null, // the file being written
    meta: null as Uint8Array[] | null, // data of a GNU long-name ('L') or pax ('x') entry
    metaKind: '',
    nextName: null as string | null, // name carried over from such an entry
  }

  const startEntry = async (h: Uint8Array): Promise<void> => {
    if (!checksumOk(h)) throw new DatasetError(`${archive}: corrupt tar header (checksum mismatch)`)
    const type = String.fromCharCode(h[156]!)
    const size = sizeField(h)
    const prefix = str(h, 257, 6) === 'ustar' ? str(h, 345, 155) : ''
    const name = st.nextName ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100))
    st.remaining = size
    st.padding = (BLOCK - (size % BLOCK)) % BLOCK
    if (type === 'L' || type === 'x') {
      st.meta = []
      st.metaKind = type
      return
    }
    st.nextName = null
    const rel = safeName(name, archive)
    if ((type === '0' || type === '\0' || type === '7') && accept(rel)) {
      const target = join(destDir, rel)
      await mkdir(dirname(target), { recursive: true })
      st.out = await open(target, 'w')
      written.push(rel)
    }
  }

  const endEntry = async (): Promise<void> => {
    await st.out?.close()
    st.out = null
    if (st.meta) {
      const data = Buffer.concat(st.meta)
      st.nextName = st.metaKind === 'L' ? str(data, 0, data.length) : (paxPath(data) ?? st.nextName)
      st.meta = null
    }
  }

  const gunzip = createReadStream(archive).pipe(createGunzip())
  let pending: Buffer = Buffer.alloc(0) // bytes received but not yet consumed
  let ended = false
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
      let pos = 0
      while (!ended) {
        const avail = pending.length - pos
        if (st.remaining > 0) {
          const n = Math.min(st.remaining, avail)
          if (n === 0) break
          const piece = pending.subarray(pos, pos + n)
          if (st.out) await st.out.write(piece)
          else st.meta?.push(Buffer.from(piece))
          st.remaining -= n
          pos += n
          if (st.remaining === 0) await endEntry()
        } else if (st.padding > 0) {
          const n = Math.min(st.padding, avail)
          if (n === 0) break
          st.padding -= n
          pos += n
        } else {
          if (avail < BLOCK) break
          const h = pending.subarray(pos, pos + BLOCK)
          pos += BLOCK
          if (h.every((v) => v === 0))
            ended = true // end-of-archive marker
          else {
            await startEntry(h)
            if (st.remaining === 0) await endEntry()
          }
        }
      }
      pending = pending.subarray(pos)
      if (ended) break
    }
  } catch (e) {
    if (e instanceof DatasetError) throw e
    throw new DatasetError(`${archive}: corrupt archive (${(e as Error).message})`)
  } finally {
    await st.out?.close()
    gunzip.destroy()
  }
  if (st.remaining > 0 || st.padding > 0 || (!ended && pending.length > 0))
    throw new DatasetError(`${archive}: truncated archive`)
  return written
}
