/**
 * The WebGPU backend: @tensorflow/tfjs-backend-webgpu over dawn.node (the `webgpu` package). No CUDA and no
 * download: any vendor's GPU through Vulkan (Linux, Windows), Metal (macOS) or D3D12, and Mesa's software
 * rasterizer through Dawn's OpenGL ES compatibility mode on machines without a GPU.
 *
 * What tfjs-backend-webgpu cannot do alone in Node, and what this module adds:
 * - it registers only if `navigator.gpu` exists when imported, and asks for an adapter without options, so the
 *   adapter is chosen here (hardware first; software only when allowed) and the backend is registered with a
 *   factory that requests the adapter's full limits;
 * - its `readSync` needs an OffscreenCanvas: replaced by a synchronous map (syncRead.ts);
 * - device loss and out-of-memory are silent in WebGPU: they are caught and turned into one-line errors.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import {
  type AdapterRecord,
  describeAdapter,
  glibcProblem,
  hasGpuDeviceNode,
  hasVulkanDriver,
  hasVulkanLoader,
  isSoftwareAdapter,
  NO_VULKAN_LOADER,
} from './preflight'
import { registerWebGpuKernelFixes } from './kernels'
import { installDawnTickHook, readBufferSync, WebGpuDeviceLostError } from './syncRead'

export { type AdapterRecord, describeAdapter, isSoftwareAdapter } from './preflight'
export { WebGpuDeviceLostError } from './syncRead'

/** Allows a software adapter in automatic selection too (it is always allowed when webgpu is pinned). */
export const WEBGPU_SOFTWARE_ENV = 'HDARTS_WEBGPU_SOFTWARE'
/** Forces one Dawn backend API: vulkan, opengles, opengl, metal, d3d12. */
export const WEBGPU_API_ENV = 'HDARTS_WEBGPU_API'
/** Path of a dawn.node to load instead of the bundled/installed one. */
export const DAWN_NODE_ENV = 'HDARTS_DAWN_NODE'

export const WEBGPU_OUT_OF_MEMORY_MESSAGE = 'out of memory on the WebGPU device; lower batchSize or C'

// Minimal shapes of the WebGPU objects used here (dawn.node implements the W3C API).
interface GpuAdapterInfo {
  vendor: string
  architecture: string
  device: string
  description: string
  isFallbackAdapter?: boolean
}
interface GpuAdapter {
  info: GpuAdapterInfo
  features: Set<string>
  limits: Record<string, number>
  requestDevice(desc?: unknown): Promise<GpuDevice>
}
interface GpuDevice {
  lost: Promise<{ reason: string; message: string }>
  onuncapturederror: ((ev: { error: { message: string; constructor: { name: string } } }) => void) | null
  destroy(): void
}
interface Gpu {
  requestAdapter(options?: unknown): Promise<GpuAdapter | null>
}
interface Dawn {
  create(flags: string[]): Gpu
  globals: Record<string, unknown>
}

interface WebGpuState {
  gpu: Gpu
  adapter: GpuAdapter
  record: AdapterRecord
  device: GpuDevice | null
  lost: string | null
  oom: string | null
  /** The first validation/internal error (e.g. a kernel's shader failed to compile). */
  error: string | null
  version: string
}

// The live Dawn instance and adapter: dawn.node keeps the process alive while the instance is referenced,
// so only the chosen one is kept.
let current: WebGpuState | null = null

const nodeRequire = createRequire(import.meta.url)

/**
 * The package exports no version. Read from its package.json where node_modules exists; bundles (Electron's
 * externalised import cannot take a JSON import, the portable folder has no node_modules) use the pin, which
 * tests/engine/backends/webgpu/failures.test.ts checks against the installed package.
 */
export const WEBGPU_BACKEND_PIN = '4.22.0'
function backendVersion(): string {
  try {
    return (nodeRequire('@tensorflow/tfjs-backend-webgpu/package.json') as { version: string }).version
  } catch {
    return WEBGPU_BACKEND_PIN
  }
}

