// The WebGPU failures a user can meet, each as one line: glibc too old, no Vulkan loader, no adapter, only a
// software adapter in automatic mode, an allocation over the device's limits (OOM), and a lost device.
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/engine/backends/init'
import {
  chooseAdapter,
  initWebGpu,
  loseWebGpuDevice,
  WEBGPU_API_ENV,
  WEBGPU_BACKEND_PIN,
  WebGpuDeviceLostError,
} from '../../../../src/engine/backends/webgpu'
import {
  glibcProblem,
  hasGpuDeviceNode,
  hasVulkanDriver,
  hasVulkanLoader,
  isSoftwareAdapter,
  versionAtLeast,
} from '../../../../src/engine/backends/webgpu/preflight'
import { isOutOfMemoryError } from '../../../../src/engine/backends/memory'
import { webGpuUnavailable } from './helpers'

describe('WebGPU preflight checks (no GPU needed)', () => {
  it('glibc older than 2.34 (RHEL/Rocky 8 has 2.28) is refused with one line', () => {
    expect(versionAtLeast('2.36', '2.34')).toBe(true)
    expect(versionAtLeast('2.9', '2.34')).toBe(false)
    if (process.platform === 'linux') {
      expect(glibcProblem('2.28')).toMatch(/^dawn\.node needs glibc ≥ 2\.34, this system has 2\.28 .*wasm backend$/)
      expect(glibcProblem('2.34')).toBeNull()
    }
  })

  it.runIf(process.platform === 'linux')('finds or misses the Vulkan loader and GPU device nodes', () => {
    const none = () => false
    expect(hasVulkanLoader({}, none, () => '')).toBe(false)
    expect(
      hasVulkanLoader(
        { LD_LIBRARY_PATH: '/opt/v' },
        (p) => p === '/opt/v/libvulkan.so.1',
        () => '',
      ),
    ).toBe(true)
    expect(hasVulkanLoader({}, none, () => 'libc.so.6\0libvulkan.so.1\0')).toBe(true)
    expect(hasVulkanDriver({}, () => [])).toBe(false)
    expect(hasVulkanDriver({}, (d) => (d === '/usr/share/vulkan/icd.d' ? ['nvidia_icd.json'] : []))).toBe(true)
    expect(hasVulkanDriver({ VK_ICD_FILENAMES: '/x/lvp_icd.json' }, () => [])).toBe(true)
    expect(hasGpuDeviceNode(() => [])).toBe(false)
    expect(hasGpuDeviceNode((d) => (d === '/dev/dri' ? ['card0', 'renderD128'] : []))).toBe(true)
    expect(hasGpuDeviceNode((d) => (d === '/dev' ? ['nvidia0', 'nvidiactl'] : []))).toBe(true)
  })

  it('the version bundles report is the installed (pinned) tfjs-backend-webgpu', async () => {
    const pkg = (await import('@tensorflow/tfjs-backend-webgpu/package.json', { with: { type: 'json' } })).default
    expect(WEBGPU_BACKEND_PIN).toBe(pkg.version)
  })

  it('tells software rasterizers from GPUs', () => {
    expect(isSoftwareAdapter({ device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true)
    expect(isSoftwareAdapter({ device: 'SwiftShader Device (Subzero)' })).toBe(true)
    expect(isSoftwareAdapter({ device: 'x', isFallbackAdapter: true })).toBe(true)
    expect(isSoftwareAdapter({ device: 'NVIDIA GeForce RTX 4090', description: 'NVIDIA: 550.54.14' })).toBe(false)
  })
})

const reason = await webGpuUnavailable()
if (reason != null) console.warn(`[skip] WebGPU failure cases that need an adapter: ${reason}`)

describe.skipIf(reason != null)('WebGPU failures on a live adapter', () => {
  it('an adapter that Dawn cannot find is one line naming what was tried', async () => {
    // Vulkan only: on a machine without a Vulkan driver (this CI: Mesa's lavapipe is not installed) Dawn finds
    // nothing; on one with a Vulkan GPU there is nothing to check.
    const found = await chooseAdapter(true, { [WEBGPU_API_ENV]: 'vulkan' })
    if (found.ok) console.warn('[skip] no-adapter message: this machine has a Vulkan adapter')
    else
      expect(found.reason).toMatch(
        /^(no WebGPU adapter: (Dawn found no GPU|no Vulkan driver installed .*)|no Vulkan loader .*) \(tried vulkan\)$/,
      )
  })

  it('a software adapter is not taken automatically', async () => {
    const auto = await initWebGpu(false)
    const record = (await initBackend('webgpu')).adapter!
    if (record.software)
      expect(auto).toEqual({
        ok: false,
        reason: expect.stringMatching(/^only a software adapter \(.+\), slower than wasm; use --backend webgpu/),
      })
    await tf.setBackend('cpu')
  })

  it('a tensor over the device limits fails with the setting to lower (OOM), and every later read too', async () => {
    await initBackend('webgpu')
    const limit = (tf.backend() as unknown as { device: { limits: { maxBufferSize: number } } }).device.limits.maxBufferSize
    let error: unknown = null
    try {
      tf.tidy(() => tf.sum(tf.add(tf.fill([Math.floor(limit / 4) + 1024], 1), 1)).dataSync())
    } catch (err) {
      error = err
    }
    expect(String(error)).toMatch(/out of memory on the WebGPU device/)
    expect(isOutOfMemoryError(error)).toBe(true)
    expect(String((error as Error).message)).toMatch(/^out of memory on the WebGPU device; lower batchSize or C \(/)
    expect(() => tf.tidy(() => tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])).dataSync())).toThrow(
      /^out of memory on the WebGPU device/,
    )
  }, 120_000)

  it('a lost device fails the next read with WebGpuDeviceLostError and its reason', async () => {
    await initBackend('webgpu')
    const x = tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]))) // GPU-resident
    expect(loseWebGpuDevice()).toBe(true)
    expect(() => tf.tidy(() => tf.sum(tf.add(x, 1)).dataSync())).toThrow(WebGpuDeviceLostError)
    expect(() => x.dataSync()).toThrow(/^WebGPU device lost: /)
  })
})
