// Per-kernel profile of one supernet step on wasm: `npx tsx scripts/profile-step.ts [BATCH] [C]`.
// Env flags: MEMONLY, MEMFWD (live memory after forward/backward), MEMTAPE (saved bytes per kernel), DWBENCH.
import * as tf from '@tensorflow/tfjs-core'
import { PRESETS } from '../src/core/config/search'
import { Rng } from '../src/core/rng'
import { initBackend } from '../src/engine/backends'
import { buildSearch } from '../src/engine/search/session'
import { crossEntropy } from '../src/engine/search/loss'
await initBackend('wasm')
const B = Number(process.argv[2] ?? 32),
  C = Number(process.argv[3] ?? 4)
const cfg = { ...PRESETS[0]!.config, C, layers: 5, batchSize: B }
const rng = new Rng(0)
const x = tf.randomNormal([B, 28, 28, 1]) as tf.Tensor4D
const y = tf.tensor1d(
  Array.from({ length: B }, () => rng.int(10)),
  'int32',
)
const src = { batchesPerEpoch: 1, next: () => null, getState: () => null, setState: () => {} }
const s = buildSearch(cfg as any, { shape: [28, 28, 1], train: src, val: src, valEval: src }, 10)
const alphas = { normal: tf.softmax(s.state.arch[0]!), reduce: tf.softmax(s.state.arch[1]!) }
const time = (name: string, f: () => void) => {
  if (process.env.MEMONLY) return
  f()
  const t0 = performance.now()
  f()
  console.log(name, Math.round(performance.now() - t0), 'ms')
}
time('forward train', () =>
  tf.tidy(() => {
    s.net.forward(s.state.weights, alphas, x, { training: true }).dataSync()
  }),
)
time('weight grads', () =>
  tf.tidy(() => {
    const { grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => crossEntropy(s.net.forward(ws, alphas, x, { training: true }), y))(
      [...s.state.weights],
    )
    grads[0]!.dataSync()
  }),
)
time('alpha grads', () =>
  tf.tidy(() => {
    const { grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) =>
      crossEntropy(s.net.forward(s.state.weights, { normal: a as any, reduce: b as any }, x, { training: true }), y),
    )([alphas.normal, alphas.reduce])
    grads[0]!.dataSync()
  }),
)
const prof = await tf.profile(() =>
  tf.tidy(() => {
    const { grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => crossEntropy(s.net.forward(ws, alphas, x, { training: true }), y))(
      [...s.state.weights],
    )
    return grads[0]!
  }),
)
const agg = new Map<string, { ms: number; n: number }>()
for (const k of prof.kernels) {
  const e = agg.get(k.name) ?? { ms: 0, n: 0 }
  e.ms += (k.kernelTimeMs as number) || 0
  e.n++
  agg.set(k.name, e)
}
console.log('kernels', prof.kernels.length, 'peakBytes', prof.peakBytes)
for (const [k, v] of [...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 18)) console.log(k.padEnd(40), v.n, Math.round(v.ms))
if (process.env.MEMFWD) {
  const before = tf.memory().numBytes
  tf.tidy(() => {
    const { grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
      const l = crossEntropy(s.net.forward(ws, alphas, x, { training: true }), y)
      console.log('live after forward (MB)', Math.round((tf.memory().numBytes - before) / 2 ** 20))
      return l
    })([...s.state.weights])
    console.log('live after backward (MB)', Math.round((tf.memory().numBytes - before) / 2 ** 20))
    return grads[0]!
  })
}
if (process.env.MEMTAPE) {
  tf.tidy(() => {
    const { grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
      const l = crossEntropy(s.net.forward(ws, alphas, x, { training: true }), y)
      const tape = (tf.engine().state as any).activeTape as { kernelName: string; saved?: tf.Tensor[]; outputs: tf.Tensor[] }[]
      const agg = new Map<string, { n: number; bytes: number; ids: number }>()
      const seen = new Set<object>()
      for (const node of tape) {
        const e = agg.get(node.kernelName) ?? { n: 0, bytes: 0, ids: 0 }
        e.n++
        for (const t of node.saved ?? []) {
          const d = (t as any).dataId
          if (!seen.has(d)) {
            seen.add(d)
            e.bytes += t.size * 4
            e.ids++
          }
        }
        agg.set(node.kernelName, e)
      }
      for (const [k, v] of [...agg].sort((a, b) => b[1].bytes - a[1].bytes))
        console.log(k.padEnd(30), v.n, v.ids, Math.round(v.bytes / 2 ** 20), 'MB')
      return l
    })([...s.state.weights])
    return grads[0]!
  })
}
if (process.env.DWBENCH) {
  const { filterGradMode } = await import('../src/engine/backends/wasm/depthwiseBackpropFilter')
  for (const [N, H, C, k, s, d] of [
    [32, 28, 8, 3, 1, 1],
    [32, 28, 8, 5, 1, 1],
    [32, 28, 8, 3, 1, 2],
    [32, 28, 8, 5, 1, 2],
    [32, 28, 16, 3, 2, 1],
    [32, 14, 32, 5, 1, 1],
    [32, 7, 64, 3, 1, 2],
  ] as number[][]) {
    const xx = tf.randomNormal([N!, H!, H!, C!]) as tf.Tensor4D
    const pad = (d! * (k! - 1)) / 2
    const Ho = Math.floor((H! + 2 * pad - d! * (k! - 1) - 1) / s!) + 1
    const dy = tf.randomNormal([N!, Ho, Ho, C!]) as tf.Tensor4D
    const attrs = {
      strides: s,
      pad: [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ],
      dilations: d,
      filterShape: [k, k, C, 1],
    }
    const res: Record<string, number> = {}
    const outs: Float32Array[] = []
    for (const [js, rowTaps] of [
      [false, false, 1],
      [true, false, 1],
      [true, true, 1],
    ] as [boolean, boolean, number][]) {
      filterGradMode.js = js!
      filterGradMode.jsMaxTaps = 99
      filterGradMode.rowTaps = rowTaps!
      const run = () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: xx, dy }, attrs as any) as tf.Tensor
      outs.push(run().dataSync() as Float32Array)
      const t0 = performance.now()
      let n = 0
      while (performance.now() - t0 < 300) {
        run().dispose()
        n++
      }
      res[js ? (rowTaps ? 'rowTaps' : 'js') : 'xnn'] = +((performance.now() - t0) / n).toFixed(3)
    }
    let err = 0
    for (let i = 0; i < outs[0]!.length; i++)
      err = Math.max(err, Math.abs(outs[0]![i]! - outs[1]![i]!) / (1 + Math.abs(outs[0]![i]!)))
    console.log(JSON.stringify({ N, H, C, k, s, d, ...res, err }))
  }
}
