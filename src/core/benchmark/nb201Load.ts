/**
 * Which NAS-Bench-201 table is in use and loading it. The user's table (`--table FILE` on the CLI,
 * or HDARTS_NB201_TABLE for searches and the app) wins over the shipped one. File access comes in
 * through `Nb201Io`, so this choice lives in one pure module and the worker and the CLI each only
 * hand it `readFileSync`/`gunzipSync`.
 */
import { decodeNb201Text } from './nb201Decode'
import { type Nb201Table, Nb201TableError, sha256Hex } from './nb201Table'

export const NB201_RESOURCE = 'nb201/nb201-200ep.json.gz'
export const NB201_TABLE_ENV = 'HDARTS_NB201_TABLE'

export interface Nb201Io {
  /** The file's bytes, or null when it does not exist. */
  readFile(path: string): Uint8Array | null
  gunzip(bytes: Uint8Array): Uint8Array
  /** Absolute path of `resources/<rel>` (HDARTS_RESOURCES or found above the code), or null. */
  findResource(rel: string): string | null
  readonly env: Readonly<Record<string, string | undefined>>
}

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p

export async function loadNb201Table(io: Nb201Io, opts: { table?: string } = {}): Promise<Nb201Table> {
  const userPath = opts.table ?? io.env[NB201_TABLE_ENV]
  const kind = userPath ? 'user' : 'shipped'
  const path = userPath ?? io.findResource(NB201_RESOURCE)
  if (!path)
    throw new Nb201TableError(
      `the NAS-Bench-201 table resources/${NB201_RESOURCE} is missing; rebuild it with 'npm run build:nb201'`,
    )
  const bytes = io.readFile(path)
  if (!bytes) throw new Nb201TableError(`${path}: no such NAS-Bench-201 table file`)
  const sidecar = userPath ? io.readFile(`${path}.sha256`) : null
  let body = bytes
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      body = io.gunzip(bytes)
    } catch (err) {
      throw new Nb201TableError(`${baseName(path)}: damaged gzip data (${(err as Error).message})`)
    }
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    throw new Nb201TableError(`${baseName(path)}: not a text table (neither gzip, JSON nor CSV)`)
  }
  return decodeNb201Text(text, {
    kind,
    file: baseName(path),
    fileSha256: await sha256Hex(bytes),
    sidecarSha256: sidecar ? (new TextDecoder().decode(sidecar).trim().split(/\s+/)[0] ?? '') : null,
  })
}
