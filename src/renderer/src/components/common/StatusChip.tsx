import type { RunStatus } from '../../../../shared/api'

export function StatusChip({ status, title }: { status: RunStatus; title?: string | null }) {
  return (
    <span className={`chip chip-${status}`} title={title ?? undefined} data-testid="status-chip">
      {status}
    </span>
  )
}
