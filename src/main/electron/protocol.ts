/** Serves the built renderer from app://bundle/ with the CSP header (instead of file://, STYLE.md §1.1). */
import { readFile } from 'node:fs/promises'
import { protocol } from 'electron'
import { APP_SCHEME, bundleFile, contentType, CSP } from './security'

/** Must run before the app is ready: the scheme behaves like https (secure context, fetch, storage). */
export function registerSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ])
}

export function serveBundle(bundleDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = bundleFile(request.url, bundleDir)
    if (!file) return new Response('not found', { status: 404 })
    try {
      const body = await readFile(file)
      return new Response(new Uint8Array(body), {
        headers: { 'content-type': contentType(file), 'content-security-policy': CSP, 'x-content-type-options': 'nosniff' },
      })
    } catch {
      return new Response('not found', { status: 404 })
    }
  })
}
