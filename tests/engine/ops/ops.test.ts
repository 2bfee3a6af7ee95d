// The op registry: every op's shapes and parameter counts against src/core's analytic counts, and its
// forward values against a float64 composition of the PyTorch layers (METHODS.md §2.1).
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { opCost } from '../../../src/core/metrics/opCost'
import { Rng } from '../../../src/core/rng'
import { DARTS_GENOTYPE_OPS } from '../../../src/core/searchSpaces'
import {
  contextFromWeights,
  createOp,
  factorizedReduce,
  getOpDef,
  OP_NAMES,
  OPS,
  ParamScope,
  reluConvBn,
  specSize,
} from '../../../src/engine/ops/index'
import {
  type Arr4,
  arr4,
  maxAbsDiff,
  opWeights,
  randn4,
  refBnTrain,
  refConcat,
  refConv,
  refPool,
  refRelu,
  refSubsample,
  runOp,
  useCpu,
  values,
} from './helpers'

const TOL = 2e-4
const C = 4

beforeAll(useCpu)

/** Float64 reference of each op in train mode; γ=1, β=0 (the init), so affine BN = plain BN here. */
function reference(name: string, x: Arr4, w: Arr4[], s: number, affine: boolean): Arr4 {
  const r = refRelu(x)
  const pw = (a: Arr4, k: number) => refConv(a, w[k]!)
  const dw = (a: Arr4, k: number, stride: number, pad: number, d = 1) =>
    refConv(a, w[k]!, { stride: [stride, stride], pad: [pad, pad], dilation: [d, d], depthwise: true })
  const bn = refBnTrain
  // With affine BN the param list interleaves γ/β: sep conv = dw1, pw1, γ1, β1, dw2, pw2, γ2, β2.
  const second = affine ? 4 : 2
  switch (name) {
    case 'max_pool_3x3':
    case 'avg_pool_3x3': {
      const p = refPool(x, name === 'max_pool_3x3' ? 'max' : 'avg', s)
      return affine ? p : bn(p)
    }
    case 'skip_connect':
      return s === 1
        ? x
        : bn(refConcat(refConv(r, w[0]!, { stride: [2, 2] }), refConv(refSubsample(r, 1, 1, 1), w[1]!, { stride: [2, 2] })))
    case 'sep_conv_3x3':
    case 'sep_conv_5x5':
    case 'sep_conv_7x7': {
      const p = (Number(name.at(-1)) - 1) / 2
      const h = bn(pw(dw(r, 0, s, p), 1))
      return bn(pw(dw(refRelu(h), second, 1, p), second + 1))
    }
    case 'dil_conv_3x3':
    case 'dil_conv_5x5': {
      const k = Number(name.at(-1))
      return bn(pw(dw(r, 0, s, k - 1, 2), 1))
    }
    case 'conv_7x1_1x7': {
      const a = refConv(r, w[0]!, { stride: [1, s], pad: [0, 3] })
      return bn(refConv(a, w[1]!, { stride: [s, 1], pad: [3, 0] }))
    }
  }
  throw new Error(`no reference for ${name}`)
}

describe('OPS registry', () => {
  it('has every DARTS genotype op and rejects unknown names with the valid list', () => {
    expect([...OP_NAMES].sort()).toEqual([...DARTS_GENOTYPE_OPS].sort())
    expect(() => createOp('conv_9x9', C, 1, false)).toThrow(`Unknown op "conv_9x9"; valid: ${OP_NAMES.join(', ')}`)
    expect(() => getOpDef('toString')).toThrow(/Unknown op "toString"/)
    expect(OPS.sep_conv_7x7!.evalOnly).toBe(true)
    expect(OPS.sep_conv_3x3!.evalOnly).toBe(false)
  })

  it('parameter counts and output sizes equal src/core opCost for both strides, search and eval versions', () => {
    for (const name of OP_NAMES)
      for (const s of [1, 2])
        for (const affine of [false, true])
          for (const size of [8, 7, 32]) {
            if (name === 'skip_connect' && s === 2 && size % 2) continue // FactorizedReduce needs even sizes
            const op = createOp(name, 16, s, affine)
            const cost = opCost(name, 16, s, size, affine)
            expect(
              op.params.reduce((n, p) => n + specSize(p), 0),
              `${name} s${s} affine=${affine}`,
            ).toBe(cost.params)
            expect(op.outputSize(size), `${name} s${s} size ${size}`).toBe(cost.size)
          }
  })

  it('search versions have BN after pools and no γ/β; eval versions the opposite', () => {
    expect(createOp('max_pool_3x3', C, 1, false).bns.map((b) => b.name)).toEqual(['bn'])
    expect(createOp('avg_pool_3x3', C, 2, true).bns).toEqual([])
    expect(createOp('sep_conv_3x3', C, 1, false).params.map((p) => p.name)).toEqual(['dw1', 'pw1', 'dw2', 'pw2'])
    expect(createOp('sep_conv_3x3', C, 1, true).params.map((p) => p.name)).toEqual([
      'dw1',
      'pw1',
      'bn1.weight',
      'bn1.bias',
      'dw2',
      'pw2',
      'bn2.weight',
      'bn2.bias',
    ])
  })
})

