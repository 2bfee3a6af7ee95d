import { useSyncExternalStore } from 'react'
import { setTheme, theme } from './theme'

export function ThemeToggle() {
  const t = useSyncExternalStore(theme.subscribe, theme.get)
  const next = t === 'dark' ? 'light' : 'dark'
  return (
    <button
      className="ghost icon"
      onClick={() => setTheme(next)}
      title={`Switch to ${next} theme`}
      aria-label={`Switch to ${next} theme`}
      data-testid="theme-toggle"
    >
      {t === 'dark' ? <SunIcon /> : <MoonIcon />}
    </button>
  )
}

/** Re-renders on theme change (charts read colours from CSS variables). */
export const useTheme = () => useSyncExternalStore(theme.subscribe, theme.get)

const SunIcon = () => (
  <svg
    width="15"
    height="15"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    strokeLinecap="round"
    aria-hidden
  >
    <circle cx="12" cy="12" r="4" />
    <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
  </svg>
)

const MoonIcon = () => (
  <svg
    width="15"
    height="15"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    strokeLinejoin="round"
    aria-hidden
  >
    <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
  </svg>
)
