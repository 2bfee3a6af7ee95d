import { describe, expect, it } from 'vitest'
import { backoff, httpError } from '../../src/renderer/src/api/client'
import { ApiError } from '../../src/shared/api'

describe('http client errors', () => {
  it('uses the {error} body of a failed response', async () => {
    const res = new Response(JSON.stringify({ error: { code: 'not-found', message: "no run 'x'" } }), { status: 404 })
    const err = await httpError(res)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('not-found')
    expect(err.message).toBe("no run 'x'")
  })
  it('maps a status without a body', async () => {
    expect((await httpError(new Response('nope', { status: 401 }))).code).toBe('unauthorized')
    expect((await httpError(new Response('', { status: 502, statusText: 'Bad Gateway' }))).message).toBe('HTTP 502 Bad Gateway')
  })
  it('backs off up to 10 s', () => {
    expect(backoff(0)).toBeLessThanOrEqual(600)
    expect(backoff(20)).toBeLessThanOrEqual(12_000)
    expect(backoff(20)).toBeGreaterThanOrEqual(8_000)
  })
})
