/** The run view's Export menu: the genotype at the scrubbed epoch in every paper format, and this run's bundle. */
import type { RunDetail } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { ExportMenu, type ExportItem, GENOTYPE_EXPORTS, genotypeExportItem } from '../../components/common/ExportMenu'

/** `<run>-e<epoch>.<ext>`: the run's own name, not the parser's generic `genotype`. */
export const runFileName = (runId: string, epoch: number | null, served: string): string =>
  `${runId}${epoch === null ? '' : `-e${epoch}`}.${served.split('.').pop()}`

export function RunExport({
  detail,
  genotype,
  epoch,
}: {
  detail: RunDetail
  genotype: string | undefined
  epoch: number | null
}) {
  const api = useApi()
  const id = detail.run.id
  const items: ExportItem[] = []
  if (genotype)
    for (const g of GENOTYPE_EXPORTS)
      items.push(genotypeExportItem(api, g, { text: genotype }, (served) => runFileName(id, epoch, served)))
  items.push({ id: 'bundle', label: 'Reproducibility bundle (.zip)', run: () => api.call('export.bundle', { ids: [id] }) })
  return <ExportMenu items={items} />
}
