/** The Electron shell's security rules, as plain functions (src/main/electron/security.ts). */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_ENTRY, bundleFile, contentType, CSP, isTrustedSender } from '../../src/main/electron/security'

const BUNDLE = '/opt/hdarts/out/renderer'

describe('Electron shell security', () => {
  it('accepts API calls only from the app:// page (or the dev server in development)', () => {
    expect(isTrustedSender(APP_ENTRY)).toBe(true)
    expect(isTrustedSender('app://bundle/index.html#/runs/abc')).toBe(true)
    for (const url of [
      'file:///opt/hdarts/out/renderer/index.html',
      'https://example.com/',
      'app://other/index.html',
      'about:blank',
      '',
      undefined,
    ])
      expect(isTrustedSender(url)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/', 'http://localhost:5173')).toBe(true)
    expect(isTrustedSender('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
  })

  it('maps app:// URLs into the bundle folder and nowhere else', () => {
    expect(bundleFile('app://bundle/', BUNDLE)).toBe(join(BUNDLE, 'index.html'))
    expect(bundleFile('app://bundle/assets/index-abc.js', BUNDLE)).toBe(join(BUNDLE, 'assets/index-abc.js'))
    // The URL parser already folds a literal `..` at the root; the file stays inside the bundle.
    expect(bundleFile('app://bundle/../package.json', BUNDLE)).toBe(join(BUNDLE, 'package.json'))
    for (const url of [
      'app://bundle/assets/..%2f..%2fpackage.json',
      'app://bundle/%00',
      'app://bundle/..%5c..%5cpackage.json',
      'app://elsewhere/index.html',
      'file:///etc/passwd',
      'not a url',
    ])
      expect(bundleFile(url, BUNDLE), url).toBeNull()
  })

  it('serves scripts from the bundle only, with their types', () => {
    expect(CSP).toContain("script-src 'self'")
    // JS eval stays off; only WebAssembly compilation ('wasm-unsafe-eval', for the Graphviz layout) is allowed.
    expect(CSP).not.toMatch(/(^|[\s;])'unsafe-eval'/)
    expect(CSP).toContain("'wasm-unsafe-eval'")
    expect(contentType('a/b.js')).toMatch(/javascript/)
    expect(contentType('index.html')).toMatch(/text\/html/)
    expect(contentType('x.unknown')).toBe('application/octet-stream')
  })
})
