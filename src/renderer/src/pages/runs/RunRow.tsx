/** One row of the runs table; memoised, so a live update re-renders only the run that changed. */
import { memo } from 'react'
import type { RunSummary } from '../../../../shared/api'
import { ACTION_ICONS } from '../../components/common/icons'
import { ProgressBar } from '../../components/common/ProgressBar'
import { StatusChip } from '../../components/common/StatusChip'
import { Link } from '../../router'
import { ago, dateTime, eta, pct, shortId } from '../../shape/format'
import { actionsFor, type RunAction } from '../../shape/runsTable'
import { NoteCell, TagsCell } from './InlineEdit'

export interface RowHandlers {
  open(id: string): void
  toggle(id: string, shift: boolean): void
  action(action: RunAction, run: RunSummary): void
  tag(id: string, key: string, value: string | null): void
  note(id: string, text: string | null): void
}

const LABEL: Record<RunAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  retry: 'Retry',
  duplicate: 'Duplicate',
  delete: 'Delete',
}

const skips = (n: number | null) => (n === null ? '–' : String(n))

export const RunRow = memo(function RunRow({
  run,
  selected,
  highlighted = false,
  h,
}: {
  run: RunSummary
  selected: boolean
  /** The run just imported: marked until the next import. */
  highlighted?: boolean
  h: RowHandlers
}) {
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation()
  return (
    <tr
      className={[selected && 'selected', highlighted && 'highlighted'].filter(Boolean).join(' ') || undefined}
      data-testid="run-row"
      data-run-id={run.id}
      data-status={run.status}
      data-highlighted={highlighted || undefined}
      onClick={() => h.open(run.id)}
    >
      <td onClick={stop} style={{ width: 28 }}>
        <input
          type="checkbox"
          checked={selected}
          onChange={(e) => h.toggle(run.id, (e.nativeEvent as MouseEvent).shiftKey)}
          aria-label={`Select ${run.id}`}
          data-testid="run-select"
        />
      </td>
      <td>
        <StatusChip status={run.status} title={run.error ?? run.statusReason} />
      </td>
      <td className="mono xs run-id">
        <Link to={`/runs/${encodeURIComponent(run.id)}`} onClick={stop} title={run.id}>
          {shortId(run.id)}
        </Link>
      </td>
      <td>
        <div style={{ fontWeight: 500 }}>{run.preset ?? run.method}</div>
        <div className="xs muted">
          {run.preset && !run.preset.startsWith(run.method) ? `${run.method} · ` : ''}
          {run.dataset}
        </div>
      </td>
      <td className="num">{run.seed}</td>
      <td style={{ minWidth: 150 }}>
        <ProgressBar progress={run.progress} status={run.status} label={`${run.id} progress`} />
        <div className="xs muted num">
          {run.epochsTotal !== null
            ? `epoch ${run.epochsDone}/${run.epochsTotal}`
            : run.status === 'queued'
              ? 'waiting for a slot'
              : ''}
          {run.status === 'running' && run.etaSec !== null ? ` · ${eta(run.etaSec)}` : ''}
        </div>
      </td>
      {run.kind === 'eval' ? (
        // An evaluation has no validation split: its test accuracy, marked as such.
        <td className="num" style={{ fontWeight: 600 }} title="test accuracy of the latest epoch (an evaluation)">
          {pct(run.lastTestAcc)} <span className="xs muted">test</span>
        </td>
      ) : (
        <td className="num" style={{ fontWeight: 600 }}>
          {pct(run.bestValAcc)}
        </td>
      )}
      <td className="num hide-narrow">{pct(run.lastValAcc)}</td>
      <td
        className="num"
        data-testid="benchmark-acc"
        title={
          run.benchmarkAcc === null
            ? 'no NAS-Bench-201 lookup (DARTS space, or the search has not finished)'
            : `final cell searched on ${run.dataset}: NAS-Bench-201 CIFAR-10 test accuracy (200 epochs, mean of seeds), percentile ${run.benchmarkPct?.toFixed(1) ?? '–'} of 15,625`
        }
      >
        {run.benchmarkAcc === null ? '–' : `${run.benchmarkAcc.toFixed(2)} %`}
      </td>
      <td className="num" title="skip connections in the normal / reduction cell">
        {skips(run.skipsNormal)} / {skips(run.skipsReduce)}
      </td>
      <td>
        <TagsCell id={run.id} tags={run.tags} onTag={h.tag} />
      </td>
      <td>
        <NoteCell id={run.id} note={run.note} onSave={h.note} />
      </td>
      <td className="num small" title={`created ${dateTime(run.createdAt)}\nstarted ${dateTime(run.startedAt)}`}>
        <div>{ago(run.createdAt)}</div>
        <div className="xs muted">{run.startedAt ? `started ${dateTime(run.startedAt).slice(11)}` : 'not started'}</div>
      </td>
      <td onClick={stop}>
        <div className="row-actions">
          {actionsFor(run.status, run.kind).map((a) => (
            <button
              key={a}
              className={a === 'delete' || a === 'cancel' ? 'danger' : undefined}
              data-testid={`action-${a}`}
              onClick={() => h.action(a, run)}
              aria-label={`${LABEL[a]} ${run.id}`}
              title={LABEL[a]}
            >
              {(() => {
                const Icon = ACTION_ICONS[a]
                return <Icon />
              })()}
            </button>
          ))}
        </div>
      </td>
    </tr>
  )
})
