/** NB201 searches: the derived cell's benchmark accuracy per epoch, with the oracle-best and all-skip lines. */
import { memo, useMemo, useState } from 'react'
import type { MetricPoint } from '../../../../shared/api'
import { LineChartCard } from '../../components/charts/LineChartCard'
import { benchmarkPanel } from '../../shape/benchmark'
import { chartRows } from '../../shape/runView'

export const BenchmarkChart = memo(function BenchmarkChart({
  metrics,
  marker,
  searchDataset,
}: {
  metrics: Readonly<Record<string, readonly MetricPoint[]>>
  marker: number | null
  searchDataset: string | null
}) {
  const [column, setColumn] = useState<string | undefined>(undefined)
  const panel = useMemo(() => benchmarkPanel(metrics, searchDataset, column), [metrics, searchDataset, column])
  const keys = useMemo(() => (panel ? [...panel.keys] : []), [panel])
  const { rows } = useMemo(() => chartRows(metrics, keys), [metrics, keys])
  if (!panel) return null
  const shown = panel.final ?? panel.latest
  return (
    <LineChartCard
      testKey="benchmark"
      title={
        <span title="a NAS-Bench-201 table lookup of each epoch's derived cell, not measured by this run">{panel.title}</span>
      }
      rows={rows}
      keys={keys}
      marker={marker}
      step
      extra={
        <span className="xs row" style={{ gap: 6 }}>
          {shown && (
            <span data-testid="benchmark-percentile">
              {panel.final ? 'final cell' : `epoch ${panel.latest!.epoch}`} {shown.accuracy.toFixed(2)}% · percentile{' '}
              {shown.percentile?.toFixed(1) ?? '–'} of 15,625
            </span>
          )}
          {panel.columns.length > 1 && (
            <select
              aria-label="benchmark column"
              value={panel.column}
              onChange={(e) => setColumn(e.target.value)}
              data-testid="benchmark-column"
            >
              {panel.columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          )}
        </span>
      }
    />
  )
})
