/** The runs table's data: filtering, sorting and applying live updates (pure; no React). */
import type { LiveEvent, RunSummary } from '../../../shared/api'

export type SortKey =
  | 'status'
  | 'id'
  | 'preset'
  | 'dataset'
  | 'seed'
  | 'progress'
  | 'bestValAcc'
  | 'lastValAcc'
  | 'benchmarkAcc'
  | 'skips'
  | 'createdAt'
  | 'startedAt'

export interface SortState {
  readonly key: SortKey
  readonly dir: 'asc' | 'desc'
}

export const DEFAULT_SORT: SortState = { key: 'createdAt', dir: 'desc' }

/** Live runs first when sorting by status. */
const STATUS_ORDER: Readonly<Record<string, number>> = {
  running: 0,
  queued: 1,
  paused: 2,
  interrupted: 3,
  failed: 4,
  cancelled: 5,
  finished: 6,
}

/** Words of the filter must all match one of id, preset, method, dataset, status, tags (key, value, key=value). */
export function matchesFilter(run: RunSummary, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean)
  if (!words.length) return true
  const hay = [
    run.id,
    run.preset ?? '',
    run.method,
    run.dataset,
    run.status,
    `seed=${run.seed}`,
    ...Object.entries(run.tags).flatMap(([k, v]) => [k, v, `${k}=${v}`]),
  ]
    .join('\u0000')
    .toLowerCase()
  return words.every((w) => hay.includes(w))
}

function sortValue(run: RunSummary, key: SortKey): number | string | null {
  switch (key) {
    case 'status':
      return STATUS_ORDER[run.status] ?? 9
    case 'preset':
      return run.preset ?? run.method
    case 'bestValAcc':
      // An evaluation's column shows its test accuracy; it sorts by what it shows.
      return run.kind === 'eval' ? run.lastTestAcc : run.bestValAcc
    case 'skips':
      return run.skipsNormal === null && run.skipsReduce === null ? null : (run.skipsNormal ?? 0) + (run.skipsReduce ?? 0)
    default:
      return run[key]
  }
}

/** Sorted copy; nulls always last whatever the direction; ties broken by newest first. */
export function sortRuns(runs: readonly RunSummary[], sort: SortState): RunSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...runs].sort((a, b) => {
    const va = sortValue(a, sort.key)
    const vb = sortValue(b, sort.key)
    if (
      va === null ||
      vb === null ||
      (typeof va === 'number' && Number.isNaN(va)) ||
      (typeof vb === 'number' && Number.isNaN(vb))
    ) {
      const na = va === null || Number.isNaN(va as number)
      const nb = vb === null || Number.isNaN(vb as number)
      if (na !== nb) return na ? 1 : -1
    } else if (va !== vb) {
      const c =
        typeof va === 'string' && typeof vb === 'string' ? va.localeCompare(vb, undefined, { numeric: true }) : va < vb ? -1 : 1
      return c * sign
    }
    return b.createdAt - a.createdAt || a.id.localeCompare(b.id)
  })
}

/** Next sort state when a header is clicked: same key flips, a new key starts descending for numbers. */
export function toggleSort(cur: SortState, key: SortKey): SortState {
  if (cur.key === key) return { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' }
  const textual = key === 'id' || key === 'preset' || key === 'dataset' || key === 'status'
  return { key, dir: textual ? 'asc' : 'desc' }
}

/** Applies one live event to the list (a new array only when something changed). */
export function applyLiveToRuns(runs: readonly RunSummary[], e: LiveEvent): readonly RunSummary[] {
  if (e.type === 'run-updated') {
    const i = runs.findIndex((r) => r.id === e.run.id)
    if (i < 0) return [e.run, ...runs]
    if (runs[i] === e.run) return runs
    const next = runs.slice()
    next[i] = e.run
    return next
  }
  if (e.type === 'run-deleted') {
    const next = runs.filter((r) => r.id !== e.id)
    return next.length === runs.length ? runs : next
  }
  return runs
}

/** Replaces one run (an action's response) in the list. */
export const replaceRun = (runs: readonly RunSummary[], run: RunSummary): readonly RunSummary[] =>
  applyLiveToRuns(runs, { type: 'run-updated', run })

export type RunAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'duplicate' | 'delete'

/** Which actions a run's status allows, in display order. */
export function actionsFor(status: RunSummary['status'], kind = 'search'): RunAction[] {
  // An evaluation is not duplicated (the API refuses): it is evaluated again from its genotype.
  if (kind === 'eval') return actionsFor(status).filter((a) => a !== 'duplicate')
  switch (status) {
    case 'running':
      return ['pause', 'cancel', 'duplicate']
    case 'queued':
      return ['pause', 'cancel', 'duplicate', 'delete']
    case 'paused':
    case 'interrupted':
      return ['resume', 'cancel', 'duplicate', 'delete']
    case 'failed':
    case 'cancelled':
      return ['retry', 'duplicate', 'delete']
    case 'finished':
      return ['duplicate', 'delete']
  }
}

/** Counts by status for the toolbar summary ('3 running · 2 queued · 10 finished'). */
export function statusCounts(runs: readonly RunSummary[]): [string, number][] {
  const m = new Map<string, number>()
  for (const r of runs) m.set(r.status, (m.get(r.status) ?? 0) + 1)
  return [...m.entries()].sort((a, b) => (STATUS_ORDER[a[0]] ?? 9) - (STATUS_ORDER[b[0]] ?? 9))
}
