/** `hdarts serve` as a real process: the one line it prints, an API call against it, and a clean SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hdarts, ROOT } from '../cli/run'
import { tmpDir } from '../app/helpers'
import { post, raw } from './http'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
if (!existsSync(FMNIST)) console.log(`skipping the serve shutdown test: ${FMNIST} is missing`)

const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})

/** Starts `hdarts serve …`; resolves with the first stdout line, the process and its exit. */
function serve(
  args: string[],
): Promise<{ line: string; child: ChildProcess; exit: Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/hdarts.js'), 'serve', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  let err = ''
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('\n')) resolve({ line: out.split('\n')[0]!, child, exit, stderr: () => err })
    })
    void exit.then((code) => reject(new Error(`serve exited with ${code} before printing: ${err}`)))
  })
}

describe('hdarts serve', () => {
  // In a fresh checkout the first serve builds the UI first (tests/server/serve-build.test.ts): time for it.
  it('prints one JSON line, answers app.info, and exits 0 on SIGTERM', { timeout: 180_000 }, async () => {
    const dir = tmpDir()
    const s = await serve(['--port', '0', '--json', '--runs-dir', join(dir, 'runs'), '--db', join(dir, 'h.db')])
    const info = JSON.parse(s.line) as { url: string; port: number; token: string; db: string; runsDir: string }
    expect(info).toEqual({
      url: `http://127.0.0.1:${info.port}/?token=${info.token}`,
      port: expect.any(Number),
      token: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      db: join(dir, 'h.db'),
      runsDir: join(dir, 'runs'),
    })
    const r = await post(info.port, info.token, 'app.info', {})
    expect(r.status).toBe(200)
    expect(r.json()).toMatchObject({ mode: 'browser', db: join(dir, 'h.db'), runsDir: join(dir, 'runs') })
    expect((await post(info.port, null, 'app.info', {})).status).toBe(401)
    expect((await raw(info.port, { path: new URL(info.url).pathname + new URL(info.url).search })).status).toBe(200)
    s.child.kill('SIGTERM')
    expect(await s.exit).toBe(0)
  })

  it('prints the URL line with a given token', { timeout: 60_000 }, async () => {
    const dir = tmpDir()
    const s = await serve(['--token', 'given-token-123', '--runs-dir', join(dir, 'runs'), '--db', join(dir, 'h.db')])
    expect(s.line).toMatch(/^HDARTS Studio: http:\/\/127\.0\.0\.1:\d+\/\?token=given-token-123$/)
    const port = Number(/:(\d+)\//.exec(s.line)![1])
    expect((await post(port, 'given-token-123', 'experiments.list', {})).json()).toEqual([])
    s.child.kill('SIGINT')
    expect(await s.exit).toBe(0)
  })

  it.skipIf(!existsSync(FMNIST))(
    'on SIGTERM, checkpoints a running worker and puts its run back in the queue',
    { timeout: 120_000 },
    async () => {
      const dir = tmpDir()
      const db = join(dir, 'h.db')
      const s = await serve(['--json', '--cpu-slots', '1', '--runs-dir', join(dir, 'runs'), '--db', db])
      const { port, token } = JSON.parse(s.line) as { port: number; token: string }
      const grid = {
        name: 'long',
        methods: ['darts-1st-quick'],
        seeds: [0],
        set: ['limitPerHalf=64', 'epochs=500', 'C=2', 'imageSize=8', 'batchSize=16'],
      }
      const { runIds } = (await post(port, token, 'runs.launch', { grid })).json() as { runIds: string[] }
      // Training has begun once a progress event arrived: the worker then checkpoints on SIGTERM.
      const deadline = Date.now() + 60_000
      let run = { status: '', progress: null as number | null }
      while (Date.now() < deadline && !(run.status === 'running' && run.progress !== null)) {
        await new Promise((r) => setTimeout(r, 250))
        run = ((await post(port, token, 'runs.get', { id: runIds[0] })).json() as { run: typeof run }).run
      }
      expect(run).toMatchObject({ status: 'running', progress: expect.any(Number) })
      s.child.kill('SIGTERM')
      expect(await s.exit).toBe(0)
      const list = JSON.parse(hdarts(['runs', 'list', '--json', '--db', db]).stdout) as { runs: { id: string; status: string }[] }
      expect(list.runs.map((r) => [r.id, r.status])).toEqual([[runIds[0], 'queued']])
      expect(readdirSync(join(dir, 'runs', runIds[0]!, 'checkpoints')).length).toBeGreaterThan(0)
    },
  )

  it('refuses bad options with exit 2 and one line', () => {
    const r = hdarts(['serve', '--port', 'abc'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/--port/)
    const t = hdarts(['serve', '--token', 'a b'])
    expect(t.code).toBe(2)
    expect(t.stderr).toMatch(/--token/)
    const help = hdarts(['serve', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/--cpu-slots N/)
  })
})
