/**
 * What the Electron shell denies (STYLE.md §1.1): permissions (both the request and the check handler),
 * navigation away from the app, new windows (only the app's own external links open, in the browser),
 * and DevTools in a packaged app. The rules themselves are plain functions in ./security and
 * ../../shared/links; this module only wires them into Electron.
 */
import { app, type Session, shell, type WebContents, type WebPreferences } from 'electron'
import { isExternalLink } from '../../shared/links'
import { permissionAllowed } from './security'

/** The window's webPreferences: isolated, sandboxed, no Node, and DevTools only in development. */
export function windowPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    devTools: !app.isPackaged,
  }
}

export function hardenSession(ses: Session, devUrl?: string): void {
  ses.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl || contents?.getURL(), devUrl)),
  )
  // Most web APIs check before they request; without this handler Electron answers checks with "granted".
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin, devUrl),
  )
  ses.setDevicePermissionHandler(() => false)
}

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (e) => e.preventDefault())
  contents.on('will-attach-webview', (e) => e.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  // webPreferences.devTools is false when packaged; closing them here also covers any other webContents.
  if (app.isPackaged) contents.on('devtools-opened', () => contents.closeDevTools())
}

/** Hardens every webContents the app creates, from the first window on. Call before the app is ready. */
export function installHardening(): void {
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents))
}