describe('op forward values (train-mode BN) against the float64 reference', () => {
  for (const name of OP_NAMES.filter((n) => n !== 'none'))
    for (const s of [1, 2])
      for (const affine of [false, true])
        it(`${name} stride ${s} ${affine ? 'eval version' : 'search version'}`, () => {
          const op = createOp(name, C, s, affine)
          const rng = new Rng(s * 7 + (affine ? 1 : 0))
          const x = randn4([2, 8, 8, C], rng)
          const w = opWeights(op, 3)
          const y = tf.tidy(() => runOp(op, x, w, { training: true }))
          const ref = reference(name, arr4(x), w.map(arr4), s, affine)
          expect(y.shape).toEqual(ref.shape)
          expect(y.shape[1]).toBe(op.outputSize(8))
          expect(maxAbsDiff(values(y), ref.data)).toBeLessThan(TOL)
          // A mixing weight scales the output (folded into the last BN where there is one).
          const scaled = tf.tidy(() => runOp(op, x, w, { training: true }, tf.scalar(0.3)))
          expect(
            maxAbsDiff(
              values(scaled),
              ref.data.map((v) => 0.3 * v),
            ),
          ).toBeLessThan(TOL)
          tf.dispose([x, y, scaled, ...w])
        })

  it('ReLU-first ops give the same output from a shared relu(x) (the mixed op passes one)', () => {
    const x = randn4([2, 8, 8, C], new Rng(9))
    const xRelu = tf.relu(x)
    for (const name of OP_NAMES)
      for (const s of [1, 2]) {
        const op = createOp(name, C, s, false)
        if (!op.startsWithRelu) continue
        const w = opWeights(op, 4)
        const scope = new ParamScope(contextFromWeights(op.params, w, { training: true }))
        const diff = maxAbsDiff(values(op.apply(x, scope)), values(op.apply(x, scope, undefined, xRelu)))
        expect(diff, `${name} s${s}`).toBeLessThan(1e-5)
      }
  })

  it('none gives zeros of size ceil(H/s) and declares itself zero so mixed ops skip it', () => {
    const x = randn4([2, 7, 7, C], new Rng(1))
    for (const s of [1, 2]) {
      const op = createOp('none', C, s, false)
      expect(op.isZero).toBe(true)
      const y = runOp(op, x, [], { training: true })
      expect(y.shape).toEqual([2, Math.ceil(7 / s), Math.ceil(7 / s), C])
      expect(values(y).every((v) => v === 0)).toBe(true)
    }
  })

  it('skip_connect at stride 1 is the identity', () => {
    const x = randn4([2, 4, 4, C], new Rng(2))
    expect(values(runOp(createOp('skip_connect', C, 1, false), x, [], { training: true }))).toEqual(values(x))
  })
})

describe('preprocess layers', () => {
  it('FactorizedReduce puts conv_1 (on x[::2, ::2]) channels first, then conv_2 (on x[1::2, 1::2])', () => {
    const op = factorizedReduce(1, 4, false)
    // Pixel values 1..16; conv_1 copies to channels 0–1, conv_2 copies ×2 to channels 2–3; identity eval BN.
    const x = tf.tensor4d(
      Array.from({ length: 16 }, (_, i) => i + 1),
      [1, 4, 4, 1],
    )
    const w = [tf.ones([1, 1, 1, 2]), tf.fill([1, 1, 1, 2], 2)]
    const bnStats = new Map([['bn', { mean: tf.zeros([4]), variance: tf.fill([4], 1 - 1e-5) }]])
    const y = values(runOp(op, x, w, { training: false, bnStats }))
    // Output pixel (0,0): x[0,0]=1 and x[1,1]=6; (0,1): x[0,2]=3 and x[1,3]=8; (1,0): 9 and 14; (1,1): 11 and 16.
    expect(y.map((v) => Number(v.toFixed(4)))).toEqual([1, 1, 12, 12, 3, 3, 16, 16, 9, 9, 28, 28, 11, 11, 32, 32])
    expect(() => runOp(op, randn4([1, 5, 5, 1], new Rng(1)), w, { training: false, bnStats })).toThrow(/even/)
  })

  it('ReLUConvBN matches the reference (1×1 and a 3×3 stride-2 conv)', () => {
    const rng = new Rng(5)
    const x = randn4([2, 6, 6, 3], rng)
    for (const [k, s, p] of [
      [1, 1, 0],
      [3, 2, 1],
    ] as const) {
      const op = reluConvBn(3, 5, k, s, p, false)
      const w = opWeights(op, 6)
      const ref = refBnTrain(refConv(refRelu(arr4(x)), arr4(w[0]!), { stride: [s, s], pad: [p, p] }))
      expect(maxAbsDiff(values(runOp(op, x, w, { training: true })), ref.data)).toBeLessThan(TOL)
    }
  })

  it('eval-mode BN without running statistics fails with the BN name', () => {
    const op = createOp('dil_conv_3x3', C, 1, false)
    expect(() => runOp(op, randn4([1, 4, 4, C], new Rng(1)), opWeights(op, 1), { training: false })).toThrow(/BN "bn"/)
  })
})
