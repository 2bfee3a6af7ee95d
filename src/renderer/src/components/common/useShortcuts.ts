/** Global `g r` / `g l` / `g c` / `g m` navigation (ignored while typing in a field). */
import { useEffect } from 'react'
import { navigate } from '../../router'

const TARGETS: Readonly<Record<string, string>> = { r: '/runs', l: '/launch', c: '/cells', m: '/compare' }

export function useShortcuts(): void {
  useEffect(() => {
    let pending = 0
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return
      const t = e.target as HTMLElement | null
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return
      if (e.key === 'g') {
        pending = Date.now()
        return
      }
      if (pending && Date.now() - pending < 1200 && TARGETS[e.key]) {
        e.preventDefault()
        navigate(TARGETS[e.key]!)
      }
      pending = 0
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
