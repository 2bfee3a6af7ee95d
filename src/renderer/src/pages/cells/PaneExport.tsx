/** Export menu of one cell-viewer pane: its chosen genotype as .py, JSON, NB201, SVG, PDF or TikZ. */
import { useApi } from '../../api/context'
import { ExportMenu, type ExportItem, GENOTYPE_EXPORTS } from '../../components/common/ExportMenu'
import type { ParsedEntry, PaneParse } from '../../shape/cells'

export function PaneExport({
  side,
  text,
  parse,
  entry,
}: {
  side: 'a' | 'b'
  text: string
  parse: PaneParse
  entry: ParsedEntry
}) {
  const api = useApi()
  // The server parses the text again; a text with several genotypes needs the chosen one named.
  const several = parse.status === 'ok' && parse.entries.length > 1
  const formats =
    entry.genotype.kind === 'nb201'
      ? ([
          { format: 'nb201', label: 'NB201 string (.txt)' },
          { format: 'json', label: 'JSON' },
        ] as const)
      : GENOTYPE_EXPORTS
  const items: ExportItem[] = formats.map((g) => ({
    id: g.format,
    label: g.label,
    run: () => api.call('export.genotype', { text, format: g.format, ...(several ? { name: entry.name } : {}) }),
  }))
  return (
    <span data-testid={`pane-export-${side}`} style={{ marginLeft: 'auto' }}>
      <ExportMenu items={items} disabled={entry.genotype.kind === 'hdarts'} />
    </span>
  )
}
