/**
 * `hdarts serve`'s HTTP + WebSocket server: the typed API for the renderer in a browser (docs/api.md).
 *   POST /api/<op>      JSON request → 200 JSON response, or {error: {code, message}} with 400/401/404/409/500
 *   GET  /api/live      WebSocket of LiveEvent JSON messages
 *   GET  /, /assets/*   the built renderer (out/renderer)
 * Every request needs an allowed Host and the token (header, cookie or ?token=).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { parseUntrustedJson, UnsafeJsonError } from '../core/json'
import type { AppService } from '../main/app'
import { API_BODY_LIMITS, ApiError, type ApiErrorCode, type ApiFailure } from '../shared/api'
import { contentSecurityPolicy } from '../shared/csp'
import { authorised, hostChecker, hostPort, newToken, originAllowed, TOKEN_COOKIE, tokenMatches } from './auth'
import { indexFile, NOT_BUILT_HTML, safePath, sendFile, staticTarget } from './static'

export interface ServerOptions {
  readonly app: AppService
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string
  /** 0 (default): any free port. */
  readonly port?: number
  /** Default: 24 random bytes, base64url. */
  readonly token?: string
  /** The built renderer (out/renderer). */
  readonly staticDir: string
  /** Request body limit (default 1 MiB). */
  readonly maxBodyBytes?: number
  /** An operation that has not answered by then gets a 504 (default 120 s); others are served meanwhile. */
  readonly requestTimeoutMs?: number
}

export interface RunningServer {
  /** The page to open, token included: `http://127.0.0.1:PORT/?token=TOKEN`. */
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

export const STATUS: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  internal: 500,
  timeout: 504,
}

/** The handler's answer, or an ApiError('timeout') once `ms` have passed (the work itself may still finish). */
async function withinTime<T>(work: Promise<T>, ms: number, op: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError('timeout', `${op} did not answer within ${Math.round(ms / 1000)} s`)), ms)
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

const MAX_BODY = 1024 * 1024
/** A live client this far behind is dropped rather than buffered without bound. */
const MAX_WS_BUFFER = 32 * 1024 * 1024
/**
 * On every response, not only the page: an asset, an error or a JSON body opened as a document gets the
 * same policy (src/shared/csp.ts, the one Electron's app:// protocol sends), with no connect-src beyond 'self'.
 */
const BASE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': contentSecurityPolicy(),
}

/** The page's policy adds its own live socket; `host` has passed the Host check. */
const pageCsp = (host: string): string => contentSecurityPolicy([`ws://${host}`])

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    ...extra,
  })
  res.end(body)
}

const failure = (code: ApiErrorCode, message: string): ApiFailure => ({ error: { code, message } })

function sendError(res: ServerResponse, api: boolean, status: number, code: ApiErrorCode, message: string, extra = {}): void {
  if (api) return sendJson(res, status, failure(code, message), extra)
  const body = message + '\n'
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    ...extra,
  })
  res.end(body)
}

