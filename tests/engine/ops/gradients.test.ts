// Gradient checks of every op against central finite differences: input and weight gradients, stride 1
// and 2, search versions (train-mode BN, folded mixing weight, whose gradient is checked too) and
// evaluation versions (affine BN γ/β). One random unit direction per input; float32 ops, ε = 1e-3.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import { createOp, factorizedReduce, OP_NAMES, reluConvBn } from '../../../src/engine/ops/index'
import type { Op } from '../../../src/engine/ops/index'
import { gradCheck, opWeights, randn, randn4, runOp, useCpu } from './helpers'

// Relative error of the directional derivative, ε = 1e-3 (helpers.gradCheck). Most checks land at 1e-5–3e-3;
// the worst (1.3e-2, pw1 of sep_conv_3x3 stride 1) is a ReLU kink crossed by the ε-step: a float64
// reference gives the same quotient at ε = 1e-3 and the analytic value at ε = 1e-4.
const GRAD_TOL = 2e-2
const C = 4

beforeAll(useCpu)

/** Checks x, every weight and (search versions) the folded mixing weight; returns the worst error. */
function checkOp(op: Op, H: number, seed: number, withMix: boolean): number {
  const rng = new Rng(seed)
  const x = randn4([2, H, H, op.C_in], rng)
  const w = opWeights(op, seed + 1)
  // γ/β at their init (1, 0) would hide a wrong β gradient behind γ's; perturb them.
  const weights = w.map((t, i) => (op.params[i]!.init === 'conv' ? t : tf.add(t, randn(t.shape, rng, 0.3))))
  const mix = tf.scalar(0.7)
  const inputs = [x, ...weights, ...(withMix ? [mix] : [])]
  const f = (...xs: tf.Tensor[]) =>
    runOp(op, xs[0] as tf.Tensor4D, xs.slice(1, 1 + weights.length), { training: true }, withMix ? xs[xs.length - 1] : undefined)
  const checks = gradCheck(f, inputs, seed + 3)
  tf.dispose([x, ...w, ...weights, mix])
  return Math.max(...checks.map((c) => c.relError))
}

describe('op gradients vs finite differences', () => {
  for (const name of OP_NAMES.filter((n) => n !== 'none'))
    for (const s of [1, 2])
      it(`${name} stride ${s}: search version (with mixing weight) and eval version (affine)`, () => {
        expect(checkOp(createOp(name, C, s, false), 8, 100 + s, true)).toBeLessThan(GRAD_TOL)
        expect(checkOp(createOp(name, C, s, true), 8, 200 + s, false)).toBeLessThan(GRAD_TOL)
      })

  it('ReLUConvBN (1×1 and 3×3 stride 2) and FactorizedReduce with C_in ≠ C_out', () => {
    expect(checkOp(reluConvBn(3, C, 1, 1, 0, false), 6, 300, true)).toBeLessThan(GRAD_TOL)
    expect(checkOp(reluConvBn(3, C, 3, 2, 1, true), 6, 301, false)).toBeLessThan(GRAD_TOL)
    expect(checkOp(factorizedReduce(6, C, false), 6, 302, true)).toBeLessThan(GRAD_TOL)
    expect(checkOp(factorizedReduce(6, C, true), 6, 303, false)).toBeLessThan(GRAD_TOL)
  })

  it('odd input size at stride 2 (dil conv subsampling pads one zero row)', () => {
    for (const name of ['dil_conv_3x3', 'dil_conv_5x5', 'sep_conv_3x3', 'avg_pool_3x3'])
      expect(checkOp(createOp(name, C, 2, false), 7, 400, true), name).toBeLessThan(GRAD_TOL)
  })
})
