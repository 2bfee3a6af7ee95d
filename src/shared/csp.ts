/**
 * The renderer's Content-Security-Policy, defined once for every shell that serves it: the Electron
 * app:// protocol, `hdarts serve` (on every HTML response) and the <meta> tag the build writes into
 * index.html (electron.vite.config.ts). Scripts only from the bundle (and WebAssembly compilation); inline styles for recharts and
 * React style props; blob:/data: images for the PNG export; nothing remote, no plugins, no <base>, no
 * form posts (the one form submits through JS) and no framing by another page.
 */

type Directives = Readonly<Record<string, readonly string[]>>

const DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  // WebAssembly compilation (Graphviz, the cell layout) only; JS eval stays off.
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
}

const render = (d: Directives): string =>
  Object.entries(d)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ')

/** The policy as a response header; `connect` adds sources to connect-src (browser mode's ws://HOST). */
export function contentSecurityPolicy(connect: readonly string[] = []): string {
  return render({ ...DIRECTIVES, 'connect-src': [...DIRECTIVES['connect-src']!, ...connect] })
}

/**
 * The same policy as a <meta> tag can carry it: browsers ignore frame-ancestors there. ws:/wss: let the
 * dev server's hot reload and browser mode's live socket through; the header policy narrows it to the host.
 */
export function metaContentSecurityPolicy(): string {
  const { 'frame-ancestors': _ignored, ...rest } = DIRECTIVES
  return render({ ...rest, 'connect-src': [...DIRECTIVES['connect-src']!, 'ws:', 'wss:'] })
}
