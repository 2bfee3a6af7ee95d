/**
 * Out-of-memory on wasm: the heap is wasm32, capped just under 4 GiB, and exceeding it does not throw an
 * OOM error. Stock 4.22 surfaces it as `RuntimeError: memory access out of bounds` or `Aborted(...)` (and
 * the module is dead afterwards), or — worse — silently, when malloc's null pointer is used as a tensor
 * address (REPORT §6.7). These helpers let the trainer fail with a message a user can act on.
 */
import { engine } from '@tensorflow/tfjs-core'

/** The wasm heap's hard ceiling (emscripten's getHeapMax() in tfjs-backend-wasm 4.22: 65536 pages − 1). */
export const WASM_HEAP_LIMIT_BYTES = 4_294_901_760

export const WASM_OUT_OF_MEMORY_MESSAGE = 'the configuration does not fit in the 4 GiB wasm heap; lower batch size or channels'

const WASM_OOM_PATTERNS = [
  /memory access out of bounds/i,
  /\bAborted\(/,
  /Cannot enlarge memory/i,
  /\bOOM\b/,
  /out of memory/i,
  /Maximum memory size exceeded/i,
  /WebAssembly\.Memory(\.prototype)?\.grow/i,
  /Array buffer allocation failed/i,
  // A tensor of ≥ 4 GiB, or a >2 GiB malloc that returned a pointer past the heap's end (seen with 4.22).
  /Invalid typed array length/i,
  /offset is out of bounds/i,
]

/**
 * True for the ways a wasm heap overflow shows up. After `memory access out of bounds` or `Aborted(...)`
 * the wasm module is broken and the process must restart; after guardWasmMalloc's RangeError it is intact.
 */
export function isOutOfMemoryError(err: unknown): boolean {
  if (err == null) return false
  const message = typeof err === 'object' && 'message' in err ? String((err as { message: unknown }).message) : String(err)
  if (WASM_OOM_PATTERNS.some((re) => re.test(message))) return true
  const cause = typeof err === 'object' && 'cause' in err ? (err as { cause: unknown }).cause : undefined
  return cause != null && cause !== err && isOutOfMemoryError(cause)
}

interface WasmHeapOwner {
  wasm?: { HEAPU8?: Uint8Array; asm?: { memory?: WebAssembly.Memory } } | null
}

/**
 * Current size of the wasm heap in bytes (it only grows), or null when the wasm backend has not been
 * initialised. This is the high-water mark of the process, not live tensor bytes (see tf.memory()).
 */
export function wasmHeapBytes(): number | null {
  // engine().registry holds only initialised backends; findBackend('wasm') would initialise it as a side effect.
  const backend = engine().registry['wasm'] as WasmHeapOwner | undefined
  const wasm = backend?.wasm
  if (wasm == null) return null
  return wasm.asm?.memory?.buffer.byteLength ?? wasm.HEAPU8?.buffer.byteLength ?? null
}

interface WasmModuleLike {
  _malloc?: (bytes: number) => number
  asm?: { malloc?: (bytes: number) => number }
}

const GUARDED = Symbol.for('hdarts-studio.wasm-malloc-guard')

/**
 * Makes tensor allocation on the wasm heap throw when malloc fails. Stock BackendWasm ignores a null
 * pointer from malloc: the tensor is then registered at address 0, the next kernel writes over the heap's
 * start, and the process fails later with "memory access out of bounds", having computed garbage in between.
 * With the guard the failing allocation throws at once, the heap stays intact, and tf.tidy frees the step's
 * tensors. Allocations inside the C++ kernels (XNNPack scratch) are not covered. Idempotent.
 */
export function guardWasmMalloc(module: unknown): boolean {
  const m = module as (WasmModuleLike & { [GUARDED]?: true }) | null
  const raw = m?.asm?.malloc
  if (m == null || raw == null) return false
  if (m[GUARDED]) return true
  // Wrap asm.malloc, not Module._malloc: emscripten's _malloc stub replaces itself on its first call.
  m._malloc = (bytes: number): number => {
    const ptr = raw(bytes)
    if (ptr === 0 && bytes > 0) {
      const heap = wasmHeapBytes()
      const at = heap == null ? '' : ` with the heap at ${(heap / 2 ** 30).toFixed(2)} GiB`
      throw new RangeError(`wasm heap exhausted: malloc(${bytes}) failed${at} (OOM)`)
    }
    return ptr
  }
  m[GUARDED] = true
  return true
}

/** guardWasmMalloc on the initialised wasm backend, if any. */
export function guardWasmHeap(): boolean {
  const backend = engine().registry['wasm'] as { wasm?: unknown } | undefined
  return guardWasmMalloc(backend?.wasm)
}

/** The trainer's message for an OOM, with the heap size at the time when it is known. */
export function describeOutOfMemory(err: unknown): string {
  const heap = wasmHeapBytes()
  const at = heap == null ? '' : ` (wasm heap at ${(heap / 2 ** 30).toFixed(2)} GiB)`
  const detail = err instanceof Error ? `: ${err.message.split('\n')[0]}` : ''
  return `${WASM_OUT_OF_MEMORY_MESSAGE}${at}${detail}`
}
