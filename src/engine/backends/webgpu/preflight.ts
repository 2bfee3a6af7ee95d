/**
 * Checks before dawn.node is loaded, and how an adapter is described — each failure becomes one line a user
 * can act on instead of a dlopen error or a silent `null` adapter.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'

/** dawn.node (webgpu 0.6.2, linux-x64) links against GLIBC_2.34 symbols (`objdump -T`). */
export const DAWN_MIN_GLIBC = '2.34'

/** The adapter as a run records it. */
export interface AdapterRecord {
  vendor: string
  architecture: string
  /** Dawn's device name, e.g. "NVIDIA GeForce RTX 4090" or "llvmpipe (LLVM 15.0.6, 256 bits)". */
  device: string
  /** Driver description, e.g. "NVIDIA: 550.54.14" or "OpenGL version OpenGL ES 3.2 Mesa 22.3.6". */
  description: string
  /** Dawn's backend API: vulkan, opengles, metal, d3d12. */
  backendApi: string
  /** 'core' or 'compatibility' (Dawn's OpenGL ES path). */
  featureLevel: 'core' | 'compatibility'
  /** A CPU rasterizer (llvmpipe, lavapipe, SwiftShader, WARP): correct, but slower than the wasm backend. */
  software: boolean
}

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|microsoft basic render|\bwarp\b/i

export function isSoftwareAdapter(info: { device?: string; description?: string; isFallbackAdapter?: boolean }): boolean {
  return info.isFallbackAdapter === true || SOFTWARE.test(`${info.device ?? ''} ${info.description ?? ''}`)
}

/** One line: "NVIDIA GeForce RTX 4090 (nvidia ada-lovelace; vulkan; NVIDIA: 550.54)". */
export function describeAdapter(a: AdapterRecord): string {
  const who = [a.vendor, a.architecture].filter((s) => s !== '').join(' ')
  const level = a.featureLevel === 'compatibility' ? ' compatibility mode' : ''
  const kind = a.software ? 'software adapter: ' : ''
  return `${kind}${a.device || 'unnamed adapter'} (${who === '' ? '' : `${who}; `}${a.backendApi}${level}; ${a.description})`
}

/** Compares dotted versions numerically ("2.9" < "2.34"). */
export function versionAtLeast(have: string, need: string): boolean {
  const h = have.split('.').map(Number)
  const n = need.split('.').map(Number)
  for (let i = 0; i < Math.max(h.length, n.length); i++) {
    const a = h[i] ?? 0
    const b = n[i] ?? 0
    if (a !== b) return a > b
  }
  return true
}

/** The running glibc version on Linux, null elsewhere (or on musl). */
export function glibcVersion(): string | null {
  if (process.platform !== 'linux') return null
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
  return header?.glibcVersionRuntime ?? null
}

/** Why dawn.node cannot load on this glibc, or null. */
export function glibcProblem(version: string | null = glibcVersion()): string | null {
  if (process.platform !== 'linux' || version == null || versionAtLeast(version, DAWN_MIN_GLIBC)) return null
  return `dawn.node needs glibc ≥ ${DAWN_MIN_GLIBC}, this system has ${version} (RHEL/Rocky 8 and older); use a newer OS image or the wasm backend`
}

const LIB_DIRS = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib64',
  '/usr/lib64',
  '/usr/lib',
  '/lib',
  '/usr/local/lib',
]

/**
 * Whether the Vulkan loader (libvulkan.so.1, which dawn.node dlopens) can be found: LD_LIBRARY_PATH, the
 * ld.so cache, then the usual folders. Linux only; elsewhere Dawn uses Metal/D3D12 and this returns true.
 */
export function hasVulkanLoader(env: NodeJS.ProcessEnv = process.env, exists = existsSync, cache = readLdCache): boolean {
  if (process.platform !== 'linux') return true
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LIB_DIRS]
  if (dirs.some((d) => exists(`${d}/libvulkan.so.1`))) return true
  return cache().includes('libvulkan.so.1')
}

function readLdCache(): string {
  try {
    return readFileSync('/etc/ld.so.cache', 'latin1')
  } catch {
    return ''
  }
}

export const NO_VULKAN_LOADER =
  "no Vulkan loader (libvulkan.so.1): install the GPU driver's Vulkan support (Debian/Ubuntu: libvulkan1; RHEL: vulkan-loader)"

/** Linux: whether any GPU is visible as a device node (DRM render node or NVIDIA's). Elsewhere: true. */
export function hasGpuDeviceNode(list: (dir: string) => string[] = safeList): boolean {
  if (process.platform !== 'linux') return true
  return list('/dev/dri').some((f) => f.startsWith('renderD')) || list('/dev').some((f) => /^nvidia\d+$/.test(f))
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/etc/vulkan/icd.d']

/**
 * Linux: whether any Vulkan driver is installed (an ICD manifest, or VK_ICD_FILENAMES/VK_DRIVER_FILES set).
 * Without one the loader finds nothing, and asking Dawn anyway only prints "vkCreateInstance: Found no
 * drivers!" into the run's log. Elsewhere: true.
 */
export function hasVulkanDriver(env: NodeJS.ProcessEnv = process.env, list: (dir: string) => string[] = safeList): boolean {
  if (process.platform !== 'linux') return true
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || env.VK_ADD_DRIVER_FILES) return true
  return ICD_DIRS.some((d) => list(d).some((f) => f.endsWith('.json')))
}