/** Where dawn.node is: $HDARTS_DAWN_NODE, next to a bundled build (dawn/<platform-arch>/), or the webgpu package. */
export function dawnNodePath(): string {
  const fromEnv = process.env[DAWN_NODE_ENV]
  if (fromEnv) return fromEnv
  const arch = process.platform === 'darwin' ? 'universal' : process.arch
  const platformDir = `${process.platform}-${arch}`
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'dawn', platformDir, 'dawn.node')
  if (existsSync(bundled)) return bundled
  const pkg = dirname(nodeRequire.resolve('webgpu/package.json'))
  return join(pkg, 'dist', platformDir, 'dawn.node')
}

function loadDawn(): Dawn {
  return nodeRequire(dawnNodePath()) as Dawn
}

interface Probe {
  flags: string[]
  api: string
  featureLevel: 'core' | 'compatibility'
}

/** Dawn configurations to try, best first: the platform default (Vulkan/Metal/D3D12), then OpenGL ES. */
function probes(env: NodeJS.ProcessEnv): Probe[] {
  const defaultApi = process.platform === 'darwin' ? 'metal' : process.platform === 'win32' ? 'd3d12' : 'vulkan'
  const forced = env[WEBGPU_API_ENV]
  const gles: Probe = { flags: ['backend=opengles'], api: 'opengles', featureLevel: 'compatibility' }
  if (forced === 'opengles' || forced === 'opengl') return [{ ...gles, flags: [`backend=${forced}`], api: forced }]
  if (forced) return [{ flags: [`backend=${forced}`], api: forced, featureLevel: 'core' }]
  // No Vulkan driver: skip asking (Dawn would only print "Found no drivers!" into the run's log).
  const list: Probe[] = hasVulkanDriver(env) ? [{ flags: [], api: defaultApi, featureLevel: 'core' }] : []
  if (process.platform === 'linux') list.push(gles)
  return list
}

async function probe(dawn: Dawn, p: Probe): Promise<{ gpu: Gpu; adapter: GpuAdapter; record: AdapterRecord } | null> {
  if (p.api.startsWith('opengl') && !process.env.EGL_PLATFORM && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    process.env.EGL_PLATFORM = 'surfaceless' // headless Mesa: no X or Wayland server to open
  const gpu = dawn.create(p.flags)
  const options = {
    powerPreference: 'high-performance',
    ...(p.featureLevel === 'compatibility' ? { featureLevel: 'compatibility' } : {}),
  }
  const adapter = await gpu.requestAdapter(options).catch(() => null)
  if (adapter == null) return null
  const info = adapter.info
  const record: AdapterRecord = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    backendApi: p.api,
    featureLevel: p.featureLevel,
    software: isSoftwareAdapter(info),
  }
  return { gpu, adapter, record }
}

export type WebGpuAttempt = { ok: true; adapter: AdapterRecord; version: string } | { ok: false; reason: string }

/**
 * Finds an adapter, registers the 'webgpu' backend on it and activates it. `allowSoftware`: take a CPU
 * rasterizer when no GPU is found (pinned backend, or $HDARTS_WEBGPU_SOFTWARE=1).
 */
export async function initWebGpu(allowSoftware: boolean, env: NodeJS.ProcessEnv = process.env): Promise<WebGpuAttempt> {
  if (current != null) {
    if (current.record.software && !allowSoftware) return { ok: false, reason: softwareOnly(current.record) }
    return activate(current)
  }
  const glibc = glibcProblem()
  if (glibc != null) return { ok: false, reason: glibc }
  // Automatic choice on a Linux box with no GPU device node: nothing to find, and probing makes Dawn print
  // Vulkan warnings into every run's log.
  if (!allowSoftware && !hasGpuDeviceNode()) return { ok: false, reason: 'no GPU device node (/dev/dri/renderD*, /dev/nvidia*)' }
  const found = await chooseAdapter(allowSoftware, env)
  if (!found.ok) return found
  const { dawn, chosen } = found
  const state: WebGpuState = { ...chosen, device: null, lost: null, oom: null, error: null, version: 'unknown' }
  try {
    await registerWebGpu(dawn, state)
  } catch (err) {
    return { ok: false, reason: `tfjs-backend-webgpu failed to load: ${firstLine(err)}` }
  }
  current = state
  return activate(state)
}

type Found = NonNullable<Awaited<ReturnType<typeof probe>>>

