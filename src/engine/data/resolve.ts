/**
 * Where dataset files come from (DESIGN.md §5): an explicit folder when one is named — and then only
 * there, never a silent fallback to another copy — else the app's data folder, then system dataset
 * folders; then, only when the caller opted in, a download from the official source (into the named
 * folder, or the app's).
 * When nothing is found the error lists every folder looked at and how to get the files.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rename, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { appHome } from '../../core/appHome'
import type { CatalogEntry, DownloadSource } from './catalog'
import { downloadFile } from './download'
import { firstExisting, isDir } from './files'
import { extractTarGz } from './tar'
import { DatasetError, type LocationKind } from './types'

/** Debian's dataset packages install into /usr/share/datasets/<name> (e.g. dataset-fashion-mnist). */
export const SYSTEM_DATASET_ROOTS: readonly string[] = ['/usr/share/datasets', '/usr/local/share/datasets']

/**
 * `$HDARTS_DATA_DIR`, else `datasets/` in the app folder: `$HDARTS_HOME` (as src/cli/paths.ts reads it),
 * or the platform's per-user data folder + hdarts-studio — Linux `$XDG_DATA_HOME` or ~/.local/share,
 * macOS ~/Library/Application Support, Windows %APPDATA%.
 */
export function defaultAppDataDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.HDARTS_DATA_DIR) return env.HDARTS_DATA_DIR
  return join(appHome(env, platform, home), 'datasets')
}

export interface LocateOptions {
  /** Explicit folder (`--data-dir`): the dataset's own folder or a root holding `<id>/`. The only place looked at when given. */
  readonly dataDir?: string
  /** Root of the app's datasets (`<root>/<id>/`); default defaultAppDataDir(). */
  readonly appDataDir?: string
  /** System roots (`<root>/<id>/`); default SYSTEM_DATASET_ROOTS. */
  readonly systemRoots?: readonly string[]
  /** Allow downloading from the official source when no folder has the files. Off by default. */
  readonly download?: boolean
  /** Replaces the catalog's source: a local mirror, or a test server. */
  readonly downloadSource?: DownloadSource
  /** Progress lines (e.g. "downloading …"); silent by default. */
  readonly log?: (line: string) => void
}

export interface Located {
  readonly kind: LocationKind
  /** The folder holding the files themselves. */
  readonly dir: string
}

/** The folder in `dir` (one of the entry's layouts) that holds every required file, or what is missing. */
async function probe(entry: CatalogEntry, dir: string): Promise<{ dir: string } | { missing: string }> {
  if (!(await isDir(dir))) return { missing: 'no such folder' }
  let firstMissing = ''
  for (const layout of entry.layouts) {
    const d = layout ? join(dir, layout) : dir
    if (!(await isDir(d))) continue
    const absent = []
    for (const alts of entry.required) if (!(await firstExisting(d, alts))) absent.push(alts.join(' or '))
    if (absent.length === 0) return { dir: d }
    firstMissing ||= `missing ${absent.length === entry.required.length ? 'all files' : absent.join(', ')}${layout ? ` in ${layout}/` : ''}`
  }
  return { missing: firstMissing || 'no dataset files' }
}

export async function locateDataset(entry: CatalogEntry, opts: LocateOptions = {}): Promise<Located> {
  const id = entry.info.id
  const appData = opts.appDataDir ?? defaultAppDataDir()
  const candidates: { kind: LocationKind; label: string; dir: string }[] = []
  if (opts.dataDir) {
    // A user who names a folder gets that folder's data or an error, never another copy found later.
    candidates.push({ kind: 'explicit', label: 'data dir', dir: opts.dataDir })
    candidates.push({ kind: 'explicit', label: 'data dir', dir: join(opts.dataDir, id) })
  } else {
    candidates.push({ kind: 'app-data', label: 'app data', dir: join(appData, id) })
    for (const root of opts.systemRoots ?? SYSTEM_DATASET_ROOTS)
      candidates.push({ kind: 'system', label: 'system', dir: join(root, id) })
  }

  const looked: string[] = []
  for (const c of candidates) {
    const r = await probe(entry, c.dir)
    if ('dir' in r) return { kind: c.kind, dir: r.dir }
    looked.push(`${c.label} ${c.dir} (${r.missing})`)
  }

  const source = opts.downloadSource ?? entry.source
  const target = join(opts.dataDir ?? appData, id)
  if (opts.download) {
    try {
      await fetchSource(source, target, opts.log)
    } catch (e) {
      if (!(e instanceof DatasetError)) throw e
      throw new DatasetError(
        `${entry.info.label} files not found (looked in: ${looked.join('; ')}) and the download failed: ${e.message}`,
      )
    }
    const r = await probe(entry, target)
    if ('dir' in r) return { kind: 'downloaded', dir: r.dir }
    throw new DatasetError(`downloaded ${entry.info.label} into ${target} but it is incomplete (${r.missing})`)
  }
  const files = entry.required.map((alts) => alts.at(-1)).join(', ')
  const ways = [
    entry.hint,
    `download it with --download (from ${source.baseUrls[0]} into ${target})`,
    opts.dataDir
      ? `or put ${files} into ${opts.dataDir}, or leave out --data-dir to use the app's or the system's copy`
      : `or put ${files} in one of those folders or pass --data-dir DIR`,
  ].filter(Boolean)
  throw new DatasetError(`${entry.info.label} files not found. Looked in: ${looked.join('; ')}. To get them: ${ways.join(', ')}.`)
}

/** Downloads every file of `source` into `target` (trying mirrors in order), unpacking archives. */
export async function fetchSource(source: DownloadSource, target: string, log?: (line: string) => void): Promise<void> {
  await mkdir(target, { recursive: true })
  for (const f of source.files) {
    const dest = join(target, f.name)
    const errors: string[] = []
    let ok = false
    for (const base of source.baseUrls) {
      const url = new URL(f.name, base).toString()
      log?.(`downloading ${url}`)
      try {
        await downloadFile(url, dest, f.checksum)
        ok = true
        break
      } catch (e) {
        if (!(e instanceof DatasetError)) throw e
        errors.push(e.message)
      }
    }
    if (!ok) throw new DatasetError(errors.join('; '))
    if (source.extract) {
      log?.(`unpacking ${f.name}`)
      await unpack(dest, target, source.extract)
      await rm(dest, { force: true }) // the unpacked files are what is read; the archive is 160 MB
    }
  }
}

/**
 * Unpacks the members under `folder/` into a scratch folder first, then moves them into
 * `target/folder/`, so an interrupted unpack never looks like a complete dataset.
 */
async function unpack(archive: string, target: string, folder: string): Promise<void> {
  const scratch = join(target, `.unpack-${randomBytes(4).toString('hex')}`)
  try {
    const names = await extractTarGz(archive, scratch, (name) => name.startsWith(`${folder}/`))
    if (names.length === 0) throw new DatasetError(`${archive}: no ${folder}/ folder in the archive`)
    await mkdir(join(target, folder), { recursive: true })
    for (const name of await readdir(join(scratch, folder))) await rename(join(scratch, folder, name), join(target, folder, name))
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}
