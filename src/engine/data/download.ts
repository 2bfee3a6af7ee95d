/**
 * Opt-in downloads of the official dataset files: node:https (node:http for plain-http hosts and local
 * test servers), following redirects, streamed to a temp file next to the target and renamed into
 * place only after the checksum matches — so a crash or a bad mirror never leaves a file that later
 * passes for the real one.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { basename, dirname } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { DatasetError } from './types'

/** At least one digest, lower-case hex. */
export interface Checksum {
  readonly md5?: string
  readonly sha256?: string
}

export interface DownloadOptions {
  readonly maxRedirects?: number
  /** Socket inactivity limit; a stalled mirror fails instead of hanging a run. */
  readonly timeoutMs?: number
  readonly onProgress?: (received: number, total: number | null) => void
}

function get(url: string, timeoutMs: number): Promise<IncomingMessage> {
  const u = new URL(url)
  const lib = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null
  if (!lib) return Promise.reject(new DatasetError(`cannot download ${url}: only http and https URLs are supported`))
  return new Promise((resolve, reject) => {
    const req = lib.get(u, { headers: { 'user-agent': 'hdarts-studio' } }, resolve)
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs / 1000} s`)))
    req.on('error', reject)
  })
}

async function openFollowingRedirects(
  url: string,
  opts: Required<Omit<DownloadOptions, 'onProgress'>>,
): Promise<IncomingMessage> {
  let current = url
  for (let hop = 0; hop <= opts.maxRedirects; hop++) {
    const res = await get(current, opts.timeoutMs)
    const status = res.statusCode ?? 0
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume() // discard the redirect body so the socket is freed
      current = new URL(res.headers.location, current).toString()
      continue
    }
    if (status !== 200) {
      res.resume()
      throw new DatasetError(`download of ${url} failed: HTTP ${status}${current !== url ? ` from ${current}` : ''}`)
    }
    return res
  }
  throw new DatasetError(`download of ${url} failed: more than ${opts.maxRedirects} redirects`)
}

/**
 * Downloads `url` to `dest`, verifying `checksum`. On any failure (network, HTTP status, short body,
 * checksum mismatch) the temp file is removed and a DatasetError says what happened.
 */
export async function downloadFile(url: string, dest: string, checksum: Checksum, options: DownloadOptions = {}): Promise<void> {
  if (!checksum.md5 && !checksum.sha256) throw new Error(`downloadFile(${url}): a checksum is required`)
  const opts = { maxRedirects: options.maxRedirects ?? 5, timeoutMs: options.timeoutMs ?? 30_000 }
  await mkdir(dirname(dest), { recursive: true })
  const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.part`
  const md5 = createHash('md5')
  const sha256 = createHash('sha256')
  try {
    let res: IncomingMessage
    try {
      res = await openFollowingRedirects(url, opts)
    } catch (e) {
      if (e instanceof DatasetError) throw e
      throw new DatasetError(`download of ${url} failed: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    }
    const lengthHeader = res.headers['content-length']
    const total = lengthHeader !== undefined ? Number(lengthHeader) : null
    let received = 0
    try {
      await pipeline(
        res,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            md5.update(chunk)
            sha256.update(chunk)
            received += chunk.length
            options.onProgress?.(received, total)
            yield chunk
          }
        },
        createWriteStream(tmp),
      )
    } catch (e) {
      throw new DatasetError(
        `download of ${url} failed after ${received} bytes: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      )
    }
    if (total !== null && received !== total)
      throw new DatasetError(`download of ${url} failed: got ${received} of ${total} bytes (connection closed early)`)
    for (const [algo, hash] of [
      ['md5', md5],
      ['sha256', sha256],
    ] as const) {
      const want = checksum[algo]?.toLowerCase()
      const got = hash.digest('hex')
      if (want && got !== want)
        throw new DatasetError(
          `checksum mismatch for ${basename(dest)} from ${url}: ${algo} ${got}, expected ${want}; file discarded`,
        )
    }
    await rename(tmp, dest)
  } finally {
    await rm(tmp, { force: true })
  }
}
