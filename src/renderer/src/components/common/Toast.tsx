/** Toasts for action results: useToast().show('Queued 4 runs', 'ok'); errors stay longer. */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react'

export type ToastKind = 'ok' | 'error' | 'info'

interface ToastItem {
  readonly id: number
  readonly kind: ToastKind
  readonly text: string
}

export interface Toaster {
  show(text: string, kind?: ToastKind): void
  /** Shows an error's message (ApiError messages are written for the user). */
  error(err: unknown, prefix?: string): void
}

const ToastContext = createContext<Toaster | null>(null)

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([])
  const next = useRef(1)
  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), [])
  const show = useCallback(
    (text: string, kind: ToastKind = 'info') => {
      const id = next.current++
      setItems((xs) => [...xs.slice(-4), { id, kind, text }])
      setTimeout(() => dismiss(id), kind === 'error' ? 8000 : 3500)
    },
    [dismiss],
  )
  const toaster = useMemo<Toaster>(
    () => ({
      show,
      error: (err, prefix) => show(`${prefix ? `${prefix}: ` : ''}${err instanceof Error ? err.message : String(err)}`, 'error'),
    }),
    [show],
  )
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" aria-live="polite">
        {items.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast">
            <div className="grow small">{t.text}</div>
            <button className="ghost icon xs" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ✕
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

export function useToast(): Toaster {
  const t = useContext(ToastContext)
  if (!t) throw new Error('useToast must be used within a <ToastProvider>')
  return t
}
