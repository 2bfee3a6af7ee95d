// `npm run bench`: ms per first- and second-order DARTS search step and images/s per backend on the
// shapes of ../shared/bench/torch_supernet.py, peak memory, analytic FLOPs and achieved GFLOP/s.
// One JSON line per configuration on stdout. With --torch, also runs the PyTorch reference
// (python3-torch, --channels-last) on the same machine and prints the ratio.
//   npx tsx scripts/bench.ts [--config fmnist-small|cifar-proxy|quick|darts-1st|all|A,B] [--backend wasm|webgpu|cpu|...] [--steps 3] [--torch]
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { PRESETS, type SearchConfig } from '../src/core/config/search'
import { countSearchNetwork } from '../src/core/metrics/supernet'
import { Rng } from '../src/core/rng'
import { type BackendPin, describeBackend, initBackend, wasmHeapBytes } from '../src/engine/backends'
import type { BatchSource, SearchData } from '../src/engine/search/data'
import { buildSearch, disposeSearch } from '../src/engine/search/session'

interface BenchConfig {
  inCh: number
  hw: number
  C: number
  layers: number
  batch: number
}
const CONFIGS: Record<string, BenchConfig> = {
  'fmnist-small': { inCh: 1, hw: 28, C: 8, layers: 5, batch: 32 },
  // cifar-proxy at batch 32 does not fit the 4 GiB wasm heap (REPORT.md §3); batch 4 does.
  'cifar-proxy': { inCh: 3, hw: 32, C: 16, layers: 8, batch: 4 },
  // darts-1st-quick: Fashion-MNIST downsampled to 16×16, C=4, 5 cells.
  quick: { inCh: 1, hw: 16, C: 4, layers: 5, batch: Number(process.env.BENCH_BATCH ?? 32) },
  // The DARTS paper's search shape (CIFAR-10, C=16, 8 cells, batch 64): GPU backends only, not part of 'all'
  // (its activations exceed the 4 GiB wasm heap).
  'darts-1st': { inCh: 3, hw: 32, C: 16, layers: 8, batch: 64 },
}
const ALL = ['fmnist-small', 'cifar-proxy', 'quick']

const arg = (name: string, fallback: string): string => {
  const i = process.argv.lastIndexOf(`--${name}`) // the last wins: `npm run bench -- --config X` overrides the script's
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback
}
const steps = Number(arg('steps', '3'))
const which = arg('config', 'fmnist-small')
const backendPin = arg('backend', 'wasm') as BackendPin
const withTorch = process.argv.includes('--torch')

/** Random images; the step cost does not depend on the pixel values. */
function randomSource(cfg: BenchConfig, rng: Rng): BatchSource {
  const n = cfg.batch * cfg.hw * cfg.hw * cfg.inCh
  const x = Float32Array.from({ length: n }, () => rng.normal())
  const y = Int32Array.from({ length: cfg.batch }, () => rng.int(10))
  return { batchesPerEpoch: 1_000_000, next: () => ({ x, y, size: cfg.batch }), getState: () => null, setState: () => {} }
}

/** GPU backends: bytes the backend holds on the device (tf.memory() reports them for webgpu). */
function deviceMB(): number | null {
  // tfjs-backend-webgpu: buffers allocated on the device, pooled ones included (what the GPU holds).
  const m = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number }
  return m.numBytesAllocatedInGPU == null ? null : Math.round(m.numBytesAllocatedInGPU / 2 ** 20)
}

