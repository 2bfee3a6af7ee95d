/**
 * Fixes to tfjs-backend-webgpu 4.22 kernels the engine hits. Tagged with a global symbol, like the wasm pack,
 * so a second copy of this module never wraps its own wrapper.
 *
 * - AddN binds every input as a storage buffer in one shader; with more inputs than the device allows per
 *   stage (16 on many GPUs and in Dawn's compatibility mode) the shader is invalid and the whole submitted
 *   batch is dropped. The gradient-norm clip sums one scalar per weight tensor (~50–300), so AddN is split
 *   into chunks here, summed as a tree.
 */
import {
  AddN,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core'

const FIX = Symbol.for('hdarts-studio.webgpu-kernel-fix')

type Fixed = KernelConfig & { [FIX]: true }

interface BackendWithLimits {
  device: { limits: { maxStorageBuffersPerShaderStage: number } }
  disposeData(dataId: object): boolean
}

/** Registers the fixes for the 'webgpu' backend (its kernels must be registered already). Idempotent. */
export function registerWebGpuKernelFixes(): string[] {
  const stock = getKernel(AddN, 'webgpu')
  if (stock == null || FIX in stock) return []
  const stockFunc = stock.kernelFunc
  const kernelFunc: KernelFunc = (args) => {
    const inputs = args.inputs as unknown as TensorInfo[]
    const backend = args.backend as unknown as BackendWithLimits
    const chunk = Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1) // one binding is the output
    if (inputs.length <= chunk) return stockFunc(args)
    let level: TensorInfo[] = inputs
    const intermediates: TensorInfo[] = []
    while (level.length > chunk) {
      const next: TensorInfo[] = []
      for (let i = 0; i < level.length; i += chunk) {
        const part = level.slice(i, i + chunk)
        const sum = part.length === 1 ? part[0]! : (stockFunc({ ...args, inputs: part as never }) as TensorInfo)
        if (part.length > 1) intermediates.push(sum)
        next.push(sum)
      }
      level = next
    }
    const out = stockFunc({ ...args, inputs: level as never }) as TensorInfo
    for (const t of intermediates) backend.disposeData(t.dataId)
    return out
  }
  unregisterKernel(AddN, 'webgpu')
  registerKernel({ kernelName: AddN, backendName: 'webgpu', kernelFunc, [FIX]: true } as Fixed)
  return [AddN]
}
