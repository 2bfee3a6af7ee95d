// The mixed op (supernet loss and its α/weight gradients) and whole search steps — DARTS first and second
// order, HDARTS (its first α step included) and PR-DARTS — on WebGPU against the cpu backend, on the tiny
// synthetic search of tests/engine/search/helpers.ts. Skips with the reason printed where no adapter exists.
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { crossEntropy } from '../../../../src/engine/search/loss'
import { tinyOf } from '../../methods/presetRun'
import { dartsMixing, disposeSearch, TINY, tinySearch } from '../../search/helpers'
import { on, scaledDiff, skipWithoutWebGpu } from './helpers'

// Loss and gradients of one forward: float32 with other summation orders, measured worst 2e-6.
const GRAD_TOL = 1e-4
// Weights and α after whole steps (SGD lr 0.1 + Adam on α, a few steps): measured worst 3e-6.
const STEP_TOL = 1e-4

const skip = await skipWithoutWebGpu('WebGPU search steps')

describe.skipIf(skip)('search on WebGPU vs cpu', () => {
  it('mixed op: supernet loss and its gradients for every weight and both α matrices', async () => {
    const make = (): tf.Tensor[] => {
      const s = tinySearch(TINY, 16)
      const [H, W, C] = s.data.shape
      const batch = s.data.train.next()!
      const x = tf.tensor4d(batch.x, [batch.size, H, W, C])
      const y = tf.tensor1d(batch.y, 'int32')
      const nw = s.state.weights.length
      const f = (...xs: tf.Tensor[]) => {
        const mixing = dartsMixing({ state: { arch: xs.slice(nw) } } as unknown as Parameters<typeof dartsMixing>[0])
        return crossEntropy(s.method.net.forward(xs.slice(0, nw), mixing as never, x, { training: true }) as tf.Tensor2D, y)
      }
      const { value, grads } = tf.valueAndGrads(f)([...s.state.weights, ...s.state.arch])
      const out = [value, ...grads].map((t) => t.clone())
      disposeSearch(s)
      return out
    }
    const cpu = await on('cpu', make)
    const gpu = await on('webgpu', make)
    expect(cpu.length).toBeGreaterThan(3)
    const diffs = gpu.map((g, i) => scaledDiff(g, cpu[i]!))
    console.log(`mixed op: worst scaled difference ${Math.max(...diffs).toExponential(1)}`)
    diffs.forEach((d, i) => expect(d, `output ${i} (0 = loss)`).toBeLessThan(GRAD_TOL))
  }, 300_000)

  const cases: [preset: string, steps: number][] = [
    ['darts-1st', 1],
    ['darts-2nd', 1],
    ['hdarts', 3], // epoch alternation: 2 weight steps (16 images, batch 8), then the first α step
    ['pr-darts', 1],
  ]
  for (const [preset, steps] of cases)
    it(`${preset}: ${steps} search step${steps > 1 ? 's' : ''} leave the same weights and architecture parameters`, async () => {
      const make = (): tf.Tensor[] => {
        const s = tinySearch(tinyOf(preset), 16)
        for (let i = 0; i < steps; i++) s.trainStep()
        const out = [...s.state.weights, ...s.state.arch].map((t) => t.clone())
        disposeSearch(s)
        return out
      }
      const cpu = await on('cpu', make)
      const gpu = await on('webgpu', make)
      const diffs = gpu.map((g, i) => scaledDiff(g, cpu[i]!))
      console.log(`${preset}: worst scaled difference after ${steps} step(s) ${Math.max(...diffs).toExponential(1)}`)
      diffs.forEach((d, i) => expect(d, `tensor ${i} of ${gpu.length}`).toBeLessThan(STEP_TOL))
    }, 600_000)
})
