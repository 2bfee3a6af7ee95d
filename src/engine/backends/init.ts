/**
 * Picks the TF.js backend for this process (DESIGN.md §4): tfjs-node-gpu → WebGPU on a hardware adapter →
 * tfjs-node → wasm (with this project's kernel pack) → cpu, or exactly the one a user pinned (a pinned
 * webgpu also takes a software adapter). Returns what was chosen and why the
 * earlier candidates were skipped, so runs can record it and the UI can show it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus } from 'node:os'
import * as tf from '@tensorflow/tfjs-core'
// tfjs-core's Node build registers no gradients; the umbrella package's Node bundle registers all of them
// (and the cpu backend). Without this import every tf.grad fails with "gradient function not found".
import '@tensorflow/tfjs'
import { version_cpu } from '@tensorflow/tfjs-backend-cpu'
import { getThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm'
import { BACKEND_NAMES } from '../../core/config/search'
import { setDilatedDepthwiseGrad } from '../ops/conv'
import { guardWasmHeap } from './memory'
import { type AdapterRecord, describeAdapter, initWebGpu, WEBGPU_SOFTWARE_ENV } from './webgpu'
import { registerWasmKernels } from './wasm'
import { wasmDilatedDepthwiseGrad } from './wasm/dilatedDepthwiseGrad'

// The worker imports backend selection and OOM handling from one place.
export { describeOutOfMemory, isOutOfMemoryError, WASM_OUT_OF_MEMORY_MESSAGE, wasmHeapBytes } from './memory'

export { BACKEND_NAMES }
export type BackendPin = (typeof BACKEND_NAMES)[number]

export interface BackendInfo {
  /** The TF.js backend name (`tf.getBackend()`): 'tensorflow' for both native packages. */
  name: string
  /** The npm package that provided it. */
  package: string
  version: string
  /** GPU name, or CPU model and core count; for wasm also SIMD and threads. */
  device: string
  /** `package: reason` for each earlier candidate that was skipped. */
  fallbacks: string[]
  /** WebGPU only: the adapter (vendor, architecture, driver, Dawn backend API, software or not). */
  adapter?: AdapterRecord
}

export interface InitOptions {
  /** Replaces `require` for the native packages (tests simulate absent or half-installed packages). */
  load?: (id: string) => unknown
}

interface Candidate {
  pin: BackendPin
  pkg: string
}

const CANDIDATES: readonly Candidate[] = [
  { pin: 'tensorflow-gpu', pkg: '@tensorflow/tfjs-node-gpu' },
  { pin: 'webgpu', pkg: '@tensorflow/tfjs-backend-webgpu' },
  { pin: 'tensorflow', pkg: '@tensorflow/tfjs-node' },
  { pin: 'wasm', pkg: '@tensorflow/tfjs-backend-wasm' },
  { pin: 'cpu', pkg: '@tensorflow/tfjs-backend-cpu' },
]

type Attempt = { ok: true; info: Omit<BackendInfo, 'fallbacks'> } | { ok: false; reason: string }

// A real require with the name in a variable: bundlers leave it alone, and unlike require.resolve it
// notices half-installed packages (TOOLCHAIN.md §2).
const nodeRequire = createRequire(import.meta.url)

// One require per package per process and loader: a failing tfjs-node require re-registers ~155 kernels
// (with a warning each) on every attempt, so later calls reuse the first outcome.
const loads = new WeakMap<(id: string) => unknown, Map<string, { module: unknown } | { reason: string }>>()

/**
 * Initialises and activates a backend. Idempotent: calling again re-activates the same choice (or the new
 * pin) without reloading anything. A pinned backend that cannot load throws with a one-line reason.
 */
export async function initBackend(pin?: BackendPin, options: InitOptions = {}): Promise<BackendInfo> {
  if (pin != null && !BACKEND_NAMES.includes(pin)) {
    throw new Error(`unknown backend '${String(pin)}' (expected one of: ${BACKEND_NAMES.join(', ')})`)
  }
  const load = options.load ?? nodeRequire
  const fallbacks: string[] = []
  for (const c of CANDIDATES) {
    if (pin != null && c.pin !== pin) continue
    const attempt = await tryCandidate(c, load, pin != null)
    if (attempt.ok) return { ...attempt.info, fallbacks }
    fallbacks.push(`${c.pkg}: ${attempt.reason}`)
  }
  if (pin != null) throw new Error(`backend '${pin}' is unavailable: ${fallbacks[0] ?? 'unknown reason'}`)
  throw new Error(`no TF.js backend could be initialised: ${fallbacks.join('; ')}`)
}

/** One line for logs and the run header. */
export function describeBackend(info: BackendInfo): string {
  const skipped = info.fallbacks.length === 0 ? '' : ` [skipped ${info.fallbacks.join('; ')}]`
  return `${info.name} (${info.package} ${info.version}) on ${info.device}${skipped}`
}

