/**
 * `npm run build:portable` writes one folder (≤ 64 MB, no node_modules) that runs from a clean directory with
 * only node (and a shell) on the PATH: the CLI's help, a search with its run database on wasm and on WebGPU,
 * the bench, and scripts/gpu-check.sh. WebGPU parts skip with the reason printed where Dawn finds no adapter.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../cli/run'
import { webGpuUnavailable } from '../engine/backends/webgpu/helpers'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
const noGpu = await webGpuUnavailable()
if (noGpu != null) console.warn(`[skip] portable WebGPU search and gpu-check.sh: WebGPU unavailable here: ${noGpu}`)
if (!existsSync(FMNIST)) console.warn(`[skip] portable searches: ${FMNIST} is missing (apt-get install dataset-fashion-mnist)`)

const work = mkdtempSync(join(tmpdir(), 'hdarts-portable-'))
const built = join(work, 'built')
const folder = join(work, 'elsewhere/hdarts') // moved after the build: nothing may point back at the repo
const cwd = join(work, 'cwd')
const bin = join(work, 'bin')
afterAll(() => rmSync(work, { recursive: true, force: true }))

// Only node and the few tools gpu-check.sh calls: no npm, npx or tsx.
const env = { PATH: bin, HOME: join(work, 'home'), HDARTS_DB: join(work, 'db/hdarts.db'), HDARTS_RUNS_DIR: join(work, 'runs') }
const run = (cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: 'utf8', timeout: 1_500_000 })
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, stdout: r.stdout }
}
const TINY = [
  '--set',
  'limitPerHalf=8',
  '--set',
  'batchSize=8',
  '--set',
  'C=2',
  '--set',
  'steps=1',
  '--set',
  'multiplier=1',
  '--set',
  'epochs=1',
]

beforeAll(() => {
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build-portable.mjs'), '--out', built], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  expect(b.status, `${b.stdout}${b.stderr}`).toBe(0)
  mkdirSync(join(work, 'elsewhere'))
  cpSync(built, folder, { recursive: true })
  rmSync(built, { recursive: true })
  for (const d of [cwd, bin, env.HOME]) mkdirSync(d, { recursive: true })
  symlinkSync(process.execPath, join(bin, 'node'))
  for (const tool of ['sh', 'bash', 'grep', 'uname', 'dirname'])
    for (const dir of ['/usr/bin', '/bin']) {
      if (!existsSync(join(bin, tool)) && existsSync(join(dir, tool))) symlinkSync(join(dir, tool), join(bin, tool))
    }
}, 300_000)

const sizeOf = (p: string): number =>
  statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + sizeOf(join(p, f)), 0) : statSync(p).size

describe('portable build', () => {
  it('is one folder of at most 64 MB with the bundles, wasm files and Dawn, and no node_modules', () => {
    expect(sizeOf(folder) / 2 ** 20).toBeLessThanOrEqual(64)
    expect(existsSync(join(folder, 'node_modules'))).toBe(false)
    for (const f of [
      'hdarts',
      'cli.mjs',
      'worker.mjs',
      'bench.mjs',
      'gpu-check.mjs',
      'gpu-check.sh',
      'tfjs-backend-wasm-simd.wasm',
    ])
      expect(existsSync(join(folder, f)), f).toBe(true)
    expect(existsSync(join(folder, 'dawn/linux-x64/dawn.node'))).toBe(true)
    expect(run(join(folder, 'hdarts'), ['--help']).code).toBe(0)
  })

  it.runIf(existsSync(FMNIST))(
    'runs a search on wasm from a clean directory, registered in the run database',
    () => {
      const r = run(join(folder, 'hdarts'), ['search', '--preset', 'darts-1st-quick', '--backend', 'wasm', ...TINY])
      expect(r.code, r.out).toBe(0)
      expect(r.out).toMatch(/finished in \d+ s/)
      const list = run(join(folder, 'hdarts'), ['runs', 'list', '--json'])
      expect(list.code, list.out).toBe(0)
      expect(list.stdout).toMatch(/darts-1st-quick/)
    },
    600_000,
  )

  it.runIf(existsSync(FMNIST) && noGpu == null)(
    'runs a search on WebGPU and records the adapter',
    () => {
      const r = run(join(folder, 'hdarts'), ['search', '--preset', 'darts-1st-quick', '--backend', 'webgpu', ...TINY])
      expect(r.code, r.out).toBe(0)
      expect(r.out).toMatch(/backend webgpu \(@tensorflow\/tfjs-backend-webgpu 4\.22\.0; /)
    },
    900_000,
  )

  it('prints the bench JSON line', () => {
    const r = run('node', [join(folder, 'bench.mjs'), '--backend', 'wasm', '--config', 'quick', '--steps', '1'], {
      BENCH_BATCH: '2',
    })
    expect(r.code, r.out).toBe(0)
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(rows.map((x) => [x.config, x.order, x.backend])).toEqual([
      ['quick', 1, 'wasm'],
      ['quick', 2, 'wasm'],
    ])
    expect(rows[0]!.msPerStep).toBeGreaterThan(0)
  }, 600_000)

  it.runIf(noGpu == null)(
    'runs gpu-check.sh: adapter, agreement with cpu, bench, software adapter named',
    () => {
      const r = run(join(folder, 'gpu-check.sh'), [], { BENCH_BATCH: '2' }) // software adapter: the smallest bench
      expect(r.code, r.out).toBe(0)
      const rows = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
      expect(rows[0]).toMatchObject({ check: 'adapter', ok: true })
      expect(rows.filter((x) => String(x.check).endsWith('step vs cpu')).map((x) => x.ok)).toEqual([true, true])
      const bench = rows.filter((x) => x.config != null)
      expect(bench.length).toBeGreaterThan(0)
      expect(bench.every((x) => x.backend === 'webgpu')).toBe(true)
      const software = (rows[0]!.adapter as { software: boolean }).software
      if (software) expect(r.out).toMatch(/software adapter: a CPU rasterizer/)
    },
    1_500_000,
  )
})
