/** The Electron shell's security rules, as plain functions (src/main/electron/security.ts). */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  APP_ENTRY,
  bundleFile,
  contentType,
  CSP,
  devRendererUrl,
  isTrustedSender,
  permissionAllowed,
} from '../../src/main/electron/security'
import { isExternalLink, METHOD_LINKS, methodLink } from '../../src/shared/links'

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
    for (const d of ["object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"])
      expect(CSP).toContain(d)
    expect(contentType('a/b.js')).toMatch(/javascript/)
    expect(contentType('index.html')).toMatch(/text\/html/)
    expect(contentType('x.unknown')).toBe('application/octet-stream')
  })

  it('honours ELECTRON_RENDERER_URL only unpackaged and only on a loopback http(s) address', () => {
    expect(devRendererUrl('http://localhost:5173', false)).toBe('http://localhost:5173/')
    expect(devRendererUrl('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173/')
    expect(devRendererUrl('http://localhost:5173', true)).toBeUndefined()
    for (const v of ['https://evil.example/', 'file:///tmp/x.html', 'http://10.0.0.1:5173', 'nonsense', '', undefined])
      expect(devRendererUrl(v, false), String(v)).toBeUndefined()
    // What index.ts passes on as the trusted dev origin: nothing when packaged.
    expect(isTrustedSender('http://localhost:5173/', devRendererUrl('http://localhost:5173', true))).toBe(false)
  })

  it('grants no permission but a clipboard write from the app page', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'app://bundle')).toBe(true)
    expect(permissionAllowed('clipboard-sanitized-write', 'https://example.com')).toBe(false)
    expect(permissionAllowed('clipboard-sanitized-write', undefined)).toBe(false)
    for (const p of ['media', 'clipboard-read', 'notifications', 'geolocation', 'pointerLock'])
      expect(permissionAllowed(p, 'app://bundle'), p).toBe(false)
  })

  it('knows one external link per method, and nothing else', () => {
    for (const [method, link] of Object.entries(METHOD_LINKS)) {
      expect(methodLink(method)).toBe(link)
      expect(isExternalLink(link.url), link.url).toBe(true)
      expect(link.url).toMatch(/^https:\/\/(arxiv\.org\/abs\/\d{4}\.\d{5}|github\.com\/[\w-]+\/[\w-]+)$/)
    }
    expect(methodLink('constructor')).toBeNull()
    expect(isExternalLink('HTTPS://ARXIV.ORG/abs/1806.09055')).toBe(true)
    for (const url of ['https://arxiv.org/abs/1806.09055#x', 'https://arxiv.org/', 'https://github.com/', 'app://bundle/'])
      expect(isExternalLink(url), url).toBe(false)
  })
})
