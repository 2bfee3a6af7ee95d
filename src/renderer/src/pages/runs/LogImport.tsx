/**
 * "Import PyTorch log…": a DARTS-family search log (train_search.py's log.txt) picked as a file or pasted
 * → runs.importLog. The renderer reads the file itself (File.text()): the app never opens paths for it.
 */
import { type ChangeEvent, useState } from 'react'
import { IMPORT_LOG_LIMIT_CHARS, type RunSummary } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { Dialog } from '../../components/common/Dialog'
import { useToast } from '../../components/common/Toast'
import { bytes } from '../../shape/format'

export function LogImport({ onImported }: { onImported(run: RunSummary): void }) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button
        onClick={() => setOpen(true)}
        title="Import a PyTorch DARTS / PC-DARTS / P-DARTS search log (log.txt) as a run"
        data-testid="log-import-open"
      >
        Import PyTorch log…
      </button>
      {open && <LogImportDialog onClose={() => setOpen(false)} onImported={onImported} />}
    </>
  )
}

function LogImportDialog({ onClose, onImported }: { onClose(): void; onImported(run: RunSummary): void }) {
  const api = useApi()
  const toast = useToast()
  // A picked file's text is kept out of the textarea: a log of many MB would make typing crawl.
  const [file, setFile] = useState<{ name: string; size: number; text: string } | null>(null)
  const [pasted, setPasted] = useState('')
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const text = file ? file.text : pasted

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0]
    setError(null)
    if (!f) return setFile(null)
    if (f.size > IMPORT_LOG_LIMIT_CHARS) {
      setFile(null)
      return setError(`${f.name} is ${bytes(f.size)}; the limit is ${bytes(IMPORT_LOG_LIMIT_CHARS)}`)
    }
    setFile({ name: f.name, size: f.size, text: await f.text() })
  }

  const submit = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await api.call('runs.importLog', {
        text,
        ...(file ? { fileName: file.name } : {}),
        ...(name.trim() ? { name: name.trim() } : {}),
      })
      const acc = r.run.lastValAcc !== null ? `, valid_acc ${(r.run.lastValAcc * 100).toFixed(2)}%` : ''
      const cut = r.truncated ? `; epoch ${r.truncated.epoch} left out (no valid_acc: log cut short)` : ''
      toast.show(`Imported ${r.run.id}: ${r.epochs} epoch(s) of ${r.run.epochsTotal ?? '?'}${acc}, ${r.run.status}${cut}`, 'ok')
      onImported(r.run)
      onClose()
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
      toast.error(err, 'Import failed')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog title="Import a PyTorch search log" onClose={onClose}>
      <div className="small">
        The <span className="mono">log.txt</span> of quark0/darts <span className="mono">cnn/train_search.py</span> or a fork
        (PC-DARTS, P-DARTS, …) becomes a run beside native ones: accuracies, genotypes and, when stdout was captured with it, the
        softmax(α) printouts. Same as <span className="mono">hdarts import darts-log</span>.
      </div>
      <label className="stack small log-import-field">
        <span>Log file</span>
        <input
          type="file"
          accept=".txt,.log,text/*"
          onChange={(e) => void pick(e)}
          aria-label="Log file"
          data-testid="log-import-file"
        />
        {file && (
          <span className="muted xs" data-testid="log-import-picked">
            {file.name} · {bytes(file.size)}
          </span>
        )}
      </label>
      <label className="stack small log-import-field">
        <span>
          or paste it <span className="muted">(a picked file wins)</span>
        </span>
        <textarea
          rows={6}
          value={pasted}
          disabled={!!file}
          placeholder={'2019-06-25 14:58:41,901 args = Namespace(...)\n2019-06-25 14:58:45,012 epoch 0 lr 2.500000e-02\n…'}
          onChange={(e) => setPasted(e.target.value)}
          aria-label="Log text"
          data-testid="log-import-text"
        />
      </label>
      <label className="stack small log-import-field">
        <span>
          Name <span className="muted">(optional; tagged, and the method is read from it, e.g. pc-darts-seed0)</span>
        </span>
        <input value={name} onChange={(e) => setName(e.target.value)} aria-label="Run name" data-testid="log-import-name" />
      </label>
      {error && (
        <div className="error-line" role="alert" data-testid="log-import-error">
          {error}
        </div>
      )}
      <div className="dialog-actions">
        <button onClick={onClose}>Cancel</button>
        <button className="primary" disabled={busy || !text.trim()} onClick={() => void submit()} data-testid="log-import-submit">
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
    </Dialog>
  )
}
