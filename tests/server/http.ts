/** Raw HTTP and WebSocket clients for the server tests: paths sent as written, any Host header. */
import { request } from 'node:http'
import { WebSocket } from 'ws'

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  json: () => any
}

export function raw(
  port: number,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path, headers: { host: `127.0.0.1:${port}`, ...o.headers } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) })
        })
      },
    )
    req.on('error', reject)
    if (o.body !== undefined) req.write(o.body)
    req.end()
  })
}

/** POST /api/<op> with the token header. */
export const post = (port: number, token: string | null, op: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(port, {
    method: 'POST',
    path: `/api/${op}`,
    headers: { 'content-type': 'application/json', ...(token ? { 'x-hdarts-token': token } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

/** Opens a WebSocket; resolves with it once open, or rejects with the refusal's HTTP status. */
export function openWs(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }))
      res.resume()
      ws.terminate()
    })
    ws.once('error', (err) => reject(err))
  })
}

export async function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const ws = await openWs(url, headers)
    ws.close()
    return 101
  } catch (err) {
    return (err as { status?: number }).status ?? -1
  }
}
