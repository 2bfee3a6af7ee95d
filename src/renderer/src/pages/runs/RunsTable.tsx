/** The runs table: sortable headers, the select-all checkbox and memoised rows. */
import type { RunSummary } from '../../../../shared/api'
import type { SortKey, SortState } from '../../shape/runsTable'
import { type RowHandlers, RunRow } from './RunRow'

const COLUMNS: readonly { label: string; key?: SortKey; num?: boolean; title?: string; narrow?: boolean }[] = [
  { label: 'Status', key: 'status' },
  { label: 'Run', key: 'id' },
  { label: 'Preset / dataset', key: 'preset' },
  { label: 'Seed', key: 'seed', num: true },
  { label: 'Progress', key: 'progress' },
  { label: 'Best val', key: 'bestValAcc', num: true },
  { label: 'Last val', key: 'lastValAcc', num: true, narrow: true },
  {
    label: 'NB201 C10',
    key: 'benchmarkAcc',
    num: true,
    title: 'final cell: NAS-Bench-201 CIFAR-10 test accuracy (200 epochs, mean of seeds; a table lookup) — NB201 searches only',
  },
  { label: 'Skips n/r', key: 'skips', num: true, title: 'skip connections in the normal / reduction cell' },
  { label: 'Tags' },
  { label: 'Note' },
  { label: 'Created', key: 'createdAt', num: true, title: 'created (and started) time' },
  { label: '' },
]

export function RunsTable({
  runs,
  selected,
  sort,
  onSort,
  onSelectAll,
  highlight = null,
  h,
}: {
  runs: readonly RunSummary[]
  selected: ReadonlySet<string>
  /** A run to mark (the one just imported). */
  highlight?: string | null
  sort: SortState
  onSort(key: SortKey): void
  onSelectAll(all: boolean): void
  h: RowHandlers
}) {
  const all = runs.length > 0 && runs.every((r) => selected.has(r.id))
  const some = !all && runs.some((r) => selected.has(r.id))
  return (
    <div className="table-wrap">
      <table className="data sticky-last" data-testid="runs-table">
        <thead>
          <tr>
            <th style={{ width: 28 }}>
              <input
                type="checkbox"
                checked={all}
                ref={(el) => {
                  if (el) el.indeterminate = some
                }}
                onChange={(e) => onSelectAll(e.target.checked)}
                aria-label="Select all shown runs"
                data-testid="select-all"
              />
            </th>
            {COLUMNS.map((c, i) => {
              const active = c.key && sort.key === c.key
              return (
                <th
                  key={i}
                  className={`${c.key ? 'sortable' : ''}${c.num ? ' num' : ''}${c.narrow ? ' hide-narrow' : ''}`}
                  title={c.title}
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  tabIndex={c.key ? 0 : undefined}
                  onClick={c.key ? () => onSort(c.key!) : undefined}
                  onKeyDown={
                    c.key ? (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSort(c.key!)) : undefined
                  }
                >
                  {c.label}
                  {active && <span className="sort">{sort.dir === 'asc' ? '▲' : '▼'}</span>}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <RunRow key={r.id} run={r} selected={selected.has(r.id)} highlighted={r.id === highlight} h={h} />
          ))}
        </tbody>
      </table>
    </div>
  )
}
