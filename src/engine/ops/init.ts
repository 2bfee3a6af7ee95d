/**
 * Parameter declarations and their PyTorch-default initialisation (METHODS.md §2.5 layouts).
 *
 * Layouts are TF.js's, not PyTorch's: conv filters `[kh, kw, C_in, C_out]`, depthwise filters
 * `[kh, kw, C, 1]`, linear weights `[in, out]`. Only the draws' order differs from PyTorch; the
 * distributions are the same.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../../core/rng'
import type { BnSpec, ParamSpec } from '../types'

/** Bias-free conv filter `[kh, kw, C_in, C_out]`; PyTorch fan-in is C_in·kh·kw. */
export const convSpec = (name: string, kh: number, kw: number, C_in: number, C_out: number): ParamSpec => ({
  name,
  shape: [kh, kw, C_in, C_out],
  init: 'conv',
  fanIn: C_in * kh * kw,
})

/** Depthwise filter `[k, k, C, 1]` (PyTorch `[C, 1, k, k]`, groups=C): fan-in is k·k. */
export const depthwiseSpec = (name: string, k: number, C: number): ParamSpec => ({
  name,
  shape: [k, k, C, 1],
  init: 'conv',
  fanIn: k * k,
})

/** `nn.Linear(in, out)`: weight `[in, out]` (so logits = x·W + b) and bias `[out]`. */
export const linearSpecs = (name: string, inFeatures: number, outFeatures: number): ParamSpec[] => [
  { name: `${name}.weight`, shape: [inFeatures, outFeatures], init: 'linear-weight', fanIn: inFeatures },
  { name: `${name}.bias`, shape: [outFeatures], init: 'linear-bias', fanIn: inFeatures },
]

/** γ (`.weight`) and β (`.bias`) of an affine BN, named as PyTorch's state_dict names them; none when not affine. */
export const bnParamSpecs = (name: string, channels: number, affine: boolean): ParamSpec[] =>
  affine
    ? [
        { name: `${name}.weight`, shape: [channels], init: 'ones', fanIn: channels },
        { name: `${name}.bias`, shape: [channels], init: 'zeros', fanIn: channels },
      ]
    : []

export const bnSpec = (name: string, channels: number): BnSpec => ({ name, channels })

/** Prefixes relative names (`dw1` → `cells.0.edges.3.sep_conv_3x3.dw1`). */
export const prefixSpecs = <T extends { readonly name: string }>(prefix: string, specs: readonly T[]): T[] =>
  specs.map((s) => ({ ...s, name: `${prefix}.${s.name}` }))

export const specSize = (spec: ParamSpec): number => spec.shape.reduce((a, b) => a * b, 1)

/**
 * PyTorch's bound for both conv/linear weights and linear biases: kaiming_uniform(a=√5) gives
 * gain √(2/(1+5)) and bound gain·√(3/fanIn) = 1/√fanIn; the bias uses 1/√fanIn directly.
 */
export const initBound = (spec: ParamSpec): number => (spec.fanIn > 0 ? 1 / Math.sqrt(spec.fanIn) : 0)

/** Values for one spec, drawn from `rng` element by element (so a seed reproduces every weight). */
export function initValues(spec: ParamSpec, rng: Rng): Float32Array {
  const values = new Float32Array(specSize(spec))
  switch (spec.init) {
    case 'ones':
      values.fill(1)
      break
    case 'zeros':
      break
    case 'conv':
    case 'linear-weight':
    case 'linear-bias': {
      const bound = initBound(spec)
      for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * bound
      break
    }
  }
  return values
}

/** Fresh tensors for `specs`, in order. The caller owns them (wrap in variables or dispose). */
export function initWeights(specs: readonly ParamSpec[], rng: Rng): tf.Tensor[] {
  return specs.map((spec) => tf.tensor(initValues(spec, rng), [...spec.shape], 'float32'))
}
