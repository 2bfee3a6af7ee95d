/**
 * Export menu of one cell-viewer pane (its chosen genotype as .py, JSON, NB201, SVG, PNG, PDF or TikZ)
 * and its "Evaluate" button (train the genotype from scratch).
 */
import { useApi } from '../../api/context'
import { ExportMenu, type ExportItem, GENOTYPE_EXPORTS, genotypeExportItem } from '../../components/common/ExportMenu'
import { EvaluateButton } from '../../components/eval/EvaluateButton'
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
  const items: ExportItem[] = formats.map((g) => genotypeExportItem(api, g, { text, ...(several ? { name: entry.name } : {}) }))
  return (
    <span data-testid={`pane-export-${side}`} style={{ marginLeft: 'auto' }}>
      <ExportMenu items={items} disabled={entry.genotype.kind === 'hdarts'} />
    </span>
  )
}

/** The evaluation network trains DARTS-space cells only: other kinds get a disabled button saying why. */
export function PaneEvaluate({ text, parse, entry }: { text: string; parse: PaneParse; entry: ParsedEntry }) {
  const several = parse.status === 'ok' && parse.entries.length > 1
  const kind = entry.genotype.kind
  const refusal =
    kind === 'nb201'
      ? 'A NAS-Bench-201 cell has no DARTS evaluation network'
      : kind === 'hdarts'
        ? 'HDARTS motif genotypes cannot be trained from scratch yet'
        : undefined
  return (
    <EvaluateButton
      text={text}
      {...(several ? { name: entry.name } : {})}
      label={entry.name || 'this genotype'}
      {...(refusal ? { refusal } : {})}
    />
  )
}
