/**
 * The desktop shell: where Electron's binary is installed, the built app opens one window on app://,
 * the preload exposes the typed API and nothing else, and a call reaches the real backend. Where the
 * binary is missing (offline machines like CI), the test says so and skips.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'

const ROOT = join(import.meta.dirname, '../..')
const pathTxt = join(ROOT, 'node_modules/electron/path.txt')
const exe = existsSync(pathTxt) ? join(ROOT, 'node_modules/electron/dist', readFileSync(pathTxt, 'utf8').trim()) : null
const haveElectron = exe !== null && existsSync(exe)
if (!haveElectron)
  console.log(
    "skipping the Electron test: Electron's binary is not installed (node_modules/electron/path.txt); it cannot be downloaded offline",
  )

test.skip(!haveElectron, "Electron's binary is not installed")

test('the desktop window serves the UI from app:// with the typed API only', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hdarts-electron-'))
  const app = await electron.launch({ executablePath: exe!, args: [ROOT], env: { ...process.env, HDARTS_HOME: home } })
  const page = await app.firstWindow()
  await expect(page.getByTestId('nav-runs')).toBeVisible()
  expect(page.url()).toMatch(/^app:\/\/bundle\//)
  const exposed = await page.evaluate(() => {
    const w = window as unknown as { hdarts: { api: Record<string, unknown> }; require?: unknown; process?: unknown }
    return { ops: Object.keys(w.hdarts.api).sort(), require: typeof w.require, process: typeof w.process }
  })
  expect(exposed.require).toBe('undefined')
  expect(exposed.process).toBe('undefined')
  expect(exposed.ops).toContain('runs.list')
  const info = await page.evaluate(() =>
    (window as unknown as { hdarts: { api: Record<string, (r: unknown) => Promise<unknown>> } }).hdarts.api['app.info']!({}),
  )
  expect(info).toMatchObject({ mode: 'electron' })
  const bad = await page.evaluate(() =>
    (window as unknown as { hdarts: { api: Record<string, (r: unknown) => Promise<unknown>> } }).hdarts.api['runs.get']!({
      id: 42,
    }),
  )
  expect(bad).toMatchObject({ error: { code: 'bad-request' } })
  await app.close()
})
