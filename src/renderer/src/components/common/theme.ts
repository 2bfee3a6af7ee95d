/** Light/dark theme on <html data-theme>, remembered in localStorage, defaulting to the OS preference. */
import { observable } from '../../api/store'

export type Theme = 'light' | 'dark'
const KEY = 'hdarts.theme'

function initial(): Theme {
  try {
    const saved = localStorage.getItem(KEY)
    if (saved === 'light' || saved === 'dark') return saved
  } catch {
    /* storage disabled */
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

export const theme = observable<Theme>('light')

/** Applies the remembered theme before the first render. */
export function initTheme(): void {
  setTheme(initial(), false)
}

export function setTheme(t: Theme, remember = true): void {
  document.documentElement.dataset.theme = t
  theme.set(t)
  if (remember)
    try {
      localStorage.setItem(KEY, t)
    } catch {
      /* storage disabled */
    }
}
