/** A heatmap (rows × cols) as a CSS grid with the viridis scale; the hovered value shows below. */
import { memo, useState } from 'react'
import type { Heatmap as HeatmapData } from '../../../../core/metrics/heatmap'
import { textOn, unit, viridis, viridisGradient } from '../../shape/colorScale'
import { metric } from '../../shape/format'
import './charts.css'

export const Heatmap = memo(function Heatmap({
  data,
  showValues = false,
  testId,
  cell,
}: {
  data: HeatmapData
  showValues?: boolean
  testId?: string
  cell?: string
}) {
  const [hover, setHover] = useState<{ r: number; c: number } | null>(null)
  const h =
    hover && data.rows[hover.r]
      ? { row: data.rows[hover.r]!, col: data.cols[hover.c]!, v: data.rows[hover.r]!.values[hover.c]! }
      : null
  return (
    <div data-testid={testId} data-cell={cell} onMouseLeave={() => setHover(null)}>
      <div
        className="heatmap"
        style={{ gridTemplateColumns: `max-content repeat(${data.cols.length}, minmax(22px, 1fr))` }}
        role="table"
      >
        <div />
        {data.cols.map((c) => (
          <div key={c} className="hm-col" role="columnheader">
            {c}
          </div>
        ))}
        {data.rows.map((row, r) => (
          <Row
            key={row.label}
            label={row.label}
            values={row.values}
            r={r}
            min={data.min}
            max={data.max}
            showValues={showValues}
            cols={data.cols}
            onHover={setHover}
          />
        ))}
      </div>
      <div className="row xs muted" style={{ marginTop: 6, minHeight: 18 }}>
        <span className="num">{metric(data.min)}</span>
        <span className="hm-scale" style={{ background: viridisGradient() }} />
        <span className="num">{metric(data.max)}</span>
        <span className="grow" />
        {h ? (
          <span className="mono">
            {h.row.label} · {h.col} = <b>{metric(h.v)}</b>
          </span>
        ) : (
          <span>hover a cell for its value</span>
        )}
      </div>
    </div>
  )
})

const Row = memo(function Row(p: {
  label: string
  values: number[]
  r: number
  min: number
  max: number
  cols: string[]
  showValues: boolean
  onHover(h: { r: number; c: number }): void
}) {
  return (
    <>
      <div className="hm-row" role="rowheader">
        {p.label}
      </div>
      {p.values.map((v, c) => {
        const t = unit(v, p.min, p.max)
        return (
          <div
            key={c}
            className="hm-cell"
            role="cell"
            style={{ background: viridis(t), color: textOn(t) }}
            title={`${p.label} · ${p.cols[c]} = ${metric(v)}`}
            onMouseEnter={() => p.onHover({ r: p.r, c })}
          >
            {p.showValues && (
              <span style={{ fontSize: 9, display: 'block', textAlign: 'center', lineHeight: '16px' }}>{metric(v)}</span>
            )}
          </div>
        )
      })}
    </>
  )
})
