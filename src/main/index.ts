/**
 * Electron main process: a thin shell around the services (DESIGN.md §2). The store, the run queue and
 * the API backend are the same plain-TypeScript classes `hdarts serve` uses; only the window, IPC, the
 * app:// protocol and utility-process workers are Electron's.
 */
import { ensureDir } from '../node/safePaths'
import { homedir, platform } from 'node:os'
import { join, resolve } from 'node:path'
import { app, BrowserWindow, session } from 'electron'
import { appHome } from '../core/appHome'
import { APP_NAME } from '../shared/app'
import { AppService } from './app'
import { hardenSession, installHardening, windowPreferences } from './electron/hardening'
import { registerIpc } from './electron/ipc'
import { registerSchemePrivileges, serveBundle } from './electron/protocol'
import { APP_ENTRY, devRendererUrl } from './electron/security'
import { UtilityProcessLauncher } from './electron/utilityLauncher'
import { RunService } from './runs/service'
import { openStore } from './store'
import { defaultDbPath } from './store/paths'

// Only an unpackaged app loads (and trusts) electron-vite's dev server.
const devUrl = devRendererUrl(process.env.ELECTRON_RENDERER_URL, app.isPackaged)
registerSchemePrivileges()
installHardening()

// The same defaults as the CLI, so `hdarts runs list` and the app see the same runs.
const dbPath = resolve(defaultDbPath(process.env, platform(), homedir()))
const runsDir = resolve(process.env.HDARTS_RUNS_DIR ?? join(appHome(process.env, platform(), homedir()), 'runs'))

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: APP_NAME,
    show: false,
    webPreferences: windowPreferences(join(import.meta.dirname, '../preload/index.cjs')),
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(devUrl ?? APP_ENTRY)
  return win
}

async function boot(): Promise<void> {
  ensureDir(runsDir, 'the runs folder')
  const store = openStore(dbPath)
  // electron-vite bundles src/worker/main.ts next to this file (electron.vite.config.ts).
  const service = new RunService({ store, launcher: new UtilityProcessLauncher(join(import.meta.dirname, 'worker.js')), runsDir })
  const backend = new AppService({
    store,
    service,
    runsDir,
    dbPath,
    mode: 'electron',
    libraryDir: join(app.getAppPath(), 'resources/genotypes'),
  })
  serveBundle(join(import.meta.dirname, '../renderer'))
  const unregister = registerIpc(backend, devUrl)
  service.start()
  createWindow()

  let quitting = false
  app.on('before-quit', (e) => {
    if (quitting) return
    e.preventDefault()
    quitting = true
    // Workers checkpoint and their runs go back to the queue, to continue on the next start.
    void service.shutdown({ stopWorkers: true }).finally(() => {
      unregister()
      store.close()
      app.exit(0)
    })
  })
}

void app.whenReady().then(async () => {
  hardenSession(session.defaultSession, devUrl)
  await boot()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})
app.on('window-all-closed', () => app.quit())
