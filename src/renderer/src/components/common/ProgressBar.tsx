/** A run's progress (0..1 or null) as a bar with role=progressbar; the ETA text sits beside it. */
import { eta as etaText } from '../../shape/format'

export function ProgressBar({
  progress,
  status,
  etaSec,
  label,
}: {
  progress: number | null
  status: string
  etaSec?: number | null
  label?: string
}) {
  const value = progress === null ? 0 : Math.round(Math.max(0, Math.min(1, progress)) * 100)
  const showEta = status === 'running' && etaSec !== null && etaSec !== undefined
  return (
    <div className="row" style={{ gap: 6, minWidth: 130 }}>
      <div
        className={`progress grow status-${status}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-label={label ?? 'progress'}
        data-testid="run-progress"
      >
        <span style={{ transform: `scaleX(${value / 100})` }} />
      </div>
      <span className="num xs muted" style={{ minWidth: 30 }}>
        {progress === null ? '–' : `${value}%`}
      </span>
      {showEta && <span className="num xs muted">{etaText(etaSec)}</span>}
    </div>
  )
}
