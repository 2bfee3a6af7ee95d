/**
 * The run view's NAS-Bench-201 panel: which benchmark series a run has and how to label them (pure;
 * no React). The numbers are table lookups of the derived cell, so the label says which table column
 * and which dataset the search itself ran on.
 */
import {
  NB201_COLUMNS,
  NB201_HEADLINE_COLUMN,
  isNb201MetricKey,
  nb201Column,
  nb201Key,
  nb201ScoreLabel,
} from '../../../core/benchmark/nb201Columns'
import type { MetricPoint } from '../../../shared/api'

type Metrics = Readonly<Record<string, readonly MetricPoint[]>>

export interface BenchmarkPanel {
  readonly column: string
  /** Columns the run recorded, catalogue order. */
  readonly columns: readonly string[]
  /** Derived cell, oracle best, all-skip: the chart's series. */
  readonly keys: readonly [string, string, string]
  readonly title: string
  readonly latest: { readonly epoch: number; readonly accuracy: number; readonly percentile: number | null } | null
  readonly final: { readonly accuracy: number; readonly percentile: number | null } | null
}

/** Columns with per-epoch lookups in this run. */
export function benchmarkColumns(metrics: Metrics): string[] {
  return NB201_COLUMNS.map((c) => c.id).filter((id) => (metrics[nb201Key.acc(id)]?.length ?? 0) > 0)
}

/** The panel for `column` (default: CIFAR-10 test, else the first recorded), or null for a run without lookups. */
export function benchmarkPanel(metrics: Metrics, searchDataset: string | null, column?: string): BenchmarkPanel | null {
  const columns = benchmarkColumns(metrics)
  if (!columns.length) return null
  const col =
    column && columns.includes(column) ? column : columns.includes(NB201_HEADLINE_COLUMN) ? NB201_HEADLINE_COLUMN : columns[0]!
  const last = metrics[nb201Key.acc(col)]!.at(-1)!
  const pctAt = (key: string, step: number) => metrics[key]?.find((p) => p.step === step)?.value ?? null
  const fin = metrics[nb201Key.final(col)]?.[0]
  return {
    column: col,
    columns,
    keys: [nb201Key.acc(col), nb201Key.best(col), nb201Key.allSkip(col)],
    title: nb201ScoreLabel(nb201Column(col)!, searchDataset),
    latest: { epoch: last.step, accuracy: last.value, percentile: pctAt(nb201Key.pct(col), last.step) },
    final: fin ? { accuracy: fin.value, percentile: metrics[nb201Key.finalPct(col)]?.[0]?.value ?? null } : null,
  }
}

/** Series label of a benchmark key, for the chart registry; null for other keys. */
export function benchmarkSeriesLabel(key: string): string | null {
  if (!isNb201MetricKey(key)) return null
  if (key.endsWith('.best')) return 'oracle best cell'
  if (key.endsWith('.allSkip')) return 'all-skip cell'
  if (key.endsWith('.pct')) return 'percentile'
  return key.startsWith('nb201.final.') ? 'final cell' : 'derived cell'
}

export { isNb201MetricKey }
