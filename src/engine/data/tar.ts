/**
 * Unpacking .tar.gz dataset archives (the official CIFAR ones) with node-tar, npm's own tar: streaming,
 * so 180 MB never sit in memory; ustar, GNU and pax headers; entries with absolute or `..` paths and
 * links out of the folder are refused (strict mode turns each into an error, not a warning).
 */
import { mkdir } from 'node:fs/promises'
import { extract } from 'tar'
import { DatasetError } from './types'

/**
 * Unpacks `archive` (gzip-compressed tar) into `destDir` (created), writing only regular files that
 * `accept` approves. Returns their archive names. A truncated, corrupt or unsafe archive is a DatasetError.
 */
export async function extractTarGz(archive: string, destDir: string, accept: (name: string) => boolean): Promise<string[]> {
  const written: string[] = []
  let unsafe: string | null = null
  await mkdir(destDir, { recursive: true })
  try {
    await extract({
      file: archive,
      cwd: destDir,
      strict: true,
      gzip: true,
      // Owners and modes from the archive are not ours to keep: datasets are plain data files.
      preserveOwner: false,
      noChmod: true,
      filter: (path, entry) => {
        const name = path.replace(/^\.\//, '')
        if (name.startsWith('/') || name.split('/').includes('..')) {
          unsafe ??= name
          return false
        }
        const file = 'type' in entry && (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile')
        if (file && accept(name)) written.push(name)
        return file ? accept(name) : false
      },
    })
  } catch (e) {
    const err = e as Error & { code?: string }
    const what =
      err.code === 'TAR_BAD_ARCHIVE' || /unexpected end|truncated/i.test(err.message)
        ? 'truncated or corrupt archive'
        : 'corrupt archive'
    throw new DatasetError(`${archive}: ${what} (${err.message.split('\n')[0]})`)
  }
  if (unsafe !== null) throw new DatasetError(`${archive}: unsafe path '${unsafe}' in archive`)
  return written
}
