/**
 * Who may talk to `hdarts serve`: a request must name an allowed Host (against DNS rebinding: a page
 * on evil.example resolving to 127.0.0.1 still sends `Host: evil.example`) and carry the token, in the
 * `x-hdarts-token` header, the `hdarts_token` cookie or a `?token=` query parameter.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'

export const TOKEN_HEADER = 'x-hdarts-token'
export const TOKEN_COOKIE = 'hdarts_token'

/** 24 random bytes, base64url (32 characters). */
export const newToken = (): string => randomBytes(24).toString('base64url')

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** Constant-time comparison (hashing first makes the lengths equal, so length leaks nothing either). */
export function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (typeof given !== 'string' || !given) return false
  return timingSafeEqual(digest(given), digest(token))
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** The token a request presents, by header, then cookie, then query. */
export function presentedTokens(req: IncomingMessage, url: URL): string[] {
  const header = req.headers[TOKEN_HEADER]
  return [
    ...(typeof header === 'string' ? [header] : []),
    cookieValue(req.headers.cookie, TOKEN_COOKIE),
    url.searchParams.get('token'),
  ].filter((t): t is string => typeof t === 'string' && t.length > 0)
}

export const authorised = (req: IncomingMessage, url: URL, token: string): boolean =>
  presentedTokens(req, url).some((t) => tokenMatches(t, token))

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])
const WILDCARD = new Set(['0.0.0.0', '::'])

/** `host:port` as a Host header writes it (IPv6 in brackets). */
export const hostPort = (host: string, port: number): string => `${isIP(host) === 6 ? `[${host}]` : host}:${port}`

/**
 * Which Host headers are accepted: the loopback names on our port, plus the host we listen on. Bound
 * to every interface (0.0.0.0 / ::), any IP literal is accepted too, but never a DNS name other than
 * localhost: that is what a rebinding attack would send.
 */
export function hostChecker(host: string, port: number): (hostHeader: string | undefined) => boolean {
  const allowed = new Set([...LOOPBACK, host].map((h) => hostPort(h, port).toLowerCase()))
  const wildcard = WILDCARD.has(host)
  return (hostHeader) => {
    if (!hostHeader) return false
    const h = hostHeader.toLowerCase()
    if (allowed.has(h)) return true
    if (!wildcard) return false
    const m = /^(?:\[([0-9a-f:.]+)\]|([0-9.]+)):(\d+)$/.exec(h)
    return !!m && Number(m[3]) === port && isIP(m[1] ?? m[2]!) !== 0
  }
}

/** A browser's Origin (sent on cross-site POSTs and WebSocket upgrades) must be this server's own. */
export function originAllowed(origin: string | undefined, hostOk: (h: string) => boolean): boolean {
  if (origin === undefined) return true // not a browser, or a same-origin GET: the token decides
  try {
    const u = new URL(origin)
    return u.protocol === 'http:' && hostOk(u.host)
  } catch {
    return false
  }
}
