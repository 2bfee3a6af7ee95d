/** Preload: the renderer's only door to the app, exposed through contextBridge (grows with the typed API). */
import { contextBridge } from 'electron'
import { APP_NAME, APP_VERSION } from '../shared/app'

contextBridge.exposeInMainWorld('hdarts', { name: APP_NAME, version: APP_VERSION })
