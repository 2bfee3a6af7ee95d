/** One registry of metric series: label, colour and formatter per key (charts never hard-code them). */
import { benchmarkSeriesLabel } from '../../shape/benchmark'
import { metric, pct } from '../../shape/format'

export interface SeriesStyle {
  readonly label: string
  readonly color: string
  readonly format?: (v: number) => string
}

const acc = (v: number) => pct(v, 1)

export const SERIES: Readonly<Record<string, SeriesStyle>> = {
  trainLoss: { label: 'train loss', color: 'var(--chart-1)' },
  valLoss: { label: 'val loss', color: 'var(--chart-2)' },
  archLoss: { label: 'arch loss', color: 'var(--chart-4)' },
  trainAcc: { label: 'train acc', color: 'var(--chart-1)', format: acc },
  valAcc: { label: 'val acc', color: 'var(--chart-2)', format: acc },
  lr: { label: 'lr', color: 'var(--chart-3)' },
  skipsNormal: { label: 'normal cell', color: 'var(--chart-5)', format: (v) => String(v) },
  skipsReduce: { label: 'reduce cell', color: 'var(--chart-6)', format: (v) => String(v) },
  lambdaMax: { label: 'λ_max', color: 'var(--chart-4)' },
  'm.lambdaMax': { label: 'λ_max', color: 'var(--chart-4)' },
  epochSec: { label: 'epoch time (s)', color: 'var(--chart-3)' },
  imagesPerSec: { label: 'images / s', color: 'var(--chart-5)' },
}

const PALETTE = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)', 'var(--chart-6)']

/** The style of a key; unknown keys (method scalars) get a stable palette colour and the bare name. */
export function seriesStyle(key: string, index = 0): SeriesStyle {
  const known = SERIES[key]
  if (known) return known
  // NAS-Bench-201 lookups are in percent already (table values, not fractions).
  const bench = benchmarkSeriesLabel(key)
  if (bench) {
    const color = key.endsWith('.best') ? 'var(--chart-3)' : key.endsWith('.allSkip') ? 'var(--danger)' : 'var(--chart-2)'
    return { label: bench, color, format: (v) => `${v.toFixed(2)}%` }
  }
  return { label: key.startsWith('m.') ? key.slice(2) : key, color: PALETTE[index % PALETTE.length]!, format: metric }
}
