/**
 * The built renderer (out/renderer): `/` and `/index.html` serve index.html, `/assets/…` the files
 * under assets/. Nothing else on disk is reachable: paths are resolved and must stay inside assets/,
 * dot segments and encoded separators are refused before that, and there is no directory listing.
 */
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

export const NOT_BUILT_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>HDARTS Studio</title></head><body>' +
  '<h1>HDARTS Studio</h1><p>The UI is not built: run <code>npm run build</code>, then reload this page. ' +
  'The API at <code>/api/</code> works meanwhile.</p></body></html>\n'

/**
 * Whether a raw request path is one we may look up at all: no `.`/`..` segment (literal or
 * percent-encoded), no backslash, NUL or encoded slash, valid percent-encoding.
 */
export function safePath(rawPath: string): string | null {
  if (/%2f|%5c|%00/i.test(rawPath) || rawPath.includes('\\') || rawPath.includes('\0')) return null
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  if (decoded.split('/').some((seg) => seg === '.' || seg === '..')) return null
  return decoded
}

export type StaticTarget = { kind: 'index' } | { kind: 'file'; file: string } | { kind: 'none' }

/** Maps a decoded, safe path to what to serve. */
export function staticTarget(staticDir: string, path: string): StaticTarget {
  if (path === '/' || path === '/index.html') return { kind: 'index' }
  if (!path.startsWith('/assets/')) return { kind: 'none' }
  const root = resolve(staticDir, 'assets')
  const file = resolve(root, '.' + path.slice('/assets'.length))
  if (!file.startsWith(root + sep)) return { kind: 'none' }
  try {
    // A symlink out of assets/ is outside too.
    const real = realpathSync(file)
    const realRoot = realpathSync(root)
    if (!real.startsWith(realRoot + sep) || !statSync(real).isFile()) return { kind: 'none' }
    return { kind: 'file', file: real }
  } catch {
    return { kind: 'none' }
  }
}

export const indexFile = (staticDir: string): string | null => {
  const f = join(staticDir, 'index.html')
  return existsSync(f) && statSync(f).isFile() ? f : null
}

export function sendFile(res: ServerResponse, file: string, head: boolean, headers: Record<string, string> = {}): void {
  const size = statSync(file).size
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(size),
    // Vite names assets by content hash; index.html must always be fresh.
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-store',
    ...headers,
  })
  if (head) return void res.end()
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}
