/** A titled line chart over epochs from ready-made rows; series styles come from the registry. */
import { memo, type ReactNode } from 'react'
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { metric } from '../../shape/format'
import type { ChartRow } from '../../shape/runView'
import { seriesStyle } from './series'
import './charts.css'

export interface LineChartCardProps {
  /** `data-testid="chart-<testKey>"`. */
  readonly testKey: string
  readonly title: ReactNode
  readonly rows: readonly ChartRow[]
  readonly keys: readonly string[]
  readonly height?: number
  readonly yFormat?: (v: number) => string
  readonly logY?: boolean
  readonly step?: boolean
  /** Shown in the title bar (e.g. a warning about non-finite values). */
  readonly extra?: ReactNode
  /** Marks an epoch with a vertical line (the scrubber position). */
  readonly marker?: number | null
}

export const LineChartCard = memo(function LineChartCard(p: LineChartCardProps) {
  const { rows, keys, height = 190 } = p
  const fmt = p.yFormat ?? seriesStyle(keys[0] ?? '').format ?? metric
  const hasData = rows.some((r) => keys.some((k) => r[k] !== null && r[k] !== undefined))
  return (
    <div className="chart-card" data-testid={`chart-${p.testKey}`}>
      <h3>
        {p.title}
        <span className="grow" />
        {p.extra}
      </h3>
      {!hasData ? (
        <div className="chart-empty" style={{ height }}>
          no data yet
        </div>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={rows as ChartRow[]} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="2 3" vertical={false} />
            <XAxis
              dataKey="step"
              type="number"
              domain={['dataMin', 'dataMax']}
              allowDecimals={false}
              tick={{ fontSize: 11, fill: 'var(--muted)' }}
              stroke="var(--border)"
              tickLine={false}
            />
            <YAxis
              tick={{ fontSize: 11, fill: 'var(--muted)' }}
              stroke="var(--border)"
              tickLine={false}
              width={52}
              tickFormatter={(v: number) => fmt(v)}
              scale={p.logY ? 'log' : 'auto'}
              domain={['auto', 'auto']}
            />
            <Tooltip
              content={({ active, payload, label }) =>
                active && payload?.length ? (
                  <div className="chart-tooltip">
                    <div className="muted">epoch {String(label)}</div>
                    {payload.map((it) => (
                      <div key={String(it.dataKey)}>
                        <span className="swatch" style={{ background: String(it.color) }} />
                        {seriesStyle(String(it.dataKey)).label}: <b>{it.value === null ? '–' : fmt(Number(it.value))}</b>
                      </div>
                    ))}
                  </div>
                ) : null
              }
            />
            {keys.length > 1 && <Legend iconType="plainline" iconSize={12} wrapperStyle={{ fontSize: 11 }} />}
            {keys.map((k, i) => {
              const s = seriesStyle(k, i)
              return (
                <Line
                  key={k}
                  dataKey={k}
                  name={s.label}
                  stroke={s.color}
                  strokeWidth={1.75}
                  dot={rows.length <= 30 ? { r: 2 } : false}
                  activeDot={{ r: 3.5 }}
                  isAnimationActive={false}
                  connectNulls
                  type={p.step ? 'stepAfter' : 'monotone'}
                />
              )
            })}
            {p.marker !== null && p.marker !== undefined && (
              <ReferenceLine x={p.marker} stroke="var(--muted)" strokeDasharray="3 3" />
            )}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  )
})
