/**
 * Regularization comparison dashboard: runs (from `?ids=` or the picker) grouped by method, preset or
 * any parameter; mean ± std bands over seeds per group; skip connections per epoch; the final table
 * with Welch p-values against a baseline group.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useApi, useLive, useQuery } from '../../api/context'
import { Empty, ErrorState, Loading } from '../../components/common/States'
import { navigate, useRoute } from '../../router'
import {
  availableMetrics,
  bandSeries,
  BASE_KEYS,
  BENCHMARK_CURVE,
  benchmarkTitle,
  type CompareRun,
  compareKeys,
  CURVE_METRICS,
  finalColumns,
  finalTable,
  groupByOptions,
  hasBenchmark,
  makeGroups,
  metricInfo,
  SKIP_METRICS,
} from '../../shape/compare'
import { BandChart } from './BandChart'
import { CompareExport } from './CompareExport'
import { CompareControls } from './CompareControls'
import { RunPicker } from './RunPicker'
import { SummaryTable } from './SummaryTable'
import './compare.css'

export function ComparePage() {
  const route = useRoute()
  const idsParam = route.params.get('ids') ?? ''
  const ids = useMemo(
    () =>
      [
        ...new Set(
          idsParam
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ].slice(0, 500),
    [idsParam],
  )
  return (
    <div className="compare-page" data-testid="compare-page">
      <div className="page-title compare-title">
        <h1>Compare runs</h1>
        {ids.length > 0 && (
          <div className="row">
            <span className="muted small">{ids.length} runs</span>
            <button className="ghost" onClick={() => navigate(`/compare?pick=${encodeURIComponent(ids.join(','))}`)}>
              Change runs…
            </button>
          </div>
        )}
      </div>
      {ids.length === 0 ? (
        <RunPicker initial={(route.params.get('pick') ?? '').split(',').filter(Boolean)} />
      ) : (
        <Dashboard ids={ids} />
      )}
    </div>
  )
}

function Dashboard({ ids }: { ids: readonly string[] }) {
  const api = useApi()
  const [extra, setExtra] = useState<readonly string[]>([])
  const keys = useMemo(() => compareKeys(extra), [extra])
  const q = useQuery(() => api.call('runs.compare', { ids: [...ids], keys }), [api, ids.join(','), keys.join(',')])
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useLive((e) => {
    const id = e.type === 'run-updated' ? e.run.id : e.type === 'run-event' && e.event.type === 'epoch' ? e.runId : null
    if (!id || !ids.includes(id)) return
    if (reloadTimer.current) clearTimeout(reloadTimer.current)
    reloadTimer.current = setTimeout(q.reload, 1500)
  })
  const runs: readonly CompareRun[] = q.data?.runs ?? []
  const options = useMemo(() => groupByOptions(runs), [runs])
  const [groupBy, setGroupBy] = useState<string | null>(null)
  const key = groupBy ?? defaultGroupKey(runs)
  const groups = useMemo(() => makeGroups(runs, key), [runs, key])
  const [baselineState, setBaseline] = useState<string | null>(null)
  const baseline = groups.some((g) => g.value === baselineState) ? baselineState : (groups[0]?.value ?? null)
  const [smoothing, setSmoothing] = useState(0)
  const [log, setLog] = useState(false)
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set())
  useEffect(() => setHidden(new Set()), [key])
  const metrics = [...CURVE_METRICS, ...extra.filter((k) => !(CURVE_METRICS as readonly string[]).includes(k))]
  const bands = useMemo(
    () => Object.fromEntries([...metrics, ...SKIP_METRICS, BENCHMARK_CURVE].map((m) => [m, bandSeries(groups, m, smoothing)])),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [groups, smoothing, metrics.join(',')],
  )
  const columns = useMemo(() => finalColumns(runs), [runs])
  const table = useMemo(() => finalTable(groups, baseline, columns), [groups, baseline, columns])
  const bench = hasBenchmark(runs)
  const latestKeys = useMemo(() => {
    const s = new Set(availableMetrics(runs))
    for (const r of runs) for (const k of Object.keys(r.latest)) s.add(k)
    return [...s].filter((k) => !metrics.includes(k) && !(BASE_KEYS as readonly string[]).includes(k)).sort()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runs, metrics.join(',')])

  if (q.loading && !q.data) return <Loading label="Loading runs…" />
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} title="Could not load the comparison" />
  if (runs.length === 0)
    return (
      <Empty title="None of these runs exist" action={<button onClick={() => navigate('/compare')}>Choose runs</button>}>
        They may have been deleted.
      </Empty>
    )
  const missing = ids.filter((id) => !runs.some((r) => r.run.id === id))
  return (
    <>
      {missing.length > 0 && <div className="compare-warning small">Not found (deleted?): {missing.join(', ')}</div>}
      <CompareExport ids={runs.map((r) => r.run.id)} groupBy={key} />
      <CompareControls
        groupBy={key}
        groupOptions={options}
        onGroupBy={setGroupBy}
        groups={groups}
        baseline={baseline}
        onBaseline={setBaseline}
        smoothing={smoothing}
        onSmoothing={setSmoothing}
        log={log}
        onLog={setLog}
        metricChoices={latestKeys}
        onAddMetric={(k) => setExtra((x) => (x.includes(k) ? x : [...x, k]))}
        hidden={hidden}
        onToggleGroup={(v) =>
          setHidden((h) => {
            const n = new Set(h)
            if (n.has(v)) n.delete(v)
            else n.add(v)
            return n
          })
        }
      />
      <div className="chart-grid">
        {metrics.map((m) => (
          <div key={m} className="chart-cell">
            <BandChart metric={m} bands={bands[m] ?? []} log={log} hidden={hidden} />
            {extra.includes(m) && (
              <button
                className="ghost icon remove-metric"
                title={`Remove ${metricInfo(m).label}`}
                onClick={() => setExtra((x) => x.filter((k) => k !== m))}
              >
                ×
              </button>
            )}
          </div>
        ))}
      </div>
      {bench && (
        <>
          <h2 className="section-title">Found cell on NAS-Bench-201</h2>
          <BandChart
            metric={BENCHMARK_CURVE}
            bands={bands[BENCHMARK_CURVE] ?? []}
            log={false}
            hidden={hidden}
            title={benchmarkTitle(runs)}
          />
        </>
      )}
      <h2 className="section-title">Skip connections per epoch</h2>
      <div className="chart-grid two">
        {SKIP_METRICS.map((m) => (
          <BandChart key={m} metric={m} bands={bands[m] ?? []} log={false} hidden={hidden} height={200} />
        ))}
      </div>
      <SummaryTable rows={table} baseline={baseline} columns={columns} />
    </>
  )
}

/** The first key that splits the runs (method, preset, then others), else method. */
function defaultGroupKey(runs: readonly CompareRun[]): string {
  const opts = groupByOptions(runs)
  const splits = (k: string) =>
    new Set(runs.map((r) => r.params[k] ?? (k === 'method' ? r.run.method : k === 'preset' ? r.run.preset : ''))).size > 1
  return opts.find((o) => splits(o.key))?.key ?? 'method'
}
