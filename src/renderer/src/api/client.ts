/**
 * The renderer's ApiClient over whichever transport is there: the Electron preload (`window.hdarts`)
 * or HTTP + WebSocket against `hdarts serve`. Both reject with ApiError and push LiveEvents.
 */
import {
  ApiError,
  type ApiClient,
  type ApiErrorCode,
  type ApiFailure,
  type ApiOp,
  type ApiRequest,
  type ApiResponses,
  type LiveEvent,
} from '../../../shared/api'
import { type Observable, observable } from './store'

/** 'connecting' before the first open, 'reconnecting' after a drop (the UI shows it), 'open' when live. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface StudioClient extends ApiClient {
  readonly mode: 'electron' | 'browser'
  /** The live channel's state; always 'open' in Electron. */
  readonly connection: Observable<ConnectionState>
}

const TOKEN_KEY = 'hdarts.token'

const isFailure = (x: unknown): x is ApiFailure =>
  typeof x === 'object' && x !== null && 'error' in x && typeof (x as ApiFailure).error?.message === 'string'

export function createClient(): StudioClient {
  return window.hdarts?.api ? electronClient(window.hdarts) : httpClient(takeToken())
}

function electronClient(bridge: NonNullable<Window['hdarts']>): StudioClient {
  return {
    mode: 'electron',
    connection: observable<ConnectionState>('open'),
    async call<K extends ApiOp>(op: K, request: ApiRequest<K>): Promise<ApiResponses[K]> {
      const fn = bridge.api[op] as (r: ApiRequest<K>) => Promise<ApiResponses[K] | ApiFailure>
      const result = await fn(request)
      if (isFailure(result)) throw new ApiError(result.error.code, result.error.message)
      return result
    },
    subscribe: (listener) => bridge.onLive(listener),
  }
}

/** The session token: `?token=` of the page URL (then hidden from the address bar), else the saved one. */
export function takeToken(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl)
    } catch {
      /* storage disabled: the token lives for this page only */
    }
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? ''
  } catch {
    return ''
  }
}

const CODES: readonly ApiErrorCode[] = ['bad-request', 'not-found', 'conflict', 'unauthorized', 'timeout', 'internal']

/** The ApiError for a failed HTTP response: the `{error}` body if it has one, else the status. */
export async function httpError(res: Response): Promise<ApiError> {
  let body: unknown
  try {
    body = await res.json()
  } catch {
    body = undefined
  }
  if (isFailure(body)) {
    const code = CODES.includes(body.error.code) ? body.error.code : 'internal'
    return new ApiError(code, body.error.message)
  }
  const code: ApiErrorCode =
    res.status === 401 || res.status === 403
      ? 'unauthorized'
      : res.status === 404
        ? 'not-found'
        : res.status === 409
          ? 'conflict'
          : res.status >= 400 && res.status < 500
            ? 'bad-request'
            : 'internal'
  return new ApiError(code, `HTTP ${res.status} ${res.statusText}`.trim())
}

/** Reconnect delays: 0.5 s doubling to 10 s, with ±20 % jitter. */
export const backoff = (attempt: number): number => Math.min(10_000, 500 * 2 ** attempt) * (0.8 + 0.4 * Math.random())

function httpClient(token: string): StudioClient {
  const connection = observable<ConnectionState>('connecting')
  const listeners = new Set<(e: LiveEvent) => void>()
  let ws: WebSocket | null = null
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  const connect = () => {
    const proto = window.location.protocol === 'https:' ? 'wss' : 'ws'
    const socket = new WebSocket(`${proto}://${window.location.host}/api/live?token=${encodeURIComponent(token)}`)
    ws = socket
    socket.onopen = () => {
      attempt = 0
      connection.set('open')
    }
    socket.onmessage = (msg) => {
      let e: LiveEvent
      try {
        e = JSON.parse(String(msg.data)) as LiveEvent
      } catch {
        return
      }
      for (const l of [...listeners]) l(e)
    }
    socket.onclose = () => {
      if (ws !== socket) return
      ws = null
      connection.set(connection.get() === 'connecting' && attempt === 0 ? 'connecting' : 'reconnecting')
      timer = setTimeout(() => {
        timer = undefined
        connect()
      }, backoff(attempt++))
    }
  }
  const ensure = () => {
    if (!ws && timer === undefined) connect()
  }

  return {
    mode: 'browser',
    connection: {
      get: connection.get,
      subscribe(l) {
        ensure()
        return connection.subscribe(l)
      },
    },
    async call<K extends ApiOp>(op: K, request: ApiRequest<K>): Promise<ApiResponses[K]> {
      let res: Response
      try {
        res = await fetch(`/api/${op}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hdarts-token': token },
          body: JSON.stringify(request ?? {}),
        })
      } catch (err) {
        throw new ApiError('internal', `cannot reach the server (${err instanceof Error ? err.message : String(err)})`)
      }
      if (!res.ok) throw await httpError(res)
      return (await res.json()) as ApiResponses[K]
    },
    subscribe(listener) {
      listeners.add(listener)
      ensure()
      return () => listeners.delete(listener)
    },
  }
}
