/**
 * Preload: the renderer's only door to the app (contextBridge, sandboxed). One narrow function per API
 * operation, each bound to its own IPC channel; the renderer never sees ipcRenderer itself. Main
 * validates every payload with the shared zod schemas and checks the sending frame.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { APP_NAME, APP_VERSION } from '../shared/app'
import { API_OP_NAMES, ipcChannel, LIVE_CHANNEL } from '../shared/ops'

const api = Object.fromEntries(API_OP_NAMES.map((op) => [op, (request: unknown) => ipcRenderer.invoke(ipcChannel(op), request)]))

contextBridge.exposeInMainWorld('hdarts', {
  name: APP_NAME,
  version: APP_VERSION,
  mode: 'electron',
  api,
  onLive(listener: (event: unknown) => void): () => void {
    const handler = (_e: IpcRendererEvent, event: unknown) => listener(event)
    ipcRenderer.on(LIVE_CHANNEL, handler)
    return () => void ipcRenderer.off(LIVE_CHANNEL, handler)
  },
})
