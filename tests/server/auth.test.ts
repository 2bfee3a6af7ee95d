/** The server's access rules as pure functions: token comparison, token sources, Host and Origin checks. */
import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { authorised, cookieValue, hostChecker, newToken, originAllowed, tokenMatches } from '../../src/server/auth'

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage

describe('tokens', () => {
  it('are 24 random bytes in base64url, compared exactly', () => {
    const t = newToken()
    expect(t).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(newToken()).not.toBe(t)
    expect(tokenMatches(t, t)).toBe(true)
    for (const other of [t.slice(1), t + 'x', t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase(), '', null, undefined])
      expect(tokenMatches(other, t)).toBe(false)
  })

  it('are taken from the header, the cookie or the query', () => {
    const url = (q = '') => new URL(`http://x/${q}`)
    expect(authorised(req({ 'x-hdarts-token': 'secret-1' }), url(), 'secret-1')).toBe(true)
    expect(authorised(req({ cookie: 'a=b; hdarts_token=secret-1' }), url(), 'secret-1')).toBe(true)
    expect(authorised(req({}), url('?token=secret-1'), 'secret-1')).toBe(true)
    expect(authorised(req({ cookie: 'xhdarts_token=secret-1' }), url('?tokens=secret-1'), 'secret-1')).toBe(false)
    expect(cookieValue('a=1; b = 2', 'b')).toBe('2')
  })
})

describe('Host and Origin', () => {
  it('loopback: only the loopback names on our port', () => {
    const ok = hostChecker('127.0.0.1', 5000)
    for (const h of ['127.0.0.1:5000', 'localhost:5000', 'LOCALHOST:5000', '[::1]:5000']) expect(ok(h), h).toBe(true)
    for (const h of ['127.0.0.1', '127.0.0.1:5001', 'evil.example:5000', '10.0.0.2:5000', undefined])
      expect(ok(h), String(h)).toBe(false)
  })

  it('another interface: that host too; every interface: IP literals but never a DNS name', () => {
    expect(hostChecker('192.168.1.5', 80)('192.168.1.5:80')).toBe(true)
    const any = hostChecker('0.0.0.0', 5000)
    expect(any('10.1.2.3:5000')).toBe(true)
    expect(any('[fe80::1]:5000')).toBe(true)
    expect(any('evil.example:5000')).toBe(false)
    expect(any('10.1.2.3:5001')).toBe(false)
  })

  it('a browser Origin must be this server', () => {
    const ok = hostChecker('127.0.0.1', 5000)
    expect(originAllowed(undefined, ok)).toBe(true)
    expect(originAllowed('http://127.0.0.1:5000', ok)).toBe(true)
    expect(originAllowed('http://evil.example', ok)).toBe(false)
    expect(originAllowed('null', ok)).toBe(false)
    expect(originAllowed('https://127.0.0.1:5000', ok)).toBe(false)
  })
})
