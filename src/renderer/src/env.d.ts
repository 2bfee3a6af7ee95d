/// <reference types="vite/client" />
import type { LiveEvent, PreloadApi } from '../../shared/api'

declare global {
  interface Window {
    /** Present only inside Electron (the preload's contextBridge); absent in a browser against `hdarts serve`. */
    readonly hdarts?: {
      readonly api: PreloadApi
      onLive(listener: (e: LiveEvent) => void): () => void
      readonly mode: 'electron'
    }
  }
}
