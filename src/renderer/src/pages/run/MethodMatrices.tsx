/** Method-specific matrices (gate probabilities, PC-DARTS edge weights, HDARTS motif α) at the scrubbed epoch. */
import { memo, useMemo, useState } from 'react'
import { alphaHeatmap } from '../../../../core/metrics/heatmap'
import type { RunDetail } from '../../../../shared/api'
import { Heatmap } from '../../components/charts/Heatmap'
import { atEpoch } from '../../shape/runView'

export const MethodMatrices = memo(function MethodMatrices({
  matrices,
  ops,
  epoch,
}: {
  matrices: RunDetail['methodMatrices']
  /** The α ops, used as column labels when a matrix has one column per op. */
  ops: readonly string[]
  epoch: number | null
}) {
  const names = useMemo(() => [...new Set(matrices.map((m) => m.name))].sort(), [matrices])
  const [picked, setPicked] = useState<string | null>(null)
  const name = picked && names.includes(picked) ? picked : names[0]
  const m =
    name === undefined || epoch === null
      ? undefined
      : atEpoch(
          matrices.filter((x) => x.name === name),
          epoch,
        )
  const data = useMemo(() => {
    if (!m || !m.matrix.length) return null
    const cols = m.matrix[0]!.length
    const labels = cols === ops.length ? ops : Array.from({ length: cols }, (_, i) => String(i))
    try {
      return alphaHeatmap(m.matrix, labels)
    } catch {
      return null
    }
  }, [m, ops])
  if (!names.length) return null
  return (
    <div className="panel" style={{ marginBottom: 'var(--space-3)' }} data-testid="method-matrices">
      <div className="panel-head">
        <h2>Method matrices</h2>
        <span className="small muted">{m ? `epoch ${m.epoch}` : 'none at this epoch'}</span>
        <div className="grow" />
        <select value={name} onChange={(e) => setPicked(e.target.value)} aria-label="Matrix">
          {names.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </div>
      <div className="panel-body" style={{ maxWidth: 720 }}>
        {data ? <Heatmap data={data} /> : <div className="small muted">No values.</div>}
      </div>
    </div>
  )
})
