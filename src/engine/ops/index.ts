/** Functional NHWC ops with PyTorch semantics over explicit weight tensors (docs/engine.md). */
export { applyBnUpdate, BN_EPS, BN_MOMENTUM, batchNormEval, batchNormTrain, disposeBnUpdates } from './batchNorm'
export type { BatchNormTrainResult } from './batchNorm'
export { disposeOpConstants, opConstantCount } from './constants'
export { inFirstOrderBackward, relu, sumN, tidyGrad, withGrad } from './customGrad'
export {
  conv2d,
  depthwise,
  dilatedDepthwise,
  dilatedDepthwisePadded,
  dilatedDepthwiseValid,
  exactDilatedDepthwiseGrad,
  padHW,
  pointwise,
  setDilatedDepthwiseGrad,
  subsample2,
} from './conv'
export type { DilatedDepthwiseGrad } from './conv'
export {
  bnParamSpecs,
  bnSpec,
  convSpec,
  depthwiseSpec,
  initBound,
  initValues,
  initWeights,
  linearSpecs,
  prefixSpecs,
  specSize,
} from './init'
export { conv7x1x7, dilConv, factorizedReduce, identityOp, poolOp, reluConvBn, sepConv, zeroOp } from './layers'
export type { Op } from './layers'
export { avgPool3x3, avgPoolCountMap, maxPool3x3, poolOutputSize } from './pool'
export { createOp, getOpDef, OP_NAMES, OPS } from './registry'
export type { CreateOpOptions, OpDef } from './registry'
export { contextFromWeights, ParamScope } from './scope'
export type { OpContext } from './scope'
