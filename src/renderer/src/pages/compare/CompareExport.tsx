/** The dashboard's Export menu: the results table of the compared runs (LaTeX, CSV, Markdown) and their bundle. */
import { useApi } from '../../api/context'
import { ExportMenu, type ExportItem } from '../../components/common/ExportMenu'

const TABLES = [
  { format: 'latex', label: 'Table (LaTeX)' },
  { format: 'csv', label: 'Table (CSV)' },
  { format: 'md', label: 'Table (Markdown)' },
] as const

/** `groupBy`: the dashboard's grouping, so the paper table has the same rows as the on-screen one. */
export function CompareExport({ ids, groupBy }: { ids: readonly string[]; groupBy: string }) {
  const api = useApi()
  const items: ExportItem[] = [
    ...TABLES.map((t) => ({
      id: t.format,
      label: t.label,
      run: () => api.call('export.table', { ids: [...ids], groupBy, format: t.format }),
    })),
    {
      id: 'bundle',
      label: `Reproducibility bundle (${ids.length} runs, .zip)`,
      run: () => api.call('export.bundle', { ids: [...ids], groupBy }),
    },
  ]
  return (
    <div className="row" style={{ justifyContent: 'flex-end', marginBottom: 'var(--space-2)' }}>
      <ExportMenu items={items} disabled={ids.length === 0} />
    </div>
  )
}
