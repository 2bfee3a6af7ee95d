/**
 * The project's wasm kernel pack (REPORT §5.3): the three backprop kernels tfjs-backend-wasm 4.22 lacks, and
 * overrides of two stock kernels (one slow, one wrong). Register it before the first wasm gradient.
 *
 * Registration is tagged with a global symbol rather than a module flag: test runners and bundles can load
 * this module more than once against one (global) TF.js kernel registry, and an override must always keep the
 * real stock kernel, never a previous copy of itself.
 */
import {
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  getKernel,
  type KernelConfig,
  MaxPoolGrad,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { BN_GRAD_KERNEL, BN_TRAIN_KERNEL } from '../../ops/batchNorm'
import { bnGradConfig, bnTrainConfig } from './batchNorm'
import { conv2DBackpropFilter } from './conv2dBackpropFilter'
import { makeConv2DBackpropInput } from './conv2dBackpropInput'
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwiseBackpropFilter'
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwiseBackpropInput'
import { makeMaxPoolGrad } from './maxPoolGrad'

const PACK = Symbol.for('hdarts-studio.wasm-kernel-pack')

interface PackedConfig extends KernelConfig {
  [PACK]: { stock: KernelConfig | undefined }
}

const isPacked = (k: KernelConfig | undefined): k is PackedConfig => k != null && PACK in k

/** What each entry of the pack does, for logs and docs. */
export const WASM_KERNEL_PACK: ReadonlyArray<{ kernelName: string; kind: 'added' | 'override'; why: string }> = [
  { kernelName: Conv2DBackpropFilter, kind: 'added', why: 'missing on wasm (conv2d weight gradient)' },
  { kernelName: DepthwiseConv2dNativeBackpropInput, kind: 'added', why: 'missing on wasm; honours dilations' },
  { kernelName: DepthwiseConv2dNativeBackpropFilter, kind: 'added', why: 'missing on wasm; honours dilations' },
  { kernelName: Conv2DBackpropInput, kind: 'override', why: '1×1 filters via XNNPack, 12× the stock scalar loop' },
  { kernelName: MaxPoolGrad, kind: 'override', why: 'stock routes all-negative windows to the wrong element' },
  { kernelName: BN_TRAIN_KERNEL, kind: 'added', why: 'train-mode BN forward in one kernel instead of ~9' },
  { kernelName: BN_GRAD_KERNEL, kind: 'added', why: 'train-mode BN backward in one kernel instead of ~11' },
]

const FACTORIES: Record<string, (stock: KernelConfig | undefined) => KernelConfig> = {
  [Conv2DBackpropFilter]: () => ({ kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2DBackpropFilter }),
  [DepthwiseConv2dNativeBackpropInput]: () => depthwiseConv2dNativeBackpropInputConfig,
  [DepthwiseConv2dNativeBackpropFilter]: () => depthwiseConv2dNativeBackpropFilterConfig,
  [Conv2DBackpropInput]: makeConv2DBackpropInput,
  [MaxPoolGrad]: makeMaxPoolGrad,
  [BN_TRAIN_KERNEL]: () => bnTrainConfig,
  [BN_GRAD_KERNEL]: () => bnGradConfig,
}

/** Registers the pack for the 'wasm' backend. Idempotent; returns the kernels it newly installed. */
export function registerWasmKernels(): string[] {
  const installed: string[] = []
  for (const { kernelName } of WASM_KERNEL_PACK) {
    const current = getKernel(kernelName, 'wasm')
    if (isPacked(current)) continue
    const make = FACTORIES[kernelName]
    if (make == null) throw new Error(`wasm kernel pack: no factory for ${kernelName}`)
    const config: PackedConfig = { ...make(current), [PACK]: { stock: current } }
    if (current != null) unregisterKernel(kernelName, 'wasm')
    registerKernel(config)
    installed.push(kernelName)
  }
  return installed
}

/** True when `kernelName` on wasm is this pack's kernel (not stock, not missing). */
export function isPackKernel(kernelName: string): boolean {
  return isPacked(getKernel(kernelName, 'wasm'))
}

/** The stock wasm kernel an override replaced (undefined for kernels wasm never had). For tests and benchmarks. */
export function stockWasmKernel(kernelName: string): KernelConfig | undefined {
  const current = getKernel(kernelName, 'wasm')
  return isPacked(current) ? current[PACK].stock : current
}
