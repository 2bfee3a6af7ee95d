/**
 * The Electron shell's security rules as plain functions (no Electron import), so they are tested
 * under Node: which origin may call the API, how app:// URLs map to bundle files, the CSP, which
 * dev-server URL is honoured and which permissions are granted.
 */
import { extname, isAbsolute, join, relative, resolve } from 'node:path'
import { contentSecurityPolicy } from '../../shared/csp'

/** The renderer is served from this custom scheme and host, never from file:// (STYLE.md §1.1). */
export const APP_SCHEME = 'app'
export const APP_HOST = 'bundle'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY = `${APP_ORIGIN}/index.html`

/** The renderer's policy (src/shared/csp.ts); IPC needs no connect-src beyond 'self'. */
export const CSP = contentSecurityPolicy()

/**
 * The dev server electron-vite names in ELECTRON_RENDERER_URL, honoured only in an unpackaged app and
 * only on a loopback http(s) address: in a packaged app the variable is ignored, so an environment
 * cannot point the window (and the IPC trust that goes with it) at another page.
 */
export function devRendererUrl(value: string | undefined, isPackaged: boolean): string | undefined {
  if (isPackaged || !value) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) ? url.href : undefined
}

/**
 * Permissions, for both Electron's request and check handlers: all denied, except writing text to the
 * clipboard (the Copy buttons) from the app's own page.
 */
export function permissionAllowed(permission: string, origin: string | undefined, devUrl?: string): boolean {
  return permission === 'clipboard-sanitized-write' && isTrustedSender(origin, devUrl)
}

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
