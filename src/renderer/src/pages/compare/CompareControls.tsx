/** Dashboard controls: group by, baseline, smoothing, log scale, extra metrics and group visibility. */
import type { CompareGroup } from '../../shape/compare'

export interface CompareControlsProps {
  readonly groupBy: string
  readonly groupOptions: readonly { key: string; label: string; regularizer: boolean }[]
  readonly onGroupBy: (key: string) => void
  readonly groups: readonly CompareGroup[]
  readonly baseline: string | null
  readonly onBaseline: (value: string) => void
  readonly smoothing: number
  readonly onSmoothing: (v: number) => void
  readonly log: boolean
  readonly onLog: (v: boolean) => void
  readonly metricChoices: readonly string[]
  readonly onAddMetric: (key: string) => void
  readonly hidden: ReadonlySet<string>
  readonly onToggleGroup: (value: string) => void
}

export function CompareControls(p: CompareControlsProps) {
  const reg = p.groupOptions.filter((o) => o.regularizer)
  const other = p.groupOptions.filter((o) => !o.regularizer)
  return (
    <div className="panel compare-controls">
      <div className="controls-row">
        <label className="ctl">
          <span>Group by</span>
          <select value={p.groupBy} onChange={(e) => p.onGroupBy(e.target.value)} data-testid="group-by">
            <optgroup label="Run">
              {other.map((o) => (
                <option key={o.key} value={o.key}>
                  {o.label}
                </option>
              ))}
            </optgroup>
            {reg.length > 0 && (
              <optgroup label="Regularization">
                {reg.map((o) => (
                  <option key={o.key} value={o.key}>
                    {o.label}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <label className="ctl">
          <span>Baseline</span>
          <select value={p.baseline ?? ''} onChange={(e) => p.onBaseline(e.target.value)} data-testid="baseline-select">
            {p.groups.map((g) => (
              <option key={g.value} value={g.value}>
                {g.label} ({g.runs.length})
              </option>
            ))}
          </select>
        </label>
        <label className="ctl ctl-range">
          <span>
            Smoothing <span className="mono">{p.smoothing.toFixed(2)}</span>
          </span>
          <input
            type="range"
            min={0}
            max={0.95}
            step={0.05}
            value={p.smoothing}
            onChange={(e) => p.onSmoothing(Number(e.target.value))}
            data-testid="smoothing"
            aria-label="EMA smoothing"
          />
        </label>
        <label className="ctl ctl-check">
          <input type="checkbox" checked={p.log} onChange={(e) => p.onLog(e.target.checked)} data-testid="log-scale" />
          Log-scale y
        </label>
        {p.metricChoices.length > 0 && (
          <label className="ctl">
            <span>Add a metric</span>
            <select value="" onChange={(e) => e.target.value && p.onAddMetric(e.target.value)} data-testid="add-metric">
              <option value="">Metric…</option>
              {p.metricChoices.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div className="group-legend" aria-label="Groups (click to hide or show)">
        {p.groups.map((g) => (
          <button
            key={g.value}
            className={`group-chip${p.hidden.has(g.value) ? ' off' : ''}`}
            aria-pressed={!p.hidden.has(g.value)}
            onClick={() => p.onToggleGroup(g.value)}
            title={`${p.groupBy}=${g.value}: ${g.runs.map((r) => r.run.id).join(', ')}`}
          >
            <span className="swatch" style={{ background: g.color }} />
            {g.label}
            <span className="muted">n={g.runs.length}</span>
            {g.value === p.baseline && <span className="base-tag">baseline</span>}
          </button>
        ))}
      </div>
    </div>
  )
}