function timeSteps(
  cfg: BenchConfig,
  unrolled: boolean,
): { ms: number[]; heapMB: number | null; rssMB: number; deviceMB: number | null } {
  const base = PRESETS.find((p) => p.name === 'darts-1st')!.config
  const config: SearchConfig = { ...base, C: cfg.C, layers: cfg.layers, batchSize: cfg.batch, unrolled }
  const rng = new Rng(0)
  const data: SearchData = {
    shape: [cfg.hw, cfg.hw, cfg.inCh],
    train: randomSource(cfg, rng),
    val: randomSource(cfg, rng),
    valEval: randomSource(cfg, rng),
  }
  const searcher = buildSearch(config, data, 10)
  const ms: number[] = []
  for (let i = 0; i < steps + 1; i++) {
    const t0 = performance.now()
    searcher.trainStep()
    if (i > 0) ms.push(performance.now() - t0) // the first step warms up kernels and XNNPack packing
  }
  const heap = wasmHeapBytes()
  const device = deviceMB()
  disposeSearch(searcher)
  return {
    ms,
    heapMB: heap === null ? null : Math.round(heap / 2 ** 20),
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    deviceMB: device,
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function torchStepMs(name: string): number | null {
  const script = join(import.meta.dirname, '../../shared/bench/torch_supernet.py')
  if (!existsSync(script) || !existsSync('/usr/bin/python3')) return null
  const cfg = name === 'cifar-proxy' ? 'cifar-proxy' : 'fmnist-small'
  const r = spawnSync('/usr/bin/python3', [script, '--channels-last', '--config', cfg, '--steps', '5', '--warmup', '1'], {
    encoding: 'utf8',
  })
  const m = /step: median ([\d.]+) ms/.exec(r.stdout)
  if (!m) {
    console.error(`# PyTorch reference did not run: ${(r.stderr || r.stdout).trim().split('\n').pop()}`)
    return null
  }
  return Number(m[1])
}

const info = await initBackend(backendPin).catch((err: Error) => {
  console.error(`bench: ${err.message}`)
  process.exit(2)
})
console.error(`# ${describeBackend(info)}; ${steps} timed steps after 1 warm-up`)
for (const name of which === 'all' ? ALL : which.split(',')) {
  const cfg = CONFIGS[name]
  if (!cfg) throw new Error(`unknown config ${name} (${Object.keys(CONFIGS).join(', ')})`)
  const net = countSearchNetwork({ channels: cfg.C, layers: cfg.layers, inputSize: cfg.hw, inputChannels: cfg.inCh })
  // torch_supernet.py convention: FLOPs = 2 × MACs; a first-order step ≈ 5 forward passes' worth.
  const fwdFlops = 2 * net.flops
  for (const unrolled of [false, true]) {
    const t = timeSteps(cfg, unrolled)
    const ms = median(t.ms)
    const stepFlops = cfg.batch * fwdFlops * (unrolled ? 13 : 5)
    const row: Record<string, unknown> = {
      config: name,
      order: unrolled ? 2 : 1,
      backend: info.name,
      batch: cfg.batch,
      weights: net.weights,
      msPerStep: Math.round(ms),
      msRange: [Math.round(Math.min(...t.ms)), Math.round(Math.max(...t.ms))],
      imagesPerSec: +((cfg.batch * 1000) / ms).toFixed(2),
      fwdMflopPerImage: +(fwdFlops / 1e6).toFixed(2),
      gflopPerStep: +(stepFlops / 1e9).toFixed(2),
      achievedGflops: +(stepFlops / ms / 1e6).toFixed(2),
      wasmHeapMB: t.heapMB,
      rssMB: t.rssMB,
      ...(t.deviceMB == null ? {} : { deviceMB: t.deviceMB }),
      ...(info.adapter ? { adapter: info.adapter.device, software: info.adapter.software } : {}),
    }
    if (withTorch && !unrolled && name !== 'quick') {
      const torchMs = torchStepMs(name)
      if (torchMs !== null) {
        // The torch script runs cifar-proxy at batch 32; scale ours linearly to compare like with like.
        const scaled = name === 'cifar-proxy' ? ms * (32 / cfg.batch) : ms
        Object.assign(row, { torchMsPerStep: Math.round(torchMs), ratioToTorch: +(scaled / torchMs).toFixed(2) })
      }
    }
    console.log(JSON.stringify(row))
  }
}
