/**
 * The Electron shell's hardening (src/main/electron/hardening.ts) against a mocked `electron` module:
 * which external links open, what the permission handlers answer, and DevTools in a packaged app.
 * The binary cannot run here; the mock records what the code asks Electron to do.
 */
import { EventEmitter } from 'node:events'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ipcChannel } from '../../src/shared/api'
import { METHOD_LINKS } from '../../src/shared/links'

const electron = vi.hoisted(() => {
  const { EventEmitter } = require('node:events') as typeof import('node:events')
  return {
    app: Object.assign(new EventEmitter(), { isPackaged: false }),
    shell: { openExternal: vi.fn(async () => {}) },
    ipcMain: {
      handlers: new Map<string, (event: unknown, request: unknown) => Promise<unknown>>(),
      handle(channel: string, h: (event: unknown, request: unknown) => Promise<unknown>) {
        this.handlers.set(channel, h)
      },
      removeHandler(channel: string) {
        this.handlers.delete(channel)
      },
    },
    BrowserWindow: { getAllWindows: () => [] },
  }
})
vi.mock('electron', () => electron)

const { hardenSession, hardenWebContents, installHardening, windowPreferences } =
  await import('../../src/main/electron/hardening')
const { registerIpc } = await import('../../src/main/electron/ipc')
const { devRendererUrl } = await import('../../src/main/electron/security')

type WindowOpen = (d: { url: string }) => { action: string }

/** A webContents: its events, the window-open handler it was given, and whether DevTools were closed. */
function fakeContents() {
  const c = Object.assign(new EventEmitter(), {
    openHandler: null as WindowOpen | null,
    closeDevTools: vi.fn(),
    setWindowOpenHandler(h: WindowOpen) {
      c.openHandler = h
    },
  })
  return c
}

/** Emits an Electron-style cancellable event; true when a listener called preventDefault. */
function prevented(c: EventEmitter, name: string, ...args: unknown[]): boolean {
  let p = false
  c.emit(name, { preventDefault: () => (p = true) }, ...args)
  return p
}

type RequestHandler = (wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void
type CheckHandler = (wc: unknown, p: string, origin: string) => boolean

function fakeSession() {
  const s: { request?: RequestHandler; check?: CheckHandler; device?: () => boolean } = {}
  return Object.assign(s, {
    setPermissionRequestHandler: (h: RequestHandler) => void (s.request = h),
    setPermissionCheckHandler: (h: CheckHandler) => void (s.check = h),
    setDevicePermissionHandler: (h: () => boolean) => void (s.device = h),
  })
}

const requested = (s: ReturnType<typeof fakeSession>, permission: string, requestingUrl: string) => {
  let answer: boolean | undefined
  s.request!(null, permission, (ok) => (answer = ok), { requestingUrl })
  return answer
}

beforeEach(() => {
  electron.app.isPackaged = false
  electron.shell.openExternal.mockClear()
})

describe('Electron hardening (mocked electron)', () => {
  it('opens only the listed external links, in the browser, and never a new window', () => {
    const c = fakeContents()
    hardenWebContents(c as never)
    const listed = [...new Set(Object.values(METHOD_LINKS).map((l) => l.url))]
    for (const url of listed) expect(c.openHandler!({ url })).toEqual({ action: 'deny' })
    expect(electron.shell.openExternal.mock.calls.map((a) => (a as unknown[])[0])).toEqual(listed)
    electron.shell.openExternal.mockClear()
    for (const url of [
      'https://example.com/',
      'https://arxiv.org/abs/1806.09055?x=1',
      'https://arxiv.org/abs/1806.090551',
      'https://user@arxiv.org/abs/1806.09055',
      'http://arxiv.org/abs/1806.09055',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(c.openHandler!({ url }), url).toEqual({ action: 'deny' })
    expect(electron.shell.openExternal).not.toHaveBeenCalled()
  })

  it('refuses navigation away from the app and <webview> tags', () => {
    const c = fakeContents()
    hardenWebContents(c as never)
    expect(prevented(c, 'will-navigate', 'https://example.com/')).toBe(true)
    expect(prevented(c, 'will-attach-webview', {}, {})).toBe(true)
  })

  it('hardens every webContents the app creates', () => {
    installHardening()
    const c = fakeContents()
    electron.app.emit('web-contents-created', {}, c)
    expect(c.openHandler).not.toBeNull()
    expect(prevented(c, 'will-navigate', 'https://example.com/')).toBe(true)
  })

  it('denies permission checks and requests, except a clipboard write from the app page', () => {
    const s = fakeSession()
    hardenSession(s as never)
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'fullscreen', 'openExternal', 'hid']) {
      expect(s.check!(null, p, 'app://bundle'), p).toBe(false)
      expect(requested(s, p, 'app://bundle/index.html'), p).toBe(false)
    }
    expect(s.check!(null, 'clipboard-sanitized-write', 'app://bundle')).toBe(true)
    expect(requested(s, 'clipboard-sanitized-write', 'app://bundle/index.html')).toBe(true)
    expect(s.check!(null, 'clipboard-sanitized-write', 'https://example.com')).toBe(false)
    expect(requested(s, 'clipboard-sanitized-write', 'https://example.com/')).toBe(false)
    expect(s.device!()).toBe(false)
  })

  it('trusts the dev server for the clipboard only when it was passed (unpackaged)', () => {
    const dev = fakeSession()
    hardenSession(dev as never, 'http://localhost:5173/')
    expect(dev.check!(null, 'clipboard-sanitized-write', 'http://localhost:5173')).toBe(true)
    const prod = fakeSession()
    hardenSession(prod as never)
    expect(prod.check!(null, 'clipboard-sanitized-write', 'http://localhost:5173')).toBe(false)
  })

  it('turns DevTools off in a packaged app and closes them if they open anyway', () => {
    expect(windowPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      devTools: true,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    })
    const dev = fakeContents()
    hardenWebContents(dev as never)
    dev.emit('devtools-opened')
    expect(dev.closeDevTools).not.toHaveBeenCalled()

    electron.app.isPackaged = true
    expect(windowPreferences('/p.cjs').devTools).toBe(false)
    const packaged = fakeContents()
    hardenWebContents(packaged as never)
    packaged.emit('devtools-opened')
    expect(packaged.closeDevTools).toHaveBeenCalledTimes(1)
  })

  it('trusts the dev server as an IPC sender only in an unpackaged app', async () => {
    const app = { handle: vi.fn(async () => ({ ok: true })), subscribe: () => () => {} }
    const call = (frameUrl: string) =>
      electron.ipcMain.handlers.get(ipcChannel('app.info'))!({ senderFrame: { url: frameUrl } }, {})
    for (const [isPackaged, devAnswer] of [
      [false, { ok: true }],
      [true, { error: { code: 'unauthorized' } }],
    ] as const) {
      const unregister = registerIpc(app as never, devRendererUrl('http://localhost:5173', isPackaged))
      expect(await call('http://localhost:5173/'), `isPackaged ${isPackaged}`).toMatchObject(devAnswer)
      expect(await call('app://bundle/index.html')).toEqual({ ok: true })
      unregister()
    }
  })
})
