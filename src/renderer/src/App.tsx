import { APP_NAME, APP_VERSION } from '../../shared/app'

/** Placeholder shell until the run launcher and dashboards land; it says so rather than pretending. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>
        {APP_NAME} {APP_VERSION}
      </h1>
      <p>The desktop views are not built yet. Use the command line: npx hdarts --help</p>
    </main>
  )
}
