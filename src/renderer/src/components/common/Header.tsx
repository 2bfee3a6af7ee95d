import { useConnection } from '../../api/context'
import { Link, useRoute } from '../../router'
import { ThemeToggle } from './ThemeToggle'

const NAV = [
  { to: '/runs', label: 'Runs', id: 'nav-runs', key: 'r' },
  { to: '/launch', label: 'Launch', id: 'nav-launch', key: 'l' },
  { to: '/cells', label: 'Cells', id: 'nav-cells', key: 'c' },
  { to: '/compare', label: 'Compare', id: 'nav-compare', key: 'm' },
] as const

const CONN_TEXT = { open: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…', closed: 'offline' } as const

export function Header({ appName, version }: { appName: string; version: string }) {
  const { path } = useRoute()
  const conn = useConnection()
  return (
    <header className="header">
      <div className="brand">
        <span className="brand-mark" aria-hidden />
        {appName}
      </div>
      <nav className="nav" aria-label="Main">
        {NAV.map((n) => {
          const active = path === n.to || path.startsWith(`${n.to}/`)
          return (
            <Link
              key={n.to}
              to={n.to}
              className={active ? 'active' : undefined}
              data-testid={n.id}
              title={`${n.label} (g ${n.key})`}
            >
              {n.label}
            </Link>
          )
        })}
      </nav>
      <div className="grow" />
      <span className={`conn conn-${conn}`} data-testid="connection-state" title="Live updates">
        <span className="conn-dot" />
        {CONN_TEXT[conn]}
      </span>
      <ThemeToggle />
      <span className="xs muted num" data-testid="app-version">
        v{version}
      </span>
    </header>
  )
}
