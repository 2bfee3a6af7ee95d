/** Small file helpers shared by the parsers: gzip-transparent reads and one-line errors that name the file. */
import { readFile, stat } from 'node:fs/promises'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { DatasetError } from './types'

const gunzipAsync = promisify(gunzip)

export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b

/** Reads a file, inflating it when it starts with the gzip magic (whatever its name says). */
export async function readMaybeGzip(path: string): Promise<Buffer> {
  let raw: Buffer
  try {
    raw = await readFile(path)
  } catch (e) {
    throw new DatasetError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
  if (!isGzip(raw)) return raw
  try {
    return await gunzipAsync(raw)
  } catch (e) {
    throw new DatasetError(`${path}: corrupt gzip data (${(e as Error).message})`)
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

export async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}

/** The first existing path of `names` inside `dir` (e.g. a file with and without `.gz`), or null. */
export async function firstExisting(dir: string, names: readonly string[]): Promise<string | null> {
  for (const n of names) {
    const p = `${dir}/${n}`
    if (await isFile(p)) return p
  }
  return null
}
