/**
 * `OPS` of DARTS `cnn/operations.py`, keyed by op name (METHODS.md §2.1), plus the NASNet/AmoebaNet
 * eval-only ops. `affine=false` builds the search version (BN without γ/β, and a BN after each pool as
 * DARTS's MixedOp adds); `affine=true` the evaluation version (affine BN, no BN after pools).
 */
import { DARTS_EVAL_ONLY_OPS } from '../../core/searchSpaces'
import { conv7x1x7, dilConv, factorizedReduce, identityOp, type Op, poolOp, sepConv, zeroOp } from './layers'

export interface CreateOpOptions {
  /** BN after pools; defaults to `!affine` (search supernet). */
  readonly poolBn?: boolean
}

export interface OpDef {
  readonly name: string
  /** Only in evaluation genotypes, never in the DARTS search space (forward correctness only). */
  readonly evalOnly: boolean
  create(C: number, stride: number, affine: boolean, options?: CreateOpOptions): Op
}

const def = (name: string, create: OpDef['create']): OpDef => ({
  name,
  evalOnly: (DARTS_EVAL_ONLY_OPS as readonly string[]).includes(name),
  create,
})

export const OPS: Readonly<Record<string, OpDef>> = {
  none: def('none', (C, s) => zeroOp(C, s)),
  max_pool_3x3: def('max_pool_3x3', (C, s, affine, o) => poolOp('max', C, s, affine, o?.poolBn ?? !affine)),
  avg_pool_3x3: def('avg_pool_3x3', (C, s, affine, o) => poolOp('avg', C, s, affine, o?.poolBn ?? !affine)),
  skip_connect: def('skip_connect', (C, s, affine) => (s === 1 ? identityOp(C) : factorizedReduce(C, C, affine))),
  sep_conv_3x3: def('sep_conv_3x3', (C, s, affine) => sepConv('sep_conv_3x3', C, 3, s, affine)),
  sep_conv_5x5: def('sep_conv_5x5', (C, s, affine) => sepConv('sep_conv_5x5', C, 5, s, affine)),
  dil_conv_3x3: def('dil_conv_3x3', (C, s, affine) => dilConv('dil_conv_3x3', C, 3, s, affine)),
  dil_conv_5x5: def('dil_conv_5x5', (C, s, affine) => dilConv('dil_conv_5x5', C, 5, s, affine)),
  sep_conv_7x7: def('sep_conv_7x7', (C, s, affine) => sepConv('sep_conv_7x7', C, 7, s, affine)),
  conv_7x1_1x7: def('conv_7x1_1x7', (C, s, affine) => conv7x1x7(C, s, affine)),
}

export const OP_NAMES: readonly string[] = Object.keys(OPS)

export function getOpDef(name: string): OpDef {
  const d = Object.hasOwn(OPS, name) ? OPS[name] : undefined
  if (!d) throw new Error(`Unknown op "${name}"; valid: ${OP_NAMES.join(', ')}`)
  return d
}

/** One op on C channels; `affine=false` for the search supernet. */
export function createOp(name: string, C: number, stride: number, affine: boolean, options?: CreateOpOptions): Op {
  return getOpDef(name).create(C, stride, affine, options)
}
