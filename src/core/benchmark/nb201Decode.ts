/** Decoding a table file's text, whichever format it is in (the Node side reads and gunzips the bytes). */
import { parseNb201Csv } from './nb201Csv'
import { decodeNb201TableFile, type Nb201Table, Nb201TableError, type Nb201TableSource } from './nb201Table'

/**
 * A table file's decoded text → Nb201Table: the project's JSON format (checksum inside) or a CSV
 * (checked against `sidecarSha256`, the first word of `FILE.sha256`, when the user provides one).
 */
export async function decodeNb201Text(
  text: string,
  source: { kind: Nb201TableSource['kind']; file: string; fileSha256: string; sidecarSha256: string | null },
): Promise<Nb201Table> {
  const { kind, file, fileSha256, sidecarSha256 } = source
  if (sidecarSha256 !== null && sidecarSha256.toLowerCase() !== fileSha256)
    throw new Nb201TableError(`${file}: checksum mismatch with ${file}.sha256 (file hashes to ${fileSha256.slice(0, 12)}…)`)
  if (/^\s*\{/.test(text)) {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (err) {
      throw new Nb201TableError(`${file}: not valid JSON (${(err as Error).message})`)
    }
    return decodeNb201TableFile(json, { kind, file })
  }
  return parseNb201Csv(text, { kind, file, sha256: fileSha256 })
}
