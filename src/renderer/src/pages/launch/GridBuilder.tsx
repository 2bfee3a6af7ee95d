/** Sweeps: pick a setting and a comma-separated list of values; each sweep multiplies the runs. */
import { memo } from 'react'
import { configFields, parseSweepValues, type Sweep } from '../../shape/launch'

const KEYS = configFields()
  .map((f) => f.key)
  .filter((k) => k !== 'seed')

export const GridBuilder = memo(function GridBuilder({
  sweeps,
  onChange,
}: {
  sweeps: readonly Sweep[]
  onChange(next: Sweep[]): void
}) {
  const update = (i: number, patch: Partial<Sweep>) => onChange(sweeps.map((s, j) => (j === i ? { ...s, ...patch } : s)))
  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Grid</h2>
        <span className="small muted">values × methods × seeds</span>
        <div className="grow" />
        <button className="xs" onClick={() => onChange([...sweeps, { key: '', values: '' }])} data-testid="sweep-add">
          + Sweep a setting
        </button>
      </div>
      <div className="panel-body stack" style={{ gap: 'var(--space-2)' }}>
        {sweeps.length === 0 && (
          <div className="small muted">
            No sweep: one run per method and seed. Add a sweep to try several values of a setting.
          </div>
        )}
        <datalist id="setting-keys">
          {KEYS.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        {sweeps.map((s, i) => {
          const n = parseSweepValues(s.values).length
          return (
            <div className="row" key={i}>
              <input
                list="setting-keys"
                placeholder="setting, e.g. archLr"
                value={s.key}
                onChange={(e) => update(i, { key: e.target.value.trim() })}
                className={`mono${s.key && !KEYS.includes(s.key) ? ' invalid' : ''}`}
                style={{ width: 220 }}
                aria-label="Setting to sweep"
                data-testid="sweep-key"
              />
              <span className="muted">=</span>
              <input
                placeholder="values, e.g. 3e-4, 1e-3, 3e-3"
                value={s.values}
                onChange={(e) => update(i, { values: e.target.value })}
                className="mono grow"
                aria-label="Values"
                data-testid="sweep-values"
              />
              <span className="xs muted num" style={{ width: 58 }}>
                {n} value{n === 1 ? '' : 's'}
              </span>
              <button className="ghost icon" aria-label="Remove sweep" onClick={() => onChange(sweeps.filter((_, j) => j !== i))}>
                ✕
              </button>
            </div>
          )
        })}
      </div>
    </div>
  )
})
