/**
 * The typed API over Electron IPC: one `ipcMain.handle` channel per operation (the preload exposes one
 * function per channel), the sender frame checked on every call, failures returned as ApiFailure values
 * (a thrown error would reach the renderer wrapped in Electron's own message), live events pushed.
 */
import { BrowserWindow, ipcMain } from 'electron'
import { type ApiFailure, API_OPS, ipcChannel, LIVE_CHANNEL } from '../../shared/api'
import { type AppService, toApiError } from '../app'
import { isTrustedSender } from './security'

export function registerIpc(app: AppService, devUrl?: string): () => void {
  for (const op of API_OPS)
    ipcMain.handle(ipcChannel(op), async (event, request: unknown): Promise<unknown> => {
      if (!isTrustedSender(event.senderFrame?.url, devUrl))
        return {
          error: { code: 'unauthorized', message: `${op}: refused: the call did not come from the app's page` },
        } satisfies ApiFailure
      try {
        return await app.handle(op, request)
      } catch (err) {
        const e = toApiError(err, op)
        return { error: { code: e.code, message: e.message } } satisfies ApiFailure
      }
    })
  const unsubscribe = app.subscribe((event) => {
    for (const win of BrowserWindow.getAllWindows()) if (!win.isDestroyed()) win.webContents.send(LIVE_CHANNEL, event)
  })
  return () => {
    unsubscribe()
    for (const op of API_OPS) ipcMain.removeHandler(ipcChannel(op))
  }
}
