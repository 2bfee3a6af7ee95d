import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './styles.css'
import { createClient } from './api/client'
import { App } from './App'
import { initTheme } from './components/common/theme'
import { loadLayoutEngine } from '../../core/genotype/layout'

initTheme()
const client = createClient()
// Cell views are laid out by Graphviz (wasm); it loads in about half a second, once, before the first
// render. Should it fail, the app still starts and each cell view shows the one-line error.
await loadLayoutEngine().catch((err: unknown) => console.error('cell layout engine failed to load:', err))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
)
