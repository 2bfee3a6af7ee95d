/**
 * Run actions with their dialogs and toasts, shared by the runs table and the run view:
 * `const { act, dialogs } = useRunActions(onChanged)`; render `dialogs` once.
 */
import { type ReactNode, useCallback, useState } from 'react'
import type { RunSummary } from '../../../../shared/api'
import { useApi } from '../../api/context'
import { ConfirmDialog, Dialog } from '../../components/common/Dialog'
import { useToast } from '../../components/common/Toast'
import type { RunAction } from '../../shape/runsTable'
import { parseSetLines } from '../../shape/launch'

export interface RunActionsHandlers {
  /** A run changed (action response). */
  onUpdated?(run: RunSummary): void
  /** A new run was created (duplicate). */
  onCreated?(run: RunSummary): void
  onDeleted?(id: string): void
}

const PAST: Record<'pause' | 'resume' | 'cancel' | 'retry', string> = {
  pause: 'Paused',
  resume: 'Resumed',
  cancel: 'Cancelled',
  retry: 'Queued again',
}

export function useRunActions(h: RunActionsHandlers): { act(action: RunAction, run: RunSummary): void; dialogs: ReactNode } {
  const api = useApi()
  const toast = useToast()
  const [dialog, setDialog] = useState<{ kind: 'duplicate' | 'delete'; run: RunSummary } | null>(null)
  const close = useCallback(() => setDialog(null), [])
  const { onUpdated, onCreated, onDeleted } = h

  const act = useCallback(
    (action: RunAction, run: RunSummary) => {
      if (action === 'duplicate' || action === 'delete') return setDialog({ kind: action, run })
      api.call(`runs.${action}`, { id: run.id }).then(
        (r) => {
          onUpdated?.(r)
          toast.show(`${PAST[action]} ${run.id}`, 'ok')
        },
        (err: unknown) => toast.error(err, `Could not ${action} ${run.id}`),
      )
    },
    [api, toast, onUpdated],
  )

  let dialogs: ReactNode = null
  if (dialog?.kind === 'duplicate')
    dialogs = (
      <DuplicateDialog
        run={dialog.run}
        onCancel={close}
        onSubmit={async (sets) => {
          try {
            const r = await api.call('runs.duplicate', { id: dialog.run.id, sets })
            onCreated?.(r)
            toast.show(`Queued ${r.id} (copy of ${dialog.run.id})`, 'ok')
            close()
          } catch (err) {
            toast.error(err, 'Duplicate failed')
          }
        }}
      />
    )
  if (dialog?.kind === 'delete')
    dialogs = (
      <DeleteDialog
        run={dialog.run}
        onCancel={close}
        onConfirm={async (deleteFiles) => {
          try {
            const r = await api.call('runs.delete', { id: dialog.run.id, confirm: true, deleteFiles })
            onDeleted?.(r.id)
            toast.show(`Deleted ${r.id}${r.filesDeleted ? ' and its files' : ''}`, 'ok')
            close()
          } catch (err) {
            toast.error(err, 'Delete failed')
          }
        }}
      />
    )
  return { act, dialogs }
}

function DuplicateDialog({
  run,
  onCancel,
  onSubmit,
}: {
  run: RunSummary
  onCancel(): void
  onSubmit(sets: string[]): Promise<void>
}) {
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const parsed = parseSetLines(text)
  return (
    <Dialog title={`Duplicate ${run.id}`} onClose={onCancel}>
      <div className="small muted">
        A new queued run with the config of <span className="mono">{run.preset ?? run.method}</span> (seed {run.seed}). Extra
        settings, one <span className="mono">key=value</span> a line, are applied on top.
      </div>
      <textarea
        rows={5}
        value={text}
        placeholder={'seed=3\nepochs=10'}
        onChange={(e) => setText(e.target.value)}
        className={parsed.error ? 'invalid' : undefined}
        data-testid="duplicate-sets"
        aria-label="Extra settings"
      />
      {parsed.error && <div className="error-line">{parsed.error}</div>}
      <div className="dialog-actions">
        <button onClick={onCancel}>Cancel</button>
        <button
          className="primary"
          data-testid="confirm-ok"
          disabled={busy || Boolean(parsed.error)}
          onClick={() => {
            setBusy(true)
            void onSubmit(parsed.sets).finally(() => setBusy(false))
          }}
        >
          Duplicate
        </button>
      </div>
    </Dialog>
  )
}

function DeleteDialog({
  run,
  onCancel,
  onConfirm,
}: {
  run: RunSummary
  onCancel(): void
  onConfirm(deleteFiles: boolean): Promise<void>
}) {
  const [files, setFiles] = useState(false)
  const [busy, setBusy] = useState(false)
  return (
    <ConfirmDialog
      title={`Delete ${run.id}?`}
      confirmLabel="Delete"
      danger
      busy={busy}
      onCancel={onCancel}
      onConfirm={() => {
        setBusy(true)
        void onConfirm(files).finally(() => setBusy(false))
      }}
    >
      <div className="small">
        The run leaves the database
        {files ? ' and its directory (events, checkpoints) is removed from disk' : '; its directory stays on disk'}.
      </div>
      <label className="row small">
        <input type="checkbox" checked={files} onChange={(e) => setFiles(e.target.checked)} data-testid="delete-files" />
        Also delete run files
      </label>
    </ConfirmDialog>
  )
}
