/**
 * `npx hdarts serve` in a fresh clone (no out/): it builds the UI once with electron-vite, saying so on
 * stderr while stdout keeps its one line, then serves the built page; the next serve does not build.
 * The clone is a copy of what git tracks for the app (src, bin, resources, configs) with node_modules
 * linked, so the real build runs without touching this checkout's out/.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, existsSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tmpDir } from '../app/helpers'
import { ROOT } from '../cli/run'
import { raw } from './http'

const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})

function freshClone(): string {
  const dir = join(tmpDir(), 'clone')
  for (const p of ['src', 'bin', 'resources', 'package.json', 'electron.vite.config.ts', 'tsconfig.json'])
    cpSync(join(ROOT, p), join(dir, p), { recursive: true })
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

/** `hdarts serve --json` in `clone`; resolves once it printed its line, with its stderr so far. */
function serve(clone: string, data: string) {
  const child = spawn(
    process.execPath,
    [join(clone, 'bin/hdarts.js'), 'serve', '--json', '--db', join(data, 'h.db'), '--runs-dir', join(data, 'runs')],
    { cwd: clone, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.push(child)
  let out = ''
  let err = ''
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise<{ info: { port: number; token: string }; stderr: string; stop: () => Promise<number | null> }>(
    (resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString()
        if (out.includes('\n'))
          resolve({
            info: JSON.parse(out.split('\n')[0]!),
            stderr: err,
            stop: () => (child.kill('SIGTERM'), exit),
          })
      })
      void exit.then((code) => reject(new Error(`serve exited with ${code} before printing: ${err}`)))
    },
  )
}

describe('hdarts serve in a fresh clone', () => {
  it('builds the UI on first serve, serves it, and does not build again', { timeout: 240_000 }, async () => {
    const clone = freshClone()
    const data = tmpDir()
    expect(existsSync(join(clone, 'out'))).toBe(false)
    const t0 = performance.now()
    const first = await serve(clone, data)
    console.log(`fresh-clone serve: built and listening after ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    expect(first.stderr.trim().split('\n')).toEqual([
      'hdarts serve: the UI is not built yet (out/renderer/index.html is missing): building it once, a few seconds…',
      'hdarts serve: building the app (1/3: main process)…',
      'hdarts serve: building the app (2/3: preload)…',
      'hdarts serve: building the app (3/3: renderer)…',
      expect.stringMatching(/^hdarts serve: the UI is built \(\d+\.\d s\)$/),
    ])
    const { port, token } = first.info
    const page = await raw(port, { path: `/?token=${token}` })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<div id="root"></div>')
    expect(page.body).not.toMatch(/not built/)
    // The bundle's own <meta> policy is the shared one (src/shared/csp.ts), without frame-ancestors.
    expect(page.body).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;;[^"]*object-src/)
    const script = /<script type="module" crossorigin src="\.(\/assets\/[^"]+\.js)"/.exec(page.body)![1]!
    const asset = await raw(port, { path: script, headers: { 'x-hdarts-token': token } })
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toMatch(/javascript/)
    expect(await first.stop()).toBe(0)

    const second = await serve(clone, data)
    expect(second.stderr).not.toMatch(/build/)
    expect(await second.stop()).toBe(0)
  })
})
