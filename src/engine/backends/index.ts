/** Backend selection, the wasm kernel pack and wasm memory helpers: the engine's entry to TF.js backends. */
export { BACKEND_NAMES, type BackendInfo, type BackendPin, describeBackend, initBackend, type InitOptions } from './init'
export {
  describeOutOfMemory,
  guardWasmHeap,
  guardWasmMalloc,
  isOutOfMemoryError,
  WASM_HEAP_LIMIT_BYTES,
  WASM_OUT_OF_MEMORY_MESSAGE,
  wasmHeapBytes,
} from './memory'
export { isPackKernel, registerWasmKernels, stockWasmKernel, WASM_KERNEL_PACK } from './wasm'
