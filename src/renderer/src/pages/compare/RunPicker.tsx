/** Chooses runs to compare: a filterable, checkable list from runs.list; "Compare" navigates to `?ids=`. */
import { useMemo, useState } from 'react'
import type { RunSummary } from '../../../../shared/api'
import { useApi, useQuery } from '../../api/context'
import { ErrorState, Loading } from '../../components/common/States'
import { navigate } from '../../router'

const matches = (r: RunSummary, q: string) =>
  !q ||
  [r.id, r.method, r.preset ?? '', r.dataset, r.status, `seed ${r.seed}`, ...Object.entries(r.tags).map(([k, v]) => `${k}=${v}`)]
    .join(' ')
    .toLowerCase()
    .includes(q.toLowerCase())

export function RunPicker({ initial = [] }: { initial?: readonly string[] }) {
  const api = useApi()
  const runs = useQuery(() => api.call('runs.list', {}), [api])
  const [filter, setFilter] = useState('')
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set(initial))
  const shown = useMemo(() => (runs.data ?? []).filter((r) => matches(r, filter)), [runs.data, filter])
  if (runs.loading && !runs.data) return <Loading label="Loading runs…" />
  if (runs.error && !runs.data) return <ErrorState error={runs.error} onRetry={runs.reload} />
  const toggle = (id: string) =>
    setPicked((s) => {
      const n = new Set(s)
      if (n.has(id)) n.delete(id)
      else n.add(id)
      return n
    })
  const allShown = shown.length > 0 && shown.every((r) => picked.has(r.id))
  return (
    <section className="panel run-picker" data-testid="compare-picker">
      <div className="panel-head">
        <h3>Choose runs to compare</h3>
        <span className="muted small">Seeds of one setting are averaged; group them by method or any parameter next.</span>
      </div>
      <div className="panel-body">
        <div className="toolbar">
          <input
            type="search"
            className="grow"
            placeholder="Filter by id, method, preset, status, tag…"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            data-testid="compare-filter"
            aria-label="Filter runs"
          />
          <button
            onClick={() =>
              setPicked((s) => {
                const n = new Set(s)
                for (const r of shown)
                  if (allShown) n.delete(r.id)
                  else n.add(r.id)
                return n
              })
            }
            disabled={shown.length === 0}
          >
            {allShown ? 'Clear shown' : `Select ${shown.length} shown`}
          </button>
          <button
            className="primary"
            disabled={picked.size === 0}
            data-testid="compare-go"
            onClick={() => navigate(`/compare?ids=${[...picked].map(encodeURIComponent).join(',')}`)}
          >
            Compare {picked.size} run{picked.size === 1 ? '' : 's'}
          </button>
        </div>
        <div className="picker-list">
          {shown.length === 0 && (
            <div className="muted small picker-empty">
              {runs.data?.length ? 'No run matches the filter.' : 'No runs yet: launch a search first.'}
            </div>
          )}
          {shown.map((r) => (
            <label key={r.id} className={`picker-row${picked.has(r.id) ? ' on' : ''}`}>
              <input type="checkbox" checked={picked.has(r.id)} onChange={() => toggle(r.id)} />
              <span className="mono">{r.id}</span>
              <span>{r.method}</span>
              <span className="muted">{r.preset && r.preset !== r.method ? r.preset : ''}</span>
              <span className="muted">{r.dataset}</span>
              <span className="muted">seed {r.seed}</span>
              <span className={`chip chip-${r.status}`}>{r.status}</span>
              <span className="num mono">{r.lastValAcc === null ? '' : `${(100 * r.lastValAcc).toFixed(2)}%`}</span>
            </label>
          ))}
        </div>
      </div>
    </section>
  )
}
