/**
 * An "Export" dropdown (data-testid `export-menu`, items `export-<format>`): each item asks the app for
 * a file (an export.* operation) and hands it to downloadFile. Errors go to a toast, one line each.
 */
import { useEffect, useRef, useState } from 'react'
import type { ApiClient, ApiRequest } from '../../../../shared/api'
import { downloadFile, fromBase64 } from './download'
import { PNG_DPI, svgToPng } from './png'
import { useToast } from './Toast'

export interface ExportItem {
  /** `export-<id>` is the item's test id (e.g. `latex`, `pdf`, `bundle`). */
  readonly id: string
  readonly label: string
  /** The file: bytes made in the renderer, base64 (binary from the app) or text. */
  readonly run: () => Promise<{
    filename: string
    mime: string
    data?: Uint8Array<ArrayBuffer>
    base64?: string
    text?: string
    notes?: readonly string[]
  }>
}

export function ExportMenu({
  items,
  label = 'Export',
  disabled,
}: {
  items: readonly ExportItem[]
  label?: string
  disabled?: boolean
}) {
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState<string | null>(null)
  const toast = useToast()
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', close)
    document.addEventListener('keydown', close)
    return () => {
      document.removeEventListener('mousedown', close)
      document.removeEventListener('keydown', close)
    }
  }, [open])
  const pick = async (item: ExportItem) => {
    setBusy(item.id)
    try {
      const f = await item.run()
      downloadFile(f.filename, f.mime, f.data ?? (f.base64 !== undefined ? fromBase64(f.base64) : (f.text ?? '')))
      const notes = f.notes ?? []
      toast.show(
        `Saved ${f.filename}${notes.length ? ` (${notes.length} note${notes.length > 1 ? 's' : ''}: ${notes[0]})` : ''}`,
        'ok',
      )
      setOpen(false)
    } catch (err) {
      toast.error(err, `Export ${item.label}`)
    } finally {
      setBusy(null)
    }
  }
  return (
    <div className="export-menu" ref={ref} style={{ position: 'relative', display: 'inline-block' }}>
      <button
        className="small"
        data-testid="export-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        {label} ▾
      </button>
      {open && (
        <div
          role="menu"
          className="card"
          style={{
            position: 'absolute',
            right: 0,
            zIndex: 20,
            minWidth: 170,
            padding: 4,
            display: 'flex',
            flexDirection: 'column',
          }}
        >
          {items.map((item) => (
            <button
              key={item.id}
              role="menuitem"
              className="ghost small"
              style={{ textAlign: 'left' }}
              data-testid={`export-${item.id}`}
              disabled={busy !== null}
              onClick={() => void pick(item)}
            >
              {busy === item.id ? `${item.label}…` : item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}

/** The genotype formats offered wherever a cell is shown; 'png' is made here from the SVG (png.ts). */
export const GENOTYPE_EXPORTS = [
  { format: 'py', label: 'genotypes.py (.py)' },
  { format: 'json', label: 'JSON' },
  { format: 'svg', label: 'Figure (SVG)' },
  { format: 'png', label: `Figure (PNG, ${PNG_DPI} dpi)` },
  { format: 'pdf', label: 'Figure (PDF)' },
  { format: 'tikz', label: 'TikZ (.tex)' },
  // The look of DARTS's visualize.py (black edges, serif), for papers that match DARTS's figures.
  { format: 'svg', label: 'Figure, DARTS style (SVG)', style: 'darts' },
  { format: 'pdf', label: 'Figure, DARTS style (PDF)', style: 'darts' },
] as const

type GenotypeRequest = Omit<ApiRequest<'export.genotype'>, 'format'>
type ExportFormat = ApiRequest<'export.genotype'>['format'] | 'png'

/** A menu item exporting a genotype through `export.genotype`; PNG rasterizes its SVG in the page. */
export function genotypeExportItem(
  api: ApiClient,
  g: { readonly format: ExportFormat; readonly label: string; readonly style?: 'app' | 'darts' },
  req: GenotypeRequest,
  rename: (served: string) => string = (f) => f,
): ExportItem {
  const style = g.style ?? 'app'
  return {
    id: style === 'app' ? g.format : `${g.format}-${style}`,
    label: g.label,
    run: async () => {
      if (g.format !== 'png') {
        const f = await api.call('export.genotype', { ...req, format: g.format, style })
        // DARTS_V2-darts.pdf beside DARTS_V2.pdf, so both looks can be downloaded.
        return { ...f, filename: rename(style === 'app' ? f.filename : f.filename.replace(/(\.\w+)$/, `-${style}$1`)) }
      }
      const svg = await api.call('export.genotype', { ...req, format: 'svg', style })
      const data = await svgToPng(new TextDecoder().decode(fromBase64(svg.base64)))
      return { filename: rename(svg.filename.replace(/\.svg$/, '') + '.png'), mime: 'image/png', data, notes: svg.notes }
    },
  }
}
