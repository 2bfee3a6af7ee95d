/** Mean ± std over seeds per group: a shaded Area for the band and a Line for the mean (recharts). */
import { memo, useMemo } from 'react'
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { bandChartRows, type GroupBand, metricInfo } from '../../shape/compare'

export interface BandChartProps {
  readonly metric: string
  readonly bands: readonly GroupBand[]
  readonly log: boolean
  readonly hidden: ReadonlySet<string>
  readonly height?: number
  readonly title?: string
}

const fmt = (v: number, digits: number) =>
  Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : v.toFixed(digits)

export const BandChart = memo(function BandChart({ metric, bands, log, hidden, height = 240, title }: BandChartProps) {
  const info = metricInfo(metric)
  const shown = bands.filter((b) => !hidden.has(b.group))
  const rows = useMemo(
    () => bandChartRows(shown, { scale: info.scale, log, nonNegative: info.nonNegative }),
    [shown, info.scale, log, info.nonNegative],
  )
  return (
    <div className="band-chart panel" data-testid={`band-chart-${metric}`}>
      <div className="band-chart-head">
        <span className="band-chart-title">{title ?? info.label}</span>
        <span className="muted xs mono">{metric}</span>
      </div>
      {rows.length === 0 ? (
        <div className="band-empty muted small">No {metric} values in these runs.</div>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="step"
              type="number"
              domain={['dataMin', 'dataMax']}
              allowDecimals={false}
              tick={{ fill: 'var(--muted)', fontSize: 11 }}
              stroke="var(--border)"
              label={{ value: 'epoch', position: 'insideBottomRight', offset: -2, fill: 'var(--muted)', fontSize: 11 }}
            />
            <YAxis
              scale={log ? 'log' : 'linear'}
              domain={['auto', 'auto']}
              allowDataOverflow={log}
              tick={{ fill: 'var(--muted)', fontSize: 11 }}
              stroke="var(--border)"
              width={52}
              tickFormatter={(v: number) => fmt(v, info.digits > 2 ? 2 : 1)}
            />
            <Tooltip
              content={({ active, label, payload }) =>
                active && payload?.length ? (
                  <div className="band-tooltip">
                    <div className="muted">epoch {String(label)}</div>
                    {shown.map((b) => {
                      const row = payload[0]!.payload as Record<string, unknown>
                      const m = row[b.group] as number | null | undefined
                      const band = row[`${b.group}:band`] as [number, number] | undefined
                      if (m === undefined || m === null || !band) return null
                      return (
                        <div key={b.group} className="band-tooltip-row">
                          <span className="swatch" style={{ background: b.color }} />
                          <span className="grow">{b.label}</span>
                          <span className="mono">
                            {fmt(m, info.digits)} ± {fmt((band[1] - band[0]) / 2, info.digits)}
                          </span>
                          <span className="muted xs">n={String(row[`${b.group}:n`])}</span>
                        </div>
                      )
                    })}
                  </div>
                ) : null
              }
            />
            {shown.map((b) => (
              <Area
                key={`${b.group}:band`}
                dataKey={`${b.group}:band`}
                stroke="none"
                fill={b.color}
                fillOpacity={0.16}
                isAnimationActive={false}
                connectNulls
                activeDot={false}
                legendType="none"
              />
            ))}
            {shown.map((b) => (
              <Line
                key={b.group}
                dataKey={b.group}
                name={b.label}
                stroke={b.color}
                strokeWidth={2}
                dot={rows.length <= 12 ? { r: 2 } : false}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      )}
    </div>
  )
})
