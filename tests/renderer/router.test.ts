import { describe, expect, it } from 'vitest'
import { parseHash } from '../../src/renderer/src/router'

describe('parseHash', () => {
  it('defaults to the runs table', () => {
    expect(parseHash('').path).toBe('/runs')
    expect(parseHash('#/').path).toBe('/runs')
  })
  it('splits path and params', () => {
    const r = parseHash('#/compare?ids=a,b')
    expect(r.path).toBe('/compare')
    expect(r.params.get('ids')).toBe('a,b')
    expect(parseHash('#/runs/abc/').path).toBe('/runs/abc')
    expect(parseHash('#cells?run=x&epoch=3').params.get('epoch')).toBe('3')
  })
})
