/** The DARTS search supernet over explicit weight tensors (docs/engine.md). */
export { initWeights } from '../ops/index'
export { type AlphaInit, initAlphas, softmaxMixing, unstackMixing } from './alphas'
export { type CellShape, SearchCell } from './cell'
export { MixedOp } from './mixedOp'
export { buildCells, countWeights, createSupernet } from './network'
