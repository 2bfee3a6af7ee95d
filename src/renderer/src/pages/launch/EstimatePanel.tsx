/** Memory and time before launch (runs.estimate per preset), the run count and the Launch button. */
import { useApi, useQuery } from '../../api/context'
import { useDebounced } from '../../components/common/useDebounced'
import { bytes, count, duration } from '../../shape/format'

export function EstimatePanel({
  presets,
  sets,
  runsPerPreset,
  cpuSlots,
  enabled,
}: {
  presets: readonly string[]
  sets: readonly string[]
  /** Runs each preset contributes (sweep combinations × seeds). */
  runsPerPreset: number
  cpuSlots: number
  enabled: boolean
}) {
  const api = useApi()
  const key = useDebounced(JSON.stringify({ presets: presets.slice(0, 8), sets, enabled }), 350)
  const q = useQuery(async () => {
    const { presets: ps, sets: ss, enabled: on } = JSON.parse(key) as { presets: string[]; sets: string[]; enabled: boolean }
    if (!on || ps.length === 0) return []
    return Promise.all(ps.map(async (preset) => ({ preset, est: await api.call('runs.estimate', { preset, sets: ss }) })))
  }, [key, api])
  const list = q.data ?? []
  const mem = Math.max(0, ...list.map((x) => x.est.memoryBytes))
  const known = list.every((x) => x.est.seconds !== null)
  const serial = list.reduce((s, x) => s + (x.est.seconds ?? 0) * runsPerPreset, 0)
  const slots = Math.max(1, cpuSlots)
  return (
    <div data-testid="launch-estimate" aria-busy={q.loading}>
      {presets.length === 0 && <div className="small muted">Pick a method to see its cost.</div>}
      {presets.length > 0 && !enabled && <div className="small muted">Fix the settings to see an estimate.</div>}
      {q.error && enabled && <div className="error-line">{q.error.message}</div>}
      {enabled && list.length > 0 && (
        <>
          <div className="stat">
            <span>Memory / worker</span>
            <b>{bytes(mem)}</b>
          </div>
          {list.map((x) => (
            <div className="stat" key={x.preset}>
              <span className="mono small" title={`${count(x.est.weights)} supernet weights`}>
                {list.length > 1 ? x.preset : 'Time / run'}
              </span>
              <b>{x.est.seconds === null ? 'unknown' : duration(x.est.seconds)}</b>
            </div>
          ))}
          <div className="stat">
            <span>Supernet weights</span>
            <b>{list.map((x) => count(x.est.weights)).join(' / ')}</b>
          </div>
          <div className="stat" style={{ borderTop: '1px solid var(--border)', marginTop: 4, paddingTop: 6 }}>
            <span>
              Total on {slots} slot{slots === 1 ? '' : 's'}
            </span>
            <b>{known ? `≈ ${duration(serial / slots)}` : 'unknown'}</b>
          </div>
          <div className="xs muted" style={{ marginTop: 4 }}>
            {[...new Set(list.map((x) => x.est.basis))].join('; ')}
          </div>
        </>
      )}
      {q.loading && enabled && presets.length > 0 && <div className="xs muted">estimating…</div>}
    </div>
  )
}
