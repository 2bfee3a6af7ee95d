/**
 * Synchronous GPU → CPU reads on WebGPU in Node. The engine reads scalars with `dataSync()` (losses, norms,
 * top-k masks), and tfjs-backend-webgpu's `readSync` needs an OffscreenCanvas, which Node lacks.
 *
 * Why this works: dawn.node completes `mapAsync` only inside `instance.ProcessEvents()`, which it schedules by
 * calling the global `setImmediate` with a native tick function while any request is pending (AsyncRunner).
 * `installDawnTickHook` routes those calls through a wrapper that remembers the latest tick, so `pumpUntil`
 * can run it on the spot — the map completes in the same JS turn, without a nested event loop. Every tick still
 * runs at most once, so Dawn's own scheduling is unchanged.
 */

interface Tick {
  fn: () => void
  done: boolean
}

const HOOK = Symbol.for('hdarts-studio.dawn-tick-hook')

interface HookState {
  latest: Tick | null
  /** Ticks seen: a test and the docs use it to show the hook is live. */
  seen: number
}

type GlobalWithHook = typeof globalThis & { [HOOK]?: HookState }

/** True for functions N-API created (Dawn's tick); JS callbacks are passed through untouched. */
function isNative(fn: unknown): fn is () => void {
  return typeof fn === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn))
}

/** Installs the hook once per process (before the Dawn instance is created). Idempotent. */
export function installDawnTickHook(): HookState {
  const g = globalThis as GlobalWithHook
  if (g[HOOK] != null) return g[HOOK]
  const state: HookState = { latest: null, seen: 0 }
  const real = g.setImmediate
  const hooked = function (this: unknown, fn: unknown, ...args: unknown[]) {
    if (!isNative(fn) || args.length > 0) return (real as (...a: unknown[]) => NodeJS.Immediate)(fn, ...args)
    const tick: Tick = { fn, done: false }
    state.latest = tick
    state.seen++
    return real(() => {
      if (!tick.done) {
        tick.done = true
        tick.fn()
      }
    })
  }
  // Keep util.promisify(setImmediate) and friends working.
  Object.assign(hooked, real)
  g.setImmediate = hooked as typeof setImmediate
  g[HOOK] = state
  return state
}

const sleeper = new Int32Array(new SharedArrayBuffer(4))

/**
 * Runs Dawn's pending tick until `done()` holds. Spins briefly, then sleeps 0.1 ms between ticks so a long GPU
 * job does not burn a core. Throws after `timeoutMs` (a hung device) with the caller's message.
 */
export function pumpUntil(done: () => boolean, what: string, timeoutMs = 600_000): void {
  const state = installDawnTickHook()
  const start = Date.now()
  for (let spins = 0; !done(); spins++) {
    const tick = state.latest
    if (tick != null && !tick.done) {
      tick.done = true
      tick.fn()
      continue
    }
    if (spins > 64) Atomics.wait(sleeper, 0, 0, 0.1)
    if (Date.now() - start > timeoutMs)
      throw new Error(`WebGPU: ${what} did not complete in ${timeoutMs / 1000} s (device hung?)`)
  }
}

interface StagingBuffer {
  mapState: string
  size: number
  mapAsync(mode: number): Promise<void>
  getMappedRange(): ArrayBuffer
  unmap(): void
}

/**
 * Copies `size` bytes of a GPU buffer into a fresh ArrayBuffer, synchronously. `stage` records the copy into
 * a MAP_READ buffer and submits it (the backend's own encoder, so queued kernels run first).
 */
export function readBufferSync(staging: StagingBuffer, lostReason: () => string | null): ArrayBuffer {
  const mapRead = 1 // GPUMapMode.READ
  let failure: unknown = null
  staging.mapAsync(mapRead).catch((err: unknown) => (failure = err))
  pumpUntil(() => staging.mapState !== 'pending' || failure != null, 'a buffer read')
  if (staging.mapState !== 'mapped') {
    // A map of a valid buffer fails only when the device is gone; Dawn's lost promise (with the driver's
    // reason) may resolve a moment later, so its reason is used when it is already known.
    const detail = failure instanceof Error ? failure.message : null
    throw new WebGpuDeviceLostError(
      lostReason() ?? `the device stopped answering (a buffer map failed${detail ? `: ${detail}` : ''})`,
    )
  }
  const out = staging.getMappedRange().slice(0)
  staging.unmap()
  return out
}

/** The GPU device went away (driver reset, GPU removed, TDR, another process crashed it). */
export class WebGpuDeviceLostError extends Error {
  constructor(reason: string) {
    super(`WebGPU device lost: ${reason}`)
    this.name = 'WebGpuDeviceLostError'
  }
}
