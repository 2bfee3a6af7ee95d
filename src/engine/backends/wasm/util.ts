/**
 * Plumbing shared by the wasm kernel pack: calling stock wasm kernels from inside a kernel, and owning
 * their intermediate outputs so that every path (including a throw) frees them.
 *
 * Kernels here call other kernels' `kernelFunc` directly on the backend instead of `engine().runKernel`:
 * that skips the engine's bookkeeping (tensor tracking, profiling, the tape) and keeps every intermediate a
 * plain backend buffer that only this code references.
 */
import {
  getKernel,
  type DataType,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core'

/**
 * The part of tfjs-backend-wasm's `BackendWasm` this pack uses. Declared here because the package's own
 * typings need @types/emscripten for `wasm`, which the project does not install.
 */
export interface WasmBackend {
  wasm: { HEAPU8: Uint8Array }
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number, values?: Float32Array): TensorInfo
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array
  disposeData(dataId: object, force?: boolean): boolean
  readSync(dataId: object): ArrayLike<number>
  numDataIds(): number
}

export type KernelArgs = Parameters<KernelFunc>[0]

export const asWasm = (backend: unknown): WasmBackend => backend as WasmBackend

/** The TensorInfo of a single-output kernel call (all kernels used here have one output). */
function single(out: TensorInfo | TensorInfo[]): TensorInfo {
  if (Array.isArray(out)) throw new Error('wasm kernel pack: expected a single-output kernel')
  return out
}

/** Intermediates of one kernel invocation; `withScratch` frees all of them except the result. */
export class Scratch {
  private readonly owned: TensorInfo[] = []
  constructor(readonly backend: WasmBackend) {}

  /** Runs the currently registered wasm kernel `kernelName` and owns its output. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, 'wasm')
    if (kernel == null) throw new Error(`wasm kernel pack: kernel '${kernelName}' is not registered for wasm`)
    return this.call(kernel, inputs, attrs)
  }

  /** Runs a specific kernel config (e.g. the stock kernel an override replaced) and owns its output. */
  call(kernel: KernelConfig, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    return this.adopt(single(kernel.kernelFunc({ inputs, attrs, backend: this.backend })))
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape })
  }

  /**
   * A fresh float32 buffer on the wasm heap. Its contents are whatever malloc returned unless `zero`.
   * Take views with `view()` only after the last allocation of a step: growing the heap detaches earlier
   * views, and writes through a detached view are silently dropped.
   */
  alloc(shape: number[], zero = false): TensorInfo {
    const out = this.adopt(this.backend.makeOutput(shape, 'float32'))
    if (zero) this.view(out).fill(0)
    return out
  }

  scalar(value: number): TensorInfo {
    return this.adopt(this.backend.makeOutput([], 'float32', undefined, Float32Array.of(value)))
  }

  view(info: TensorInfo): Float32Array {
    const a = this.backend.typedArrayFromHeap(info)
    if (!(a instanceof Float32Array)) throw new Error(`wasm kernel pack: expected float32, got ${info.dtype}`)
    return a
  }

  adopt(info: TensorInfo): TensorInfo {
    this.owned.push(info)
    return info
  }

  /** Frees every owned intermediate except `keep` (which stay owned, so a throw later still frees them). */
  release(...keep: (TensorInfo | undefined)[]): void {
    const kept = this.owned.filter((info) => keep.includes(info))
    for (const info of this.owned) if (!kept.includes(info)) this.backend.disposeData(info.dataId)
    this.owned.splice(0, this.owned.length, ...kept)
  }
}

/** Runs `body` with a scratch scope; the returned TensorInfo survives (the engine takes ownership). */
export function withScratch(backend: unknown, body: (s: Scratch) => TensorInfo): TensorInfo {
  const s = new Scratch(asWasm(backend))
  let result: TensorInfo | undefined
  try {
    result = body(s)
    return result
  } finally {
    // On success the result's buffer now belongs to the engine; on a throw `result` is undefined and all go.
    s.release(result)
  }
}

/** [top, bottom, left, right] → the NHWC explicit-padding attribute of the conv kernels. */
export function explicitPad(top: number, bottom: number, left: number, right: number): number[][] {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]
}

export const shape4 = (info: TensorInfo): [number, number, number, number] => {
  const [a = 1, b = 1, c = 1, d = 1] = info.shape
  if (info.shape.length !== 4) throw new Error(`wasm kernel pack: expected a rank-4 tensor, got shape [${info.shape}]`)
  return [a, b, c, d]
}

/** Reads the one input a kernel cannot work without, with a clear message instead of a TypeError. */
export function input(inputs: NamedTensorInfoMap, name: string, kernelName: string): TensorInfo {
  const t = inputs[name]
  if (t == null) throw new Error(`${kernelName}: missing input '${name}'`)
  return t
}