/** Reads the body up to `limit` bytes; null when it is larger (the caller answers 413). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) return resolve(null)
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        resolve(null)
        req.pause()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1'
  const token = o.token ?? newToken()
  // It travels in a URL, a header and a cookie: URL-safe characters only, and not guessable by length.
  if (!/^[A-Za-z0-9_~.-]{8,256}$/.test(token)) throw new Error('the token must be 8–256 characters of A–Z a–z 0–9 _ ~ . -')
  const limit = o.maxBodyBytes ?? MAX_BODY
  let hostOk: (h: string | undefined) => boolean = () => false
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })

  async function api(req: IncomingMessage, res: ServerResponse, op: string): Promise<void> {
    if (req.method !== 'POST')
      return sendError(res, true, 405, 'bad-request', `${req.method} not allowed: API operations take POST`, { allow: 'POST' })
    if (!originAllowed(req.headers.origin, hostOk))
      return sendError(res, true, 403, 'unauthorized', 'forbidden: cross-origin request')
    // A few ops carry a file's content (a search log): they get a larger body than the default.
    const own = Object.hasOwn(API_BODY_LIMITS, op) ? API_BODY_LIMITS[op as keyof typeof API_BODY_LIMITS]! : 0
    const opLimit = Math.max(limit, own)
    const raw = await readBody(req, opLimit)
    if (raw === null)
      return sendError(res, true, 413, 'bad-request', `request body too large (limit ${Math.round(opLimit / 1024)} KiB)`, {
        connection: 'close',
      })
    let body: unknown
    try {
      body = raw.length ? parseUntrustedJson(raw.toString('utf8')) : undefined
    } catch (err) {
      const why = err instanceof UnsafeJsonError ? err.message : 'the request body is not valid JSON'
      return sendError(res, true, 400, 'bad-request', `${op}: ${why}`)
    }
    try {
      sendJson(res, 200, (await withinTime(o.app.handle(op, body), o.requestTimeoutMs ?? 120_000, op)) ?? null)
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('internal', `${op} failed`)
      sendError(res, true, STATUS[e.code], e.code, e.message)
    }
  }

  function page(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const headers: Record<string, string> = { ...BASE_HEADERS, 'content-security-policy': pageCsp(req.headers.host!) }
    // Opened with ?token=: the cookie lets the page's own asset and API requests through.
    if (tokenMatches(url.searchParams.get('token'), token))
      headers['set-cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
    const index = indexFile(o.staticDir)
    if (index) return sendFile(res, index, req.method === 'HEAD', headers)
    res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end(req.method === 'HEAD' ? undefined : NOT_BUILT_HTML)
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/'
    const rawPath = raw.split('?')[0]!
    const isApi = rawPath === '/api' || rawPath.startsWith('/api/')
    if (!hostOk(req.headers.host)) return sendError(res, isApi, 403, 'unauthorized', 'forbidden: unexpected Host header')
    if (!raw.startsWith('/')) return sendError(res, isApi, 400, 'bad-request', 'bad request target')
    const url = new URL('http://localhost' + raw)
    if (!authorised(req, url, token))
      return sendError(
        res,
        isApi,
        401,
        'unauthorized',
        'unauthorized: missing or wrong token (open the URL hdarts serve printed)',
      )
    const path = safePath(rawPath)
    if (path === null) return sendError(res, isApi, 404, 'not-found', 'not found')
    if (path === '/api/live') return sendError(res, true, 426, 'bad-request', 'GET /api/live is a WebSocket endpoint')
    if (path.startsWith('/api/') && path.length > '/api/'.length) return api(req, res, path.slice('/api/'.length))
    if (isApi) return sendError(res, true, 404, 'not-found', 'not found')
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, false, 405, 'bad-request', 'method not allowed', { allow: 'GET, HEAD' })
    const target = staticTarget(o.staticDir, path)
    if (target.kind === 'index') return page(req, res, url)
    if (target.kind === 'file') return sendFile(res, target.file, req.method === 'HEAD', BASE_HEADERS)
    sendError(res, false, 404, 'not-found', 'not found')
  }

  function refuseUpgrade(socket: Duplex, status: string, message: string): void {
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${message}\n`)
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {})
    const raw = req.url ?? '/'
    if (!hostOk(req.headers.host)) return refuseUpgrade(socket, '403 Forbidden', 'forbidden: unexpected Host header')
    if (!raw.startsWith('/')) return refuseUpgrade(socket, '400 Bad Request', 'bad request target')
    const url = new URL('http://localhost' + raw)
    if (!authorised(req, url, token)) return refuseUpgrade(socket, '401 Unauthorized', 'unauthorized: missing or wrong token')
    if (!originAllowed(req.headers.origin, hostOk))
      return refuseUpgrade(socket, '403 Forbidden', 'forbidden: cross-origin WebSocket')
    if (safePath(raw.split('?')[0]!) !== '/api/live') return refuseUpgrade(socket, '404 Not Found', 'not found')
    wss.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = o.app.subscribe((event) => {
        if (ws.readyState !== WebSocket.OPEN) return
        if (ws.bufferedAmount > MAX_WS_BUFFER) return ws.close(1013, 'client too slow')
        ws.send(JSON.stringify(event))
      })
      ws.on('close', unsubscribe)
      ws.on('error', () => {})
    })
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) sendError(res, false, 500, 'internal', 'internal error')
      else res.destroy()
    })
  })
  server.on('upgrade', onUpgrade)
  server.on('clientError', (_err, socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  hostOk = hostChecker(host, port)
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return {
    url: `http://${hostPort(shown, port)}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
