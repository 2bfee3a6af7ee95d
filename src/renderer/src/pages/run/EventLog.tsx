/**
 * The run's event log, newest first: the tail page from runs.events, older pages on demand, live
 * events prepended; filterable by type.
 */
import { memo, useCallback, useEffect, useMemo, useState } from 'react'
import type { RunEvent } from '../../../../core/events'
import { useApi, useLive } from '../../api/context'
import { ErrorState, Loading } from '../../components/common/States'
import { EVENT_TYPES, eventSummary, mergeEvents } from '../../shape/runView'

const PAGE = 300
const SCAN = 5000
const KEEP = 1000
/** Rows rendered at once; more on request. */
const SHOW = 200

export const EventLog = memo(function EventLog({ runId }: { runId: string }) {
  const api = useApi()
  const [events, setEvents] = useState<RunEvent[]>([])
  const [oldest, setOldest] = useState<number | null>(null)
  const [error, setError] = useState<Error | null>(null)
  const [loading, setLoading] = useState(true)
  const [type, setType] = useState('')
  const [attempt, setAttempt] = useState(0)
  const [limit, setLimit] = useState(SHOW)

  useEffect(() => {
    let live = true
    setLoading(true)
    setError(null)
    ;(async () => {
      // runs.events pages forward from afterSeq; read to the end and keep the newest KEEP events.
      let after = 0
      let tail: RunEvent[] = []
      for (;;) {
        const page = await api.call('runs.events', { id: runId, afterSeq: after, limit: SCAN })
        tail = [...tail, ...page.events].slice(-KEEP)
        if (page.events.length < SCAN || !live) break
        after = page.lastSeq
      }
      const page = tail
      if (!live) return
      setEvents((cur) => mergeEvents(cur, page))
      setOldest(page.length ? Math.min(...page.map((e) => e.seq)) : 0)
    })().then(
      () => live && setLoading(false),
      (err: unknown) => {
        if (!live) return
        setError(err instanceof Error ? err : new Error(String(err)))
        setLoading(false)
      },
    )
    return () => {
      live = false
    }
  }, [api, runId, attempt])

  useLive((e) => {
    if (e.type === 'run-event' && e.runId === runId) setEvents((cur) => mergeEvents(cur, [e.event]))
  })

  const older = useCallback(async () => {
    if (!oldest || oldest <= 1) return
    const start = Math.max(0, oldest - 1 - PAGE)
    try {
      const page = await api.call('runs.events', { id: runId, afterSeq: start, limit: oldest - 1 - start })
      setEvents((cur) => mergeEvents(cur, page.events))
      setOldest(page.events.length ? Math.min(...page.events.map((e) => e.seq)) : 0)
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)))
    }
  }, [api, runId, oldest])

  const shown = useMemo(() => (type ? events.filter((e) => e.type === type) : events), [events, type])
  return (
    <div className="panel" data-testid="event-log">
      <div className="panel-head">
        <h2>Events</h2>
        <span className="small muted">
          {events.length} loaded{events[0] ? ` · last seq ${events[0].seq}` : ''}
        </span>
        <div className="grow" />
        <select value={type} onChange={(e) => setType(e.target.value)} aria-label="Event type" data-testid="event-type">
          <option value="">all types</option>
          {EVENT_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </div>
      {loading && events.length === 0 && <Loading label="Loading events…" />}
      {error && <ErrorState error={error} onRetry={() => setAttempt((a) => a + 1)} title="Could not load events" />}
      {!loading && !error && shown.length === 0 && <div className="state small">No {type || ''} events.</div>}
      {shown.length > 0 && (
        <div className="event-log">
          <table className="data">
            <tbody>
              {shown.slice(0, limit).map((e) => (
                <EventRow key={e.seq} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown.length > limit && (
        <div className="panel-body" style={{ borderTop: '1px solid var(--border)' }}>
          <button onClick={() => setLimit((l) => l + SHOW)}>Show {Math.min(SHOW, shown.length - limit)} more</button>
        </div>
      )}
      {shown.length <= limit && oldest !== null && oldest > 1 && (
        <div className="panel-body" style={{ borderTop: '1px solid var(--border)' }}>
          <button onClick={() => void older()} data-testid="event-older">
            Load older events (before seq {oldest})
          </button>
        </div>
      )}
    </div>
  )
})

const CHIP: Partial<Record<RunEvent['type'], string>> = {
  failed: 'failed',
  finished: 'finished',
  epoch: 'running',
  stopped: 'paused',
}

const EventRow = memo(function EventRow({ e }: { e: RunEvent }) {
  const text = eventSummary(e)
  return (
    <tr style={{ cursor: 'default' }}>
      <td className="num muted">{e.seq}</td>
      <td className="num muted" title={new Date(e.time).toISOString()}>
        {new Date(e.time).toLocaleTimeString()}
      </td>
      <td>
        <span className={`chip chip-${CHIP[e.type] ?? 'queued'}`}>{e.type}</span>
      </td>
      <td className="payload" title={text}>
        {text}
      </td>
    </tr>
  )
})
