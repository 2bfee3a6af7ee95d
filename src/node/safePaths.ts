/**
 * Folders and paths that come from outside (a request, a manifest, an import, a command line): one
 * module decides whether they may be used. Two rules:
 * - creating a folder is bounded: `mkdirSync(..., { recursive: true })` never returns on some paths on
 *   Node 20 (`/proc/x`), blocking the whole process, so folders are made one level at a time;
 * - a path read from a file or a request is resolved against the folder it belongs to and must stay
 *   inside it (after symlinks), so a manifest row `../victim` can never be imported, exported or deleted.
 */
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { plainText, UnsafeTextError } from '../core/shell'

/** A path that cannot be used as asked: bad input (exit 2, HTTP 400), never an internal error. */
export class PathError extends Error {
  override name = 'PathError'
}

const reason = (err: unknown): string => {
  const code = (err as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOENT':
      return 'a parent folder does not exist and cannot be created there'
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EROFS':
      return 'read-only file system'
    case 'ENOSPC':
      return 'no space left on the device'
    default:
      return code ?? (err as Error).message
  }
}

/** The path's text checked (no control characters) and made absolute. */
export const checkedPath = (path: string, what: string): string => resolve(pathText(path, what))

/** `mkdir -p` that always returns: walks up to the nearest existing folder, then creates each level. */
export function ensureDir(dir: string, what = 'folder'): string {
  const abs = checkedPath(dir, what)
  const missing: string[] = []
  for (let cur = abs; ; cur = dirname(cur)) {
    let isDir: boolean
    try {
      isDir = statSync(cur).isDirectory()
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOENT') throw new PathError(`cannot create ${what} ${abs}: ${reason(err)}`)
      missing.push(cur)
      if (dirname(cur) === cur) break
      continue
    }
    if (!isDir) throw new PathError(`cannot use ${what} ${abs}: ${cur} is a file, not a folder`)
    break
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new PathError(`cannot create ${what} ${abs}: ${reason(err)}`)
    }
  }
  return abs
}

const within = (root: string, p: string): boolean => {
  const rel = relative(root, p)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/**
 * `rel` resolved inside `root`; a PathError when it leaves it, lexically (`../x`, an absolute path) or
 * through a symlink on disk. `what` names the field in the message (e.g. `manifest row 3: runDir`).
 */
export function resolveInside(root: string, rel: string, what: string): string {
  const base = checkedPath(root, what)
  const target = resolve(base, pathText(rel, what))
  if (!within(base, target)) throw new PathError(`${what}: '${rel}' is outside ${base}`)
  // The deepest part of the path that exists, after symlinks: a link inside may point out.
  let existing = target
  while (!existsSync(existing) && existing !== base) existing = dirname(existing)
  if (existsSync(existing) && existsSync(base) && !within(realpathSync(base), realpathSync(existing)))
    throw new PathError(`${what}: '${rel}' leads outside ${base} (through a symlink)`)
  return target
}

function pathText(s: string, what: string): string {
  try {
    return plainText(s, what)
  } catch (err) {
    if (err instanceof UnsafeTextError) throw new PathError(err.message)
    throw err
  }
}
