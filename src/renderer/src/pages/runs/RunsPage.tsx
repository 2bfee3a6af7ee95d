/** Route '/runs': every run, live, with filtering, sorting, selection for comparison and row actions. */
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react'
import type { LiveEvent, RunSummary } from '../../../../shared/api'
import { useApi, useLive, useQuery } from '../../api/context'
import { Empty, ErrorState, Loading } from '../../components/common/States'
import { useToast } from '../../components/common/Toast'
import { Link, navigate } from '../../router'
import {
  applyLiveToRuns,
  DEFAULT_SORT,
  matchesFilter,
  replaceRun,
  type SortKey,
  sortRuns,
  statusCounts,
  toggleSort,
} from '../../shape/runsTable'
import { ClusterImport } from './ClusterImport'
import { LogImport } from './LogImport'
import type { RowHandlers } from './RunRow'
import { RunsTable } from './RunsTable'
import { useRunActions } from './useRunActions'
import './runs.css'

const FLUSH_MS = 250

export function RunsPage() {
  const api = useApi()
  const toast = useToast()
  const q = useQuery(() => api.call('runs.list', {}), [api])
  const [runs, setRuns] = useState<readonly RunSummary[] | null>(null)
  const [filter, setFilter] = useState('')
  const [sort, setSort] = useState(DEFAULT_SORT)
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const lastClicked = useRef<string | null>(null)

  useEffect(() => {
    if (q.data) setRuns(q.data)
  }, [q.data])
  // Live updates are coalesced: at most one table update per FLUSH_MS however fast progress events come.
  const pending = useRef<LiveEvent[]>([])
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])
  useLive((e) => {
    if (e.type === 'run-event') return
    pending.current.push(e)
    timer.current ??= setTimeout(() => {
      timer.current = null
      const batch = pending.current
      pending.current = []
      setRuns((cur) => (cur ? batch.reduce(applyLiveToRuns, cur) : cur))
    }, FLUSH_MS)
  })

  const deferredFilter = useDeferredValue(filter)
  const shown = useMemo(
    () =>
      runs
        ? sortRuns(
            runs.filter((r) => matchesFilter(r, deferredFilter)),
            sort,
          )
        : [],
    [runs, deferredFilter, sort],
  )
  const shownRef = useRef(shown)
  shownRef.current = shown

  const onUpdated = useCallback((r: RunSummary) => setRuns((cur) => (cur ? replaceRun(cur, r) : cur)), [])
  const onDeleted = useCallback((id: string) => {
    setRuns((cur) => (cur ? cur.filter((r) => r.id !== id) : cur))
    setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : s))
  }, [])
  const { act, dialogs } = useRunActions({ onUpdated, onCreated: onUpdated, onDeleted })
  // An imported log's run: shown (filter cleared), marked and scrolled to.
  const [highlight, setHighlight] = useState<string | null>(null)
  const scrollTo = useRef<string | null>(null)
  const onLogImported = useCallback(
    (r: RunSummary) => {
      onUpdated(r)
      setFilter('')
      setHighlight(r.id)
      scrollTo.current = r.id
    },
    [onUpdated],
  )
  useEffect(() => {
    // Once, when its row exists: later live updates must not pull the table back to it.
    const row = scrollTo.current && document.querySelector(`tr[data-run-id="${CSS.escape(scrollTo.current)}"]`)
    if (!row) return
    scrollTo.current = null
    row.scrollIntoView?.({ block: 'nearest' })
  }, [highlight, shown])

  const h = useMemo<RowHandlers>(
    () => ({
      open: (id) => navigate(`/runs/${encodeURIComponent(id)}`),
      toggle: (id, shift) =>
        setSelected((s) => {
          const next = new Set(s)
          const on = !s.has(id)
          const list = shownRef.current
          const a = list.findIndex((r) => r.id === lastClicked.current)
          const b = list.findIndex((r) => r.id === id)
          if (shift && a >= 0 && b >= 0)
            for (const r of list.slice(Math.min(a, b), Math.max(a, b) + 1)) on ? next.add(r.id) : next.delete(r.id)
          else on ? next.add(id) : next.delete(id)
          lastClicked.current = id
          return next
        }),
      action: act,
      tag: (id, key, value) =>
        api.call('runs.tag', { id, key, value }).then(onUpdated, (err: unknown) => toast.error(err, 'Tag not saved')),
      note: (id, text) =>
        api.call('runs.note', { id, text }).then(onUpdated, (err: unknown) => toast.error(err, 'Note not saved')),
    }),
    [act, api, onUpdated, toast],
  )

  const onSort = useCallback((key: SortKey) => setSort((s) => toggleSort(s, key)), [])
  const onSelectAll = useCallback((all: boolean) => setSelected(all ? new Set(shownRef.current.map((r) => r.id)) : new Set()), [])
  const selectedIds = runs ? runs.filter((r) => selected.has(r.id)).map((r) => r.id) : []

  return (
    <div>
      <div className="page-title">
        <h1>Runs</h1>
        {runs && (
          <span className="small muted row" style={{ gap: 4 }}>
            {runs.length} total
            {statusCounts(runs).map(([s, n]) => (
              <span key={s}>
                ·{' '}
                <button className="linklike" onClick={() => setFilter(s)} title={`Show only ${s} runs`}>
                  {n} {s}
                </button>
              </span>
            ))}
          </span>
        )}
      </div>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter by id, preset, method, dataset, tag, status…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          style={{ width: 340 }}
          aria-label="Filter runs"
          data-testid="runs-filter"
        />
        {filter && runs && <span className="small muted">{shown.length} shown</span>}
        <div className="grow" />
        {selectedIds.length > 0 && (
          <button className="ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        )}
        <button
          className="primary"
          disabled={selectedIds.length === 0}
          onClick={() => navigate(`/compare?ids=${selectedIds.map(encodeURIComponent).join(',')}`)}
          data-testid="compare-selected"
        >
          Compare ({selectedIds.length})
        </button>
        <ClusterImport onImported={q.reload} />
        <LogImport onImported={onLogImported} />
        <button onClick={q.reload} title="Reload from the server">
          ↻ Refresh
        </button>
      </div>
      <div className="panel">
        {!runs && q.loading && <Loading label="Loading runs…" />}
        {!runs && q.error && <ErrorState error={q.error} onRetry={q.reload} title="Could not load runs" />}
        {runs && runs.length === 0 && (
          <Empty title="No runs yet" action={<Link to="/launch">Launch a search →</Link>}>
            Queue a method preset over a few seeds from the launcher, or with <span className="mono">hdarts search</span>.
          </Empty>
        )}
        {runs && runs.length > 0 && shown.length === 0 && <Empty title="No run matches the filter">Try fewer words.</Empty>}
        {shown.length > 0 && (
          <RunsTable
            runs={shown}
            selected={selected}
            highlight={highlight}
            sort={sort}
            onSort={onSort}
            onSelectAll={onSelectAll}
            h={h}
          />
        )}
      </div>
      {dialogs}
    </div>
  )
}
