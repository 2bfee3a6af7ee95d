import { describe, expect, it } from 'vitest'
import { ago, bytes, count, duration, eta, metric, pct, shortId } from '../../src/renderer/src/shape/format'

describe('format', () => {
  it('formats durations compactly', () => {
    expect(duration(0)).toBe('0s')
    expect(duration(59.4)).toBe('59s')
    expect(duration(65)).toBe('1m 05s')
    expect(duration(3 * 3600 + 4 * 60)).toBe('3h 04m')
    expect(duration(2 * 86400 + 5 * 3600)).toBe('2d 5h')
    expect(duration(null)).toBe('–')
    expect(duration(-1)).toBe('–')
    expect(duration(Number.NaN)).toBe('–')
  })
  it('writes an ETA only when known', () => {
    expect(eta(125)).toBe('ETA 2m 05s')
    expect(eta(null)).toBe('')
  })
  it('formats percentages, bytes and counts', () => {
    expect(pct(0.93125)).toBe('93.13%')
    expect(pct(null)).toBe('–')
    expect(pct(Number.NaN)).toBe('–')
    expect(bytes(512)).toBe('512 B')
    expect(bytes(1536)).toBe('1.50 KiB')
    expect(bytes(200 * 1024 * 1024)).toBe('200 MiB')
    expect(count(1234)).toBe('1.23k')
    expect(count(2.5e6)).toBe('2.50M')
  })
  it('shows non-finite metrics instead of hiding them', () => {
    expect(metric(Number.NaN)).toBe('NaN')
    expect(metric(Infinity)).toBe('∞')
    expect(metric(-Infinity)).toBe('−∞')
    expect(metric(0.000123)).toBe('1.23e-4')
    expect(metric(2.345678)).toBe('2.346')
  })
  it('says how long ago', () => {
    expect(ago(1000, 1000 + 10_000)).toBe('just now')
    expect(ago(0, 5 * 60_000)).toBe('5m ago')
    expect(ago(0, 3 * 3600_000)).toBe('3h ago')
  })
})

describe('shortId', () => {
  it('keeps short ids and cuts long ones in the middle', () => {
    expect(shortId('run-1')).toBe('run-1')
    const s = shortId('20261128-062213-hdarts-quick-s0-67fd')
    expect(s).toHaveLength(24)
    expect(s.startsWith('20261128-062213')).toBe(true)
    expect(s.endsWith('s0-67fd')).toBe(true)
  })
})
