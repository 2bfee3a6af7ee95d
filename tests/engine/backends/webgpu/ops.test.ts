// Every DARTS op (search and eval versions, stride 1 and 2), its input, weight and mixing-weight gradients on
// WebGPU, against the cpu backend. Runs on Mesa's software adapter where no GPU exists; skips with the reason
// printed where Dawn finds no adapter at all.
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../../src/core/rng'
import { createOp, OP_NAMES, type Op } from '../../../../src/engine/ops/index'
import { opWeights, randn, randn4, runOp } from '../../ops/helpers'
import { on, scaledDiff, skipWithoutWebGpu } from './helpers'

// float32 on both sides, different summation orders (GPU reductions are tree-shaped): measured worst 3e-6.
const TOL = 1e-4

const skip = await skipWithoutWebGpu('WebGPU op gradients')

function opCase(op: Op, seed: number, withMix: boolean): () => tf.Tensor[] {
  return () => {
    const rng = new Rng(seed)
    const x = randn4([2, 8, 8, op.C_in], rng)
    const w = opWeights(op, seed + 1).map((t, i) => (op.params[i]!.init === 'conv' ? t : tf.add(t, randn(t.shape, rng, 0.3))))
    const mix = tf.scalar(0.7)
    const R = randn(runOp(op, x, w, { training: true }, withMix ? mix : undefined).shape, rng)
    const inputs = [x, ...w, ...(withMix ? [mix] : [])]
    const f = (...xs: tf.Tensor[]) =>
      tf.sum(
        tf.mul(
          runOp(op, xs[0] as tf.Tensor4D, xs.slice(1, 1 + w.length), { training: true }, withMix ? xs.at(-1) : undefined),
          R,
        ),
      )
    const { value, grads } = tf.valueAndGrads(f)(inputs)
    return [value, ...grads]
  }
}

describe.skipIf(skip)('op gradients on WebGPU vs cpu', () => {
  let worst = 0
  afterAll(() => console.log(`op gradients: worst scaled difference webgpu vs cpu ${worst.toExponential(1)}`))
  for (const name of OP_NAMES.filter((n) => n !== 'none'))
    for (const s of [1, 2])
      it(`${name} stride ${s}: value and all gradients (search version with mixing weight, eval version)`, async () => {
        for (const [affine, seed] of [
          [false, 10 + s],
          [true, 20 + s],
        ] as const) {
          const make = opCase(createOp(name, 4, s, affine), seed, !affine)
          const cpu = await on('cpu', make)
          const gpu = await on('webgpu', make)
          const diffs = gpu.map((g, i) => scaledDiff(g, cpu[i]!))
          worst = Math.max(worst, ...diffs)
          diffs.forEach((d, i) => expect(d, `${name} s${s} affine=${affine} output ${i}`).toBeLessThan(TOL))
        }
      })
})