/**
 * The best adapter Dawn offers (a hardware one first; a software one only when allowed), or why there is none.
 * Exported for tests and scripts/gpu-check.sh; it registers nothing.
 */
export async function chooseAdapter(
  allowSoftware: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ok: true; dawn: Dawn; chosen: Found } | { ok: false; reason: string }> {
  installDawnTickHook() // before the instance exists, so every Dawn tick goes through it
  let dawn: Dawn
  try {
    dawn = loadDawn()
  } catch (err) {
    return { ok: false, reason: `dawn.node failed to load: ${firstLine(err)}` }
  }
  let software: Found | null = null
  for (const p of probes(env)) {
    const found = await probe(dawn, p)
    if (found == null) continue
    if (!found.record.software) return { ok: true, dawn, chosen: found }
    software ??= found
  }
  if (software != null)
    return allowSoftware ? { ok: true, dawn, chosen: software } : { ok: false, reason: softwareOnly(software.record) }
  const why = !hasVulkanLoader(env)
    ? NO_VULKAN_LOADER
    : !hasVulkanDriver(env)
      ? 'no WebGPU adapter: no Vulkan driver installed (no ICD in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d)'
      : 'no WebGPU adapter: Dawn found no GPU'
  return {
    ok: false,
    reason: `${why} (tried ${probes(env)
      .map((p) => p.api)
      .join(', ')})`,
  }
}

function softwareOnly(r: AdapterRecord): string {
  return `only a software adapter (${r.device}), slower than wasm; use --backend webgpu (or ${WEBGPU_SOFTWARE_ENV}=1) to run on it anyway`
}

async function activate(state: WebGpuState): Promise<WebGpuAttempt> {
  try {
    if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: "the 'webgpu' backend failed to initialise" }
  } catch (err) {
    return { ok: false, reason: `the 'webgpu' backend failed to initialise: ${firstLine(err)}` }
  }
  return { ok: true, adapter: state.record, version: state.version }
}

/** Limits the engine's big tensors need; tfjs requests only six, and compatibility defaults are low (4 storage buffers). */
const LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxBindGroups',
]

async function registerWebGpu(dawn: Dawn, state: WebGpuState): Promise<void> {
  const g = globalThis as Record<string, unknown>
  for (const [k, v] of Object.entries(dawn.globals)) if (g[k] === undefined) g[k] = v // GPUBufferUsage, GPUMapMode, …
  // tfjs-backend-webgpu checks navigator.gpu when imported and when the backend is constructed. Node 21+ has a
  // navigator; Node 20 has none.
  const gpu = { requestAdapter: async () => state.adapter }
  if (g.navigator == null) Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true, writable: true })
  else if ((g.navigator as { gpu?: unknown }).gpu == null)
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true })
  type Module = { WebGPUBackend: new (device: unknown, info: unknown) => tf.KernelBackend }
  const imported = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as Module & { default?: Module }
  const mod = imported.WebGPUBackend != null ? imported : imported.default! // a bundle wraps the CJS build
  state.version = backendVersion()
  patchReadSync(mod.WebGPUBackend.prototype as unknown as WebGpuBackendLike)
  registerWebGpuKernelFixes()
  if (tf.engine().registryFactory['webgpu'] != null) tf.removeBackend('webgpu')
  tf.registerBackend(
    'webgpu',
    async () => {
      const adapter = state.adapter
      const requiredLimits: Record<string, number> = {}
      for (const k of LIMITS) if (typeof adapter.limits[k] === 'number') requiredLimits[k] = adapter.limits[k]
      const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : []
      const device = await adapter.requestDevice({ requiredLimits, requiredFeatures })
      state.device = device
      state.lost = null
      state.oom = null
      state.error = null
      void device.lost.then((info) => {
        if (state.device === device) state.lost = info.message || info.reason || 'unknown reason'
      })
      device.onuncapturederror = (ev) => {
        const name = ev.error.constructor.name
        const m = ev.error.message
        if (
          name === 'GPUOutOfMemoryError' ||
          /out of memory|exceeds the max(imum)? (buffer )?size|maxBufferSize|maxStorageBufferBindingSize/i.test(m)
        )
          state.oom ??= m.split('\n')[0]!
        // Follow-ups of an error already reported (objects built from an invalid buffer) add nothing.
        else if (/invalid due to a previous error/i.test(m)) return
        // Any other error invalidates the whole submitted batch (its results are garbage): fail, don't train on it.
        else state.error ??= m.split('\n').find((l) => l.trim() !== '') ?? m
      }
      const backend = new mod.WebGPUBackend(device, adapter.info) as unknown as WebGpuBackendLike
      backend[STATE] = state
      return backend as unknown as tf.KernelBackend
    },
    1, // below wasm's 2: never chosen by tf's own priority, only by initBackend
  )
}

