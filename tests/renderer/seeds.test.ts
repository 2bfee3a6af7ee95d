import { describe, expect, it } from 'vitest'
import { formatSeeds, parseSeeds } from '../../src/renderer/src/shape/seeds'

describe('parseSeeds', () => {
  it('reads lists and ranges', () => {
    expect(parseSeeds('0-2,5')).toEqual({ ok: true, seeds: [0, 1, 2, 5] })
    expect(parseSeeds(' 3, 1 ,2 ')).toEqual({ ok: true, seeds: [3, 1, 2] })
    expect(parseSeeds('0 1 2')).toEqual({ ok: true, seeds: [0, 1, 2] })
    expect(parseSeeds('4')).toEqual({ ok: true, seeds: [4] })
  })
  it('drops duplicates', () => {
    expect(parseSeeds('0-2,1,2')).toEqual({ ok: true, seeds: [0, 1, 2] })
  })
  it('names the bad part', () => {
    expect(parseSeeds('')).toMatchObject({ ok: false, error: expect.stringContaining('at least one') })
    expect(parseSeeds('1,x')).toMatchObject({ ok: false, error: expect.stringContaining("'x'") })
    expect(parseSeeds('-1')).toMatchObject({ ok: false })
    expect(parseSeeds('1.5')).toMatchObject({ ok: false, error: expect.stringContaining("'1.5'") })
    expect(parseSeeds('5-2')).toMatchObject({ ok: false, error: expect.stringContaining('low-high') })
    expect(parseSeeds('0-5000')).toMatchObject({ ok: false, error: expect.stringContaining('too many') })
    expect(parseSeeds('3000000000')).toMatchObject({ ok: false, error: expect.stringContaining('up to') })
  })
  it('formats back to the shortest text', () => {
    expect(formatSeeds([5, 0, 1, 2])).toBe('0-2,5')
    expect(formatSeeds([])).toBe('')
  })
})
