// The adapter and a correctness check of WebGPU against the cpu backend, as JSON lines (scripts/gpu-check.sh
// adds the bench figures). Correctness: one DARTS first-order and one second-order search step of a small
// supernet (C=2, 3 cells, 8×8×1, batch 8, seeded weights, learnable images) on both backends; every weight
// and α must agree to 1e-4 of its scale (the tests measure 1e-7–3e-6 on Mesa's llvmpipe).
//   npx tsx scripts/gpu-check.ts            exit 0: agrees; 1: disagrees; 2: no WebGPU here (reason printed)
import * as tf from '@tensorflow/tfjs-core'
import { PRESETS, type SearchConfig } from '../src/core/config/search'
import { Rng } from '../src/core/rng'
import { describeBackend, initBackend } from '../src/engine/backends'
import type { BatchSource, SearchData } from '../src/engine/search/data'
import { buildSearch, disposeSearch } from '../src/engine/search/session'

const TOL = 1e-4
const [H, C_IN, BATCH] = [8, 1, 8]

/**
 * Learnable images (class = which quadrant is bright, as tests/engine/search/helpers.ts): on random noise the
 * α gradients are near zero, and Adam's first step (±lr whatever the magnitude) turns float noise in their
 * sign into a 2·lr difference that says nothing about the backend.
 */
function source(seed: number): BatchSource {
  const rng = new Rng(seed)
  const y = Int32Array.from({ length: BATCH }, () => rng.int(4))
  const x = new Float32Array(BATCH * H * H * C_IN)
  for (let n = 0; n < BATCH; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < H; j++) {
        const c = y[n]!
        const inside = i < H / 2 === c < 2 && j < H / 2 === (c % 2 === 0)
        x[(n * H + i) * H + j] = (inside ? 1 : -1) + 0.3 * rng.normal()
      }
  return { batchesPerEpoch: 1_000_000, next: () => ({ x, y, size: BATCH }), getState: () => null, setState: () => {} }
}

function oneStep(unrolled: boolean): Float32Array[] {
  const base = PRESETS.find((p) => p.name === 'darts-1st-quick')!.config
  const config: SearchConfig = { ...base, C: 2, layers: 3, batchSize: BATCH, unrolled, seed: 1 }
  const data: SearchData = { shape: [H, H, C_IN], train: source(1), val: source(2), valEval: source(3) }
  const s = buildSearch(config, data, 4)
  s.trainStep()
  const out = [...s.state.weights, ...s.state.arch].map((t) => Float32Array.from(t.dataSync()))
  disposeSearch(s)
  return out
}

function worstScaled(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0
  a.forEach((x, i) => {
    const y = b[i]!
    let d = 0
    let scale = 1
    for (let k = 0; k < x.length; k++) {
      d = Math.max(d, Number.isFinite(x[k]!) ? Math.abs(x[k]! - y[k]!) : Infinity)
      scale = Math.max(scale, Math.abs(y[k]!))
    }
    worst = Math.max(worst, d / scale)
  })
  return worst
}

let gpu
try {
  gpu = await initBackend('webgpu')
} catch (err) {
  console.log(JSON.stringify({ check: 'adapter', ok: false, reason: (err as Error).message }))
  process.exit(2)
}
console.log(JSON.stringify({ check: 'adapter', ok: true, backend: describeBackend(gpu), adapter: gpu.adapter }))
if (gpu.adapter?.software)
  console.error('# software adapter: a CPU rasterizer (correct, much slower than the wasm backend); not a GPU')
let failed = false
for (const unrolled of [false, true]) {
  const t0 = performance.now()
  await initBackend('webgpu')
  const onGpu = oneStep(unrolled)
  const gpuMs = performance.now() - t0
  await initBackend('cpu')
  const onCpu = oneStep(unrolled)
  const worst = worstScaled(onGpu, onCpu)
  const ok = worst < TOL
  failed ||= !ok
  const row = { check: `darts-${unrolled ? '2nd' : '1st'} step vs cpu`, ok, worstScaledDiff: +worst.toExponential(2), tol: TOL }
  console.log(JSON.stringify({ ...row, tensors: onGpu.length, webgpuMs: Math.round(gpuMs) }))
}
tf.disposeVariables()
process.exit(failed ? 1 : 0)
