/** Import from cluster: a grid folder (or a folder of them) written by Slurm tasks → slurm.import. */
import { useState } from 'react'
import { useApi } from '../../api/context'
import { useToast } from '../../components/common/Toast'

export function ClusterImport({ onImported }: { onImported(): void }) {
  const api = useApi()
  const toast = useToast()
  const [open, setOpen] = useState(false)
  const [dir, setDir] = useState('')
  const [busy, setBusy] = useState(false)

  const run = async () => {
    setBusy(true)
    try {
      const s = await api.call('slurm.import', { dir: dir.trim() })
      const text = `Imported ${s.runs} runs: ${s.new} new, ${s.updated} updated, ${s.eventsAdded} events; ${s.finished}/${s.runs} finished`
      if (s.errors.length) toast.show(`${text}; ${s.errors.length} unreadable: ${s.errors[0]}`, 'error')
      else toast.show(text, 'ok')
      onImported()
    } catch (err) {
      toast.error(err, 'Import failed')
    } finally {
      setBusy(false)
    }
  }

  if (!open)
    return (
      <button onClick={() => setOpen(true)} title="Import runs from a Slurm grid folder" data-testid="cluster-import-open">
        Import from cluster
      </button>
    )
  return (
    <form
      className="row"
      style={{ gap: 6 }}
      onSubmit={(e) => {
        e.preventDefault()
        if (dir.trim() && !busy) void run()
      }}
    >
      <input
        value={dir}
        onChange={(e) => setDir(e.target.value)}
        placeholder="/scratch/me/hdarts/<grid folder>"
        className="mono"
        style={{ width: 300 }}
        aria-label="Grid folder to import"
        autoFocus
        data-testid="cluster-import-dir"
      />
      <button type="submit" className="primary" disabled={!dir.trim() || busy} data-testid="cluster-import-submit">
        {busy ? 'Importing…' : 'Import'}
      </button>
      {busy ? (
        <span className="spinner" aria-label="Importing" data-testid="cluster-import-busy" />
      ) : (
        <button type="button" className="ghost" onClick={() => setOpen(false)}>
          Cancel
        </button>
      )}
    </form>
  )
}
