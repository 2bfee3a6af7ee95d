/** The shell: header (nav, connection, theme, version), keyboard shortcuts and the routes. */
import { lazy, Suspense } from 'react'
import type { ApiClient } from '../../shared/api'
import { APP_NAME, APP_VERSION } from '../../shared/app'
import { ApiProvider } from './api/context'
import { Header } from './components/common/Header'
import { Empty, Loading } from './components/common/States'
import { ToastProvider } from './components/common/Toast'
import { useShortcuts } from './components/common/useShortcuts'
import { LaunchPage } from './pages/launch/LaunchPage'
import { RunsPage } from './pages/runs/RunsPage'
import { Link, useRoute } from './router'

// The chart- and graph-heavy views load on first visit, so the runs table opens without recharts.
const RunPage = lazy(() => import('./pages/run/RunPage').then((m) => ({ default: m.RunPage })))
const CellsPage = lazy(() => import('./pages/cells/CellsPage').then((m) => ({ default: m.CellsPage })))
const ComparePage = lazy(() => import('./pages/compare/ComparePage').then((m) => ({ default: m.ComparePage })))

export function App({ client }: { client: ApiClient }) {
  return (
    <ApiProvider client={client}>
      <ToastProvider>
        <Shell />
      </ToastProvider>
    </ApiProvider>
  )
}

function Shell() {
  useShortcuts()
  const { path } = useRoute()
  return (
    <div className="app">
      <a
        className="visually-hidden"
        href="#/"
        onClick={(e) => {
          // Hash routing: move focus instead of following the link.
          e.preventDefault()
          document.getElementById('main')?.focus()
        }}
      >
        Skip to content
      </a>
      <Header appName={APP_NAME} version={APP_VERSION} />
      <main className="main" id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Page path={path} />
        </Suspense>
      </main>
    </div>
  )
}

function Page({ path }: { path: string }) {
  if (path === '/runs') return <RunsPage />
  if (path.startsWith('/runs/')) return <RunPage id={path.slice('/runs/'.length)} />
  if (path === '/launch') return <LaunchPage />
  if (path === '/cells') return <CellsPage />
  if (path === '/compare') return <ComparePage />
  return (
    <Empty title="Page not found" action={<Link to="/runs">Back to runs</Link>}>
      No view at <span className="mono">{path}</span>.
    </Empty>
  )
}