const STATE = Symbol.for('hdarts-studio.webgpu-state')

interface WebGpuBackendLike {
  [STATE]?: WebGpuState
  tensorMap: { get(id: object): { values: unknown; dtype: string; resource: { size: number } | null } }
  bufferManager: {
    acquireBuffer(size: number, usage: number): Parameters<typeof readBufferSync>[0]
    releaseBuffer(b: unknown): void
  }
  commandEncoder: { copyBufferToBuffer(a: unknown, ao: number, b: unknown, bo: number, size: number): void }
  ensureCommandEncoderReady(): void
  endComputePassEncoder(): void
  submitQueue(): void
  convertAndCacheOnCPU(id: object, data: unknown): unknown
  readSync(id: object): unknown
}

const PATCHED = Symbol.for('hdarts-studio.webgpu-readsync')

/** readSync through a synchronous map of a staging buffer, instead of the stock OffscreenCanvas path. */
function patchReadSync(proto: WebGpuBackendLike & { [PATCHED]?: true }): void {
  if (proto[PATCHED]) return
  const stock = proto.readSync
  proto.readSync = function (this: WebGpuBackendLike, dataId: object) {
    const data = this.tensorMap.get(dataId)
    const state = this[STATE]
    if (state?.lost != null) throw new WebGpuDeviceLostError(state.lost)
    if (data.values != null || data.dtype === 'string' || data.dtype === 'complex64' || data.resource == null || state == null)
      return stock.call(this, dataId)
    failIfBroken(state)
    const size = data.resource.size
    const usage = 0x0008 | 0x0001 // COPY_DST | MAP_READ
    const staging = this.bufferManager.acquireBuffer(size, usage)
    this.ensureCommandEncoderReady()
    this.endComputePassEncoder()
    this.commandEncoder.copyBufferToBuffer(data.resource, 0, staging, 0, size)
    this.submitQueue()
    let bytes: ArrayBuffer
    try {
      bytes = readBufferSync(staging, () => state.lost)
    } catch (err) {
      failIfBroken(state)
      throw err
    }
    this.bufferManager.releaseBuffer(staging)
    failIfBroken(state)
    const values = tf.util.convertBackendValuesAndArrayBuffer(bytes, data.dtype as tf.DataType)
    return this.convertAndCacheOnCPU(dataId, values)
  }
  proto[PATCHED] = true
}

/** Surfaces a device loss or an allocation failure seen since the last read (WebGPU reports both asynchronously). */
function failIfBroken(state: WebGpuState): void {
  // Sticky: later batches on this device were seen to read stale buffers (a sum of ones gave 0), so the
  // process must not train on after an OOM; the run fails with this line and resumes with smaller settings.
  if (state.oom != null) throw new Error(`${WEBGPU_OUT_OF_MEMORY_MESSAGE} (${state.oom})`)
  if (state.lost != null) throw new WebGpuDeviceLostError(state.lost)
  if (state.error != null) {
    const error = state.error
    state.error = null
    throw new Error(`WebGPU error (results of the last kernels are invalid): ${error}`)
  }
}

/** The adapter of the active WebGPU backend, if any. */
export function webGpuAdapter(): AdapterRecord | null {
  return current?.record ?? null
}

/** Test and fault-injection hook: loses the device as a driver reset would. */
export function loseWebGpuDevice(): boolean {
  if (current?.device == null) return false
  current.device.destroy()
  current.lost ??= 'device destroyed (simulated loss)'
  return true
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text
  return line.length > 240 ? `${line.slice(0, 237)}...` : line.trim()
}
