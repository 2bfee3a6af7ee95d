import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import './styles.css'
import { createClient } from './api/client'
import { App } from './App'
import { initTheme } from './components/common/theme'

initTheme()
const client = createClient()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
)
