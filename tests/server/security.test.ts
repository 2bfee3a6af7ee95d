/**
 * `hdarts serve`'s server without workers: the token on every route (API, static, WebSocket), the Host
 * check against DNS rebinding, path traversal, methods, body size, error bodies and security headers.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server'
import { makeApp, tmpDir } from '../app/helpers'
import { openWs, post, raw, wsStatus } from './http'

const TOKEN = 'server-test-token-0123456789'
const { app } = makeApp()
const site = tmpDir()
const staticDir = join(site, 'renderer')
let srv: RunningServer
let port: number

beforeAll(async () => {
  mkdirSync(join(staticDir, 'assets'), { recursive: true })
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>ui</title><script src="/assets/app.js"></script>')
  writeFileSync(join(staticDir, 'assets/app.js'), 'console.log(1)')
  writeFileSync(join(staticDir, 'assets/page.html'), '<!doctype html><title>another page</title>')
  writeFileSync(join(staticDir, 'secret.txt'), 'SECRET-IN-STATIC-ROOT')
  writeFileSync(join(site, 'package.json'), '{"name":"SECRET-OUTSIDE"}')
  symlinkSync(join(site, 'package.json'), join(staticDir, 'assets/link.json'))
  srv = await startServer({ app, staticDir, token: TOKEN })
  port = srv.port
})
afterAll(() => srv?.close())

const auth = { 'x-hdarts-token': TOKEN }

describe('the token', () => {
  it('is required for the API, static files and the WebSocket', async () => {
    const api = await post(port, null, 'app.info', {})
    expect(api.status).toBe(401)
    expect(api.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/token/) } })
    for (const path of ['/', '/index.html', '/assets/app.js']) expect((await raw(port, { path })).status).toBe(401)
    expect(await wsStatus(`ws://127.0.0.1:${port}/api/live`)).toBe(401)
  })

  it('refuses a wrong token everywhere', async () => {
    expect((await post(port, 'wrong-token-000', 'app.info', {})).status).toBe(401)
    expect((await raw(port, { path: '/?token=wrong-token-000' })).status).toBe(401)
    expect((await raw(port, { path: '/assets/app.js', headers: { cookie: 'hdarts_token=wrong' } })).status).toBe(401)
    expect(await wsStatus(`ws://127.0.0.1:${port}/api/live?token=wrong`)).toBe(401)
  })

  it('is accepted by header, query and the cookie the page sets', async () => {
    expect((await post(port, TOKEN, 'app.info', {})).json()).toMatchObject({ name: 'HDARTS Studio', mode: 'browser' })
    const page = await raw(port, { path: `/?token=${TOKEN}` })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>ui</title>')
    const cookie = String(page.headers['set-cookie'])
    expect(cookie).toMatch(/^hdarts_token=[^;]+; HttpOnly; SameSite=Strict; Path=\//)
    const asset = await raw(port, { path: '/assets/app.js', headers: { cookie: cookie.split(';')[0]! } })
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toMatch(/javascript/)
    expect(await wsStatus(`ws://127.0.0.1:${port}/api/live?token=${TOKEN}`)).toBe(101)
    expect(await wsStatus(`ws://127.0.0.1:${port}/api/live`, { cookie: cookie.split(';')[0]! })).toBe(101)
  })
})

describe('requests', () => {
  it('validates payloads (400 naming the field), unknown ops (404), methods (405)', async () => {
    const bad = await post(port, TOKEN, 'runs.get', { id: 3 })
    expect(bad.status).toBe(400)
    expect(bad.json().error).toEqual({ code: 'bad-request', message: expect.stringMatching(/^runs\.get: id: /) })
    const json = await raw(port, { method: 'POST', path: '/api/runs.list', headers: auth, body: '{nope' })
    expect(json.status).toBe(400)
    expect(json.json().error.message).toMatch(/not valid JSON/)
    const unknown = await post(port, TOKEN, 'runs.explode', {})
    expect(unknown.status).toBe(404)
    expect(unknown.json().error.code).toBe('not-found')
    const get = await raw(port, { path: '/api/runs.list', headers: auth })
    expect(get.status).toBe(405)
    expect(get.headers.allow).toBe('POST')
    expect((await post(port, TOKEN, 'runs.get', { id: 'none' })).status).toBe(404)
  })

  it('refuses a body over 1 MB with 413', async () => {
    const big = await post(port, TOKEN, 'runs.list', { query: 'x'.repeat(1024 * 1024 + 10) })
    expect(big.status).toBe(413)
    expect(big.json().error.message).toMatch(/too large/)
  })

  it('lets runs.importLog carry a log over 1 MB (its own body limit)', async () => {
    const log = readFileSync(join(import.meta.dirname, '../fixtures/darts-log/log.txt'), 'utf8')
    // Lines without a log timestamp (warnings, tracebacks) are skipped by the parser.
    const r = await post(port, TOKEN, 'runs.importLog', { text: 'W'.repeat(1024 * 1024 + 10) + '\n' + log, fileName: 'big.txt' })
    expect(r.status).toBe(200)
    expect(r.json().run).toMatchObject({ status: 'finished', epochsDone: 3 })
  })

  it('refuses a cross-origin POST', async () => {
    const r = await post(port, TOKEN, 'app.info', {}, { origin: 'http://evil.example' })
    expect(r.status).toBe(403)
    expect((await post(port, TOKEN, 'app.info', {}, { origin: `http://127.0.0.1:${port}` })).status).toBe(200)
    await expect(openWs(`ws://127.0.0.1:${port}/api/live?token=${TOKEN}`, { origin: 'http://evil.example' })).rejects.toThrow(
      /403/,
    )
  })
})

describe('the Host header (DNS rebinding)', () => {
  it('accepts the loopback names on our port and nothing else', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
      expect((await post(port, TOKEN, 'app.info', {}, { host })).status).toBe(200)
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, 'localhost', `localhost.evil.example:${port}`]) {
      expect((await post(port, TOKEN, 'app.info', {}, { host })).status).toBe(403)
      expect((await raw(port, { path: `/?token=${TOKEN}`, headers: { host } })).status).toBe(403)
    }
    expect(await wsStatus(`ws://127.0.0.1:${port}/api/live?token=${TOKEN}`, { host: `evil.example:${port}` })).toBe(403)
  })
})

describe('paths', () => {
  it('refuses traversal in every spelling', async () => {
    const paths = [
      '/../package.json',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/%2E%2E%2F%2E%2E%2Fpackage.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
      '/assets/..\\..\\package.json',
      '/%2e%2e/package.json',
      '/api/../out',
      '/api/..%2fpackage.json',
      '/assets/%00',
      '/assets/%zz',
    ]
    for (const path of paths) {
      const r = await raw(port, { path, headers: auth })
      expect([400, 404], path).toContain(r.status)
      expect(r.body).not.toContain('SECRET')
      expect((await raw(port, { path })).status, path).toBe(401)
    }
  })

  it('serves nothing outside index.html and assets/: no listing, no symlinks out', async () => {
    for (const path of [
      '/package.json',
      '/secret.txt',
      '/assets/',
      '/assets',
      '/assets/link.json',
      '/api',
      '/api/',
      '/out/renderer/index.html',
    ]) {
      const r = await raw(port, { path, headers: auth })
      expect(r.status, path).toBe(404)
      expect(r.body).not.toContain('SECRET')
    }
  })

  it('sends nosniff and the strict CSP on every response, the live socket allowed on the page', async () => {
    const strict =
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    const onPage = strict.replace("connect-src 'self'", `connect-src 'self' ws://127.0.0.1:${port}`)
    for (const path of ['/', '/index.html', `/?token=${TOKEN}`]) {
      const page = await raw(port, { path, headers: path.includes('token') ? {} : auth })
      expect(page.headers['content-type'], path).toMatch(/text\/html/)
      expect(page.headers['content-security-policy'], path).toBe(onPage)
    }
    const others = {
      'an HTML file under assets/': await raw(port, { path: '/assets/page.html', headers: auth }),
      'a script': await raw(port, { path: '/assets/app.js', headers: auth }),
      'an API answer': await post(port, TOKEN, 'app.info', {}),
      'an API error': await post(port, TOKEN, 'no.such.op', {}),
      'a 401': await raw(port, { path: '/' }),
      'a 404': await raw(port, { path: '/x', headers: auth }),
      'a bad Host': await raw(port, { path: '/', headers: { ...auth, host: 'evil.example' } }),
    }
    expect(others['an HTML file under assets/'].headers['content-type']).toMatch(/text\/html/)
    for (const [what, r] of Object.entries(others)) expect(r.headers['content-security-policy'], what).toBe(strict)
    for (const r of [...Object.values(others), await raw(port, { path: '/', headers: auth })])
      expect(r.headers['x-content-type-options']).toBe('nosniff')
  })

  it('says the UI is not built when there is no index.html, and the API still works', async () => {
    const bare = await startServer({ app, staticDir: join(site, 'nothing-here'), token: TOKEN })
    try {
      const page = await raw(bare.port, { path: '/', headers: auth })
      expect(page.status).toBe(200)
      expect(page.body).toMatch(/the UI is not built: run <code>npm run build<\/code>/i)
      expect(page.headers['content-security-policy']).toMatch(/^default-src 'self'; .*; frame-ancestors 'none'$/)
      expect((await post(bare.port, TOKEN, 'app.info', {})).status).toBe(200)
      expect(bare.url).toBe(`http://127.0.0.1:${bare.port}/?token=${TOKEN}`)
    } finally {
      await bare.close()
    }
  })
})
