/**
 * A WebGPU device lost mid-run, through real processes: the worker stops with one line and the epoch
 * checkpoint it wrote before the loss, and `hdarts search --resume DIR --backend wasm` finishes the run on
 * wasm, saying so in its log and in the 'resumed' event. The loss is injected right after the first epoch
 * checkpoint (HDARTS_FAULT_WEBGPU_LOST=after-checkpoint), as a driver reset would hit it.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { WORKER_LOG } from '../../src/core/run/runFile'
import { ROOT } from '../cli/run'
import { webGpuUnavailable } from '../engine/backends/webgpu/helpers'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
const noData = existsSync(FMNIST) ? null : `${FMNIST} is missing (apt-get install dataset-fashion-mnist)`
const noGpu = await webGpuUnavailable()
const skip = noData ?? (noGpu == null ? null : `WebGPU unavailable here: ${noGpu}`)
if (skip != null) console.warn(`[skip] WebGPU device-lost end-to-end test: ${skip}`)

// Two epochs of two steps on a C=2, one-intermediate-node supernet: minutes on llvmpipe, not hours.
const TINY = ['--preset', 'darts-1st-quick', '--set', 'limitPerHalf=16', '--set', 'batchSize=8', '--set', 'C=2']
const SMALL = [...TINY, '--set', 'layers=3', '--set', 'steps=1', '--set', 'multiplier=1', '--set', 'epochs=2']

const runsDir = mkdtempSync(join(tmpdir(), 'hdarts-webgpu-lost-'))
afterAll(() => rmSync(runsDir, { recursive: true, force: true }))

const events = (dir: string): RunEvent[] =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunEvent)

function hdarts(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/hdarts.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 900_000,
    env: { ...process.env, HDARTS_DB: join(runsDir, 'hdarts.db'), ...env },
  })
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` }
}

describe.skipIf(skip != null)('WebGPU device lost mid-run', () => {
  it('stops with a one-line reason and its checkpoint; resuming on wasm finishes and says so', () => {
    const lost = hdarts(['search', ...SMALL, '--backend', 'webgpu', '--runs-dir', runsDir], {
      HDARTS_FAULT_WEBGPU_LOST: 'after-checkpoint',
    })
    expect(lost.code, lost.out).toBe(1)
    const dir = join(
      runsDir,
      readdirSync(runsDir).find((d) => d.includes('darts-1st'))!,
    )
    const first = events(dir)
    const failed = first.at(-1)!
    expect(failed.type).toBe('failed')
    expect(failed.type === 'failed' && failed.message).toMatch(
      /^WebGPU device lost: .+; the last epoch checkpoint is kept; continue on another backend with: hdarts search --resume .+ --backend wasm$/,
    )
    expect(first.some((e) => e.type === 'checkpoint' && e.epoch === 1)).toBe(true)
    const started = first.find((e) => e.type === 'started')
    expect(started?.type === 'started' && started.backend.name).toBe('webgpu')
    expect(started?.type === 'started' && started.backend.adapter?.device).toBeTruthy()

    const resumed = hdarts(['search', '--resume', dir, '--backend', 'wasm'])
    expect(resumed.code, resumed.out).toBe(0)
    expect(resumed.out).toMatch(/resumed at epoch 2, step 0 on wasm/)
    expect(readFileSync(join(dir, WORKER_LOG), 'utf8')).toMatch(/resuming on wasm; the run started on webgpu/)
    const after = events(dir)
    const r = after.find((e) => e.type === 'resumed')
    expect(r?.type === 'resumed' && [r.epoch, r.backend.name]).toEqual([1, 'wasm'])
    expect(after.at(-1)!.type).toBe('finished')
    expect(after.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && e.epoch)).toEqual([0, 1])
  }, 1_200_000)
})