function tryCandidate(c: Candidate, load: (id: string) => unknown, pinned: boolean): Promise<Attempt> {
  if (c.pin === 'webgpu') return tryWebGpu(pinned || process.env[WEBGPU_SOFTWARE_ENV] === '1')
  if (c.pin === 'wasm') return tryWasm()
  if (c.pin === 'cpu') return tryCpu()
  return tryNative(c, load)
}

async function activate(name: string): Promise<string | null> {
  try {
    return (await tf.setBackend(name)) ? null : `the '${name}' backend failed to initialise`
  } catch (err) {
    return `the '${name}' backend failed to initialise: ${firstLine(err)}`
  }
}

async function tryNative(c: Candidate, load: (id: string) => unknown): Promise<Attempt> {
  let perLoader = loads.get(load)
  if (perLoader == null) loads.set(load, (perLoader = new Map()))
  let loaded = perLoader.get(c.pkg)
  if (loaded == null) {
    try {
      loaded = { module: load(c.pkg) }
    } catch (err) {
      loaded = { reason: loadFailure(c.pkg, err) }
    }
    perLoader.set(c.pkg, loaded)
  }
  if ('reason' in loaded) return { ok: false, reason: loaded.reason }
  if (tf.engine().registryFactory['tensorflow'] == null)
    return { ok: false, reason: "loaded but registered no 'tensorflow' backend" }
  const failed = await activate('tensorflow')
  if (failed != null) return { ok: false, reason: failed }
  const device = c.pin === 'tensorflow-gpu' ? gpuDevice() : cpuDevice()
  return { ok: true, info: { name: tf.getBackend(), package: c.pkg, version: packageVersion(c.pkg, load), device } }
}

async function tryWebGpu(allowSoftware: boolean): Promise<Attempt> {
  const attempt = await initWebGpu(allowSoftware)
  if (!attempt.ok) return attempt
  const a = attempt.adapter
  const device = a.software ? `${describeAdapter(a)}; CPU: ${cpuDevice()}` : describeAdapter(a)
  return {
    ok: true,
    info: { name: 'webgpu', package: '@tensorflow/tfjs-backend-webgpu', version: attempt.version, device, adapter: a },
  }
}

async function tryWasm(): Promise<Attempt> {
  try {
    registerWasmKernels()
  } catch (err) {
    return { ok: false, reason: `kernel pack failed to register: ${firstLine(err)}` }
  }
  const failed = await activate('wasm')
  if (failed != null) return { ok: false, reason: `${failed} (are the .wasm files next to the package's dist/?)` }
  guardWasmHeap()
  setDilatedDepthwiseGrad('wasm', wasmDilatedDepthwiseGrad)
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
  const threads = getThreadsCount()
  const threading =
    threads > 1 ? `${threads} threads` : tf.env().getBool('IS_NODE') ? 'threads off (wasm has none in Node)' : 'threads off'
  const device = `${cpuDevice()}; wasm SIMD ${simd ? 'on' : 'off'}, ${threading}`
  return { ok: true, info: { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: version_wasm, device } }
}

async function tryCpu(): Promise<Attempt> {
  const failed = await activate('cpu')
  if (failed != null) return { ok: false, reason: failed }
  const device = `${cpuDevice()}; pure JavaScript, 1 thread`
  return { ok: true, info: { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', version: version_cpu, device } }
}

function loadFailure(pkg: string, err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null
  // MODULE_NOT_FOUND for the package itself means absent; for one of its dependencies, half-installed.
  if (e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(`'${pkg}'`)) {
    return 'not installed (optional dependency; its install downloads libtensorflow and fails offline)'
  }
  return `installed but failed to load: ${firstLine(err)}`
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text
  return line.length > 240 ? `${line.slice(0, 237)}...` : line.trim()
}

function packageVersion(pkg: string, load: (id: string) => unknown): string {
  try {
    const meta = load(`${pkg}/package.json`) as { version?: unknown }
    return typeof meta.version === 'string' ? meta.version : 'unknown'
  } catch {
    return 'unknown'
  }
}

function cpuDevice(): string {
  const list = cpus()
  const model = list[0]?.model.replace(/\s+/g, ' ').trim() || 'unknown CPU'
  return `${model}, ${list.length} core${list.length === 1 ? '' : 's'}`
}

/** tfjs-node-gpu exposes whether TF found a GPU, not which one; NVIDIA's driver names it under /proc. */
function gpuDevice(): string {
  const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean | (() => boolean) }
  const flag = backend.isUsingGpuDevice
  const usingGpu = typeof flag === 'function' ? flag.call(backend) : flag
  if (usingGpu === false) return `no CUDA device visible to libtensorflow, running on CPU: ${cpuDevice()}`
  const names = nvidiaGpuNames()
  return names.length > 0 ? `GPU: ${names.join(', ')}` : 'CUDA GPU (name unavailable)'
}

function nvidiaGpuNames(): string[] {
  const root = '/proc/driver/nvidia/gpus'
  try {
    return readdirSync(root).flatMap((bus) => {
      const model = /^Model:\s*(.+)$/m.exec(readFileSync(`${root}/${bus}/information`, 'utf8'))
      return model?.[1] != null ? [model[1].trim()] : []
    })
  } catch {
    return []
  }
}
