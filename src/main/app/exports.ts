/** The `export.*` operations: files for the renderer to download (docs/export.md, docs/api.md). */
import {
  ApiError,
  type ApiParsedRequest,
  BUNDLE_LIMIT_BYTES,
  type ExportFileResponse,
  type ExportTableResponse,
} from '../../shared/api'
import { buildBundle, buildTable, exportGenotype, TABLE_FILES, tableText } from '../export/index'
import type { Store } from '../store'

const base64 = (data: Uint8Array | string): string =>
  (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString(
    'base64',
  )

const byteLength = (data: Uint8Array | string): number => (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength)

/** Every id must name a run: an export that silently leaves runs out would mislead a paper. */
function checkRuns(store: Store, ids: readonly string[]): string[] {
  const unique = [...new Set(ids)]
  for (const id of unique) if (!store.getRun(id)) throw new ApiError('not-found', `no run '${id}'`)
  return unique
}

export async function exportGenotypeOp(req: ApiParsedRequest<'export.genotype'>): Promise<ExportFileResponse> {
  const f = await exportGenotype(req.text, req.format, {
    ...(req.name !== undefined ? { name: req.name } : {}),
    cells: req.cells,
    width: req.width,
    style: req.style,
  })
  return { filename: f.filename, mime: f.mime, base64: base64(f.data), bytes: byteLength(f.data), notes: f.warnings }
}

export function exportTableOp(store: Store, req: ApiParsedRequest<'export.table'>): ExportTableResponse {
  const ids = checkRuns(store, req.ids)
  const table = buildTable(store, ids, req.groupBy)
  const { ext, mime } = TABLE_FILES[req.format]
  const name = req.groupBy ? `results-by-${req.groupBy.replace(/[^\w.-]+/g, '_')}` : 'results'
  return { filename: `${name}.${ext}`, mime, text: tableText(table, req.format), notes: table.notes }
}

export async function exportBundleOp(
  store: Store,
  req: ApiParsedRequest<'export.bundle'>,
  limit = BUNDLE_LIMIT_BYTES,
): Promise<ExportFileResponse> {
  const ids = checkRuns(store, req.ids)
  const b = await buildBundle(store, ids, req.groupBy !== undefined ? { groupBy: req.groupBy } : {})
  if (b.bytes.byteLength > limit)
    throw new ApiError(
      'bad-request',
      `the bundle is ${(b.bytes.byteLength / 2 ** 20).toFixed(1)} MiB, over the app's ${(limit / 2 ** 20).toFixed(0)} MiB limit; ` +
        `write it with: hdarts export --runs ${ids.join(',')} --format bundle --out bundle.zip`,
    )
  return { filename: b.filename, mime: 'application/zip', base64: base64(b.bytes), bytes: b.bytes.byteLength, notes: b.notes }
}
