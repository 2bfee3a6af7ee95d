/**
 * Builds the renderer and starts a real `hdarts serve` on a fresh database and runs folder; the tests
 * read its URL and token from STATE_FILE. Stopped by PID in globalTeardown.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { STATE_FILE, type ServerState } from './server'

const ROOT = join(import.meta.dirname, '../..')

export default async function globalSetup(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const root = mkdtempSync(join(tmpdir(), 'hdarts-e2e-'))
  const args = [
    'serve',
    '--port',
    '0',
    '--json',
    '--db',
    join(root, 'hdarts.db'),
    '--runs-dir',
    join(root, 'runs'),
    '--cpu-slots',
    '2',
  ]
  const child = spawn(process.execPath, [join(ROOT, 'bin/hdarts.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  })
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hdarts serve printed no URL within 60 s')), 60_000)
    child.once('exit', (code) => reject(new Error(`hdarts serve exited with ${code}`)))
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line)
    })
  })
  const info = JSON.parse(first) as { url: string; token: string }
  child.unref()
  const state: ServerState = { url: info.url, origin: new URL(info.url).origin, token: info.token, pid: child.pid!, root }
  mkdirSync(dirname(STATE_FILE), { recursive: true })
  writeFileSync(STATE_FILE, JSON.stringify(state))
}
