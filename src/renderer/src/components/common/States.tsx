/** The one empty, loading and error state used by every view. */
import type { ReactNode } from 'react'

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite" data-testid="state-loading">
      <div className="spinner" />
      <div>{label}</div>
    </div>
  )
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state" data-testid="state-empty">
      <div className="state-title">{title}</div>
      {children && <div className="small">{children}</div>}
      {action}
    </div>
  )
}

export function ErrorState({
  error,
  onRetry,
  title = 'Something went wrong',
}: {
  error: unknown
  onRetry?: () => void
  title?: string
}) {
  const message = error instanceof Error ? error.message : String(error)
  return (
    <div className="state state-error" role="alert" data-testid="state-error">
      <div className="state-title">{title}</div>
      <div className="small mono">{message}</div>
      {onRetry && <button onClick={onRetry}>Try again</button>}
    </div>
  )
}
