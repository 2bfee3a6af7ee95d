// Backend selection on this machine: tfjs-node(-gpu) cannot install offline and there is no GPU for WebGPU (only
// Mesa's software rasterizer, which automatic selection never takes), so the default is wasm.
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, expect, it } from 'vitest'
import { BACKEND_NAMES, type BackendPin, describeBackend, initBackend } from '../../../src/engine/backends/init'
import { isPackKernel } from '../../../src/engine/backends/wasm'

afterAll(async () => {
  await initBackend('wasm')
})

describe('initBackend', () => {
  it('picks wasm with the kernel pack, saying why the native packages were skipped', async () => {
    const info = await initBackend()
    expect(info).toMatchObject({ name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0' })
    expect(tf.getBackend()).toBe('wasm')
    expect(info.fallbacks).toHaveLength(3)
    expect(info.fallbacks[0]).toMatch(/^@tensorflow\/tfjs-node-gpu: not installed/)
    expect(info.fallbacks[1]).toMatch(
      /^@tensorflow\/tfjs-backend-webgpu: (no GPU device node|only a software adapter|no WebGPU adapter)/,
    )
    expect(info.fallbacks[2]).toMatch(/^@tensorflow\/tfjs-node: not installed/)
    expect(info.device).toMatch(/\d+ cores?; wasm SIMD (on|off), threads off/)
    expect(isPackKernel('Conv2DBackpropFilter')).toBe(true)
    const line = describeBackend(info)
    expect(line).not.toContain('\n')
    expect(line).toMatch(
      /^wasm \(@tensorflow\/tfjs-backend-wasm 4\.22\.0\) on .*skipped @tensorflow\/tfjs-node-gpu: not installed/,
    )
  })

  it('is idempotent', async () => {
    const a = await initBackend()
    const b = await initBackend()
    expect(b).toEqual(a)
    expect(tf.getBackend()).toBe('wasm')
  })

  it('pins cpu', async () => {
    const info = await initBackend('cpu')
    expect(info).toMatchObject({ name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', version: '4.22.0', fallbacks: [] })
    expect(tf.getBackend()).toBe('cpu')
    expect((await initBackend('wasm')).name).toBe('wasm')
  })

  it.each(['tensorflow', 'tensorflow-gpu'] as const)('fails a pinned %s with a one-line reason', async (pin) => {
    const err = await initBackend(pin).then(
      () => null,
      (e: unknown) => e as Error,
    )
    expect(err).toBeInstanceOf(Error)
    expect(err!.message).not.toContain('\n')
    expect(err!.message).toMatch(new RegExp(`^backend '${pin}' is unavailable: @tensorflow/tfjs-node(-gpu)?: not installed`))
    expect(tf.getBackend()).toBe('wasm')
  })

  it('records a half-installed native package as a load failure and falls through', async () => {
    // What `npm ci --ignore-scripts` leaves behind (TOOLCHAIN.md §2): the package without its native addon.
    const load = (id: string): unknown => {
      if (id === '@tensorflow/tfjs-node-gpu') {
        throw new Error(
          'The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/lib/napi-v8/tfjs_binding.node. \nPlease run command ...',
        )
      }
      throw Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- /x`), { code: 'MODULE_NOT_FOUND' })
    }
    const info = await initBackend(undefined, { load })
    expect(info.name).toBe('wasm')
    expect(info.fallbacks[0]).toBe(
      '@tensorflow/tfjs-node-gpu: installed but failed to load: The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/lib/napi-v8/tfjs_binding.node.',
    )
    expect(info.fallbacks[2]).toMatch(/^@tensorflow\/tfjs-node: not installed/)
  })

  it('rejects an unknown pin', async () => {
    await expect(initBackend('webgl' as BackendPin)).rejects.toThrow(/unknown backend 'webgl'/)
    expect(BACKEND_NAMES).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'])
  })
})
