/** α heatmaps (edges × ops) of the normal and reduce cell at the scrubbed epoch. */
import { memo, useMemo, useState } from 'react'
import { alphaHeatmap, type Heatmap as HeatmapData } from '../../../../core/metrics/heatmap'
import type { AlphaSnapshotDto } from '../../../../shared/api'
import { Heatmap } from '../../components/charts/Heatmap'

type Mode = 'row-softmax' | 'none'

function shape(snap: AlphaSnapshotDto | undefined, mode: Mode): { data: HeatmapData | null; error: string | null } {
  if (!snap) return { data: null, error: null }
  try {
    return { data: alphaHeatmap(snap.matrix, snap.ops, { normalize: mode }), error: null }
  } catch (err) {
    return { data: null, error: err instanceof Error ? err.message : String(err) }
  }
}

export const AlphaPanel = memo(function AlphaPanel({
  normal,
  reduce,
  defaultMode = 'row-softmax',
}: {
  normal?: AlphaSnapshotDto
  reduce?: AlphaSnapshotDto
  defaultMode?: Mode
}) {
  const [mode, setMode] = useState<Mode>(defaultMode)
  const [values, setValues] = useState(false)
  const n = useMemo(() => shape(normal, mode), [normal, mode])
  const r = useMemo(() => shape(reduce, mode), [reduce, mode])
  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Architecture weights</h2>
        <span className="small muted">edges × ops{normal ? ` · epoch ${normal.epoch}` : ''}</span>
        <div className="grow" />
        <label className="row xs muted">
          <input type="checkbox" checked={values} onChange={(e) => setValues(e.target.checked)} /> values
        </label>
        <div className="segmented" role="group" aria-label="α scale">
          <button
            aria-pressed={mode === 'row-softmax'}
            onClick={() => setMode('row-softmax')}
            title="softmax over the ops of each edge"
          >
            softmax
          </button>
          <button aria-pressed={mode === 'none'} onClick={() => setMode('none')} title="raw α">
            raw α
          </button>
        </div>
      </div>
      <div className="panel-body">
        {!normal && !reduce && <div className="state small">No α snapshot yet: the first arrives after an epoch.</div>}
        <div className="split" style={{ marginBottom: 0 }}>
          {(['normal', 'reduce'] as const).map((cell) => {
            const s = cell === 'normal' ? n : r
            const snap = cell === 'normal' ? normal : reduce
            if (!snap) return null
            return (
              <div key={cell}>
                <div className="small" style={{ fontWeight: 600, marginBottom: 4 }}>
                  {cell} cell
                </div>
                {s.error && <div className="error-line">{s.error}</div>}
                {s.data && <Heatmap data={s.data} showValues={values} testId="alpha-heatmap" cell={cell} />}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
})
