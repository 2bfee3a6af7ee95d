/**
 * The Electron shell's security rules as plain functions (no Electron import), so they are tested
 * under Node: which origin may call the API, how app:// URLs map to bundle files, and the CSP.
 */
import { extname, isAbsolute, join, relative, resolve } from 'node:path'

/** The renderer is served from this custom scheme and host, never from file:// (STYLE.md §1.1). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'bundle'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY = `${APP_ORIGIN}/index.html`

/** Scripts only from the bundle; inline styles for recharts/React style props; no remote anything. */
export const CSP = [
  "default-src 'self'",
  // WebAssembly compilation (Graphviz, the cell layout) only; JS eval stays off.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * An IPC call is honoured only from the app's own top-level page (or the dev server electron-vite
 * names in ELECTRON_RENDERER_URL); any other frame (an injected iframe, a navigated page) is refused.
 */
export function isTrustedSender(frameUrl: string | undefined, devUrl?: string): boolean {
  if (!frameUrl) return false
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true
  if (devUrl) {
    try {
      return url.origin === new URL(devUrl).origin
    } catch {
      return false
    }
  }
  return false
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

export const contentType = (file: string): string => TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'

/**
 * The bundle file an app:// URL names, or null when it is not ours or escapes the bundle folder
 * (`..`, encoded slashes, another host). The single page's routes live in the hash, so `/` is index.html.
 */
export function bundleFile(requestUrl: string, bundleDir: string): string | null {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (path.includes('\0') || path.includes('\\')) return null
  const root = resolve(bundleDir)
  const file = resolve(join(root, path === '/' ? 'index.html' : path))
  const rel = relative(root, file)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null
  return file
}
