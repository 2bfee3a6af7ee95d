/**
 * Device slots: one worker per GPU (handed over as CUDA_VISIBLE_DEVICES) and a number of CPU workers.
 * Pure, so the placement rules are plain to read and test.
 */
export type Slot = { readonly kind: 'gpu'; readonly id: string } | { readonly kind: 'cpu' }

export interface FreeSlots {
  gpus: string[]
  cpu: number
  /** Workers that may still start under the overall cap. */
  total: number
}

/** `$HDARTS_GPUS`: comma-separated device ids, e.g. `0,1`. */
export const gpusFromEnv = (env: NodeJS.ProcessEnv = process.env): string[] =>
  (env.HDARTS_GPUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

export function freeSlots(gpus: readonly string[], cpuSlots: number, maxWorkers: number, used: readonly Slot[]): FreeSlots {
  return {
    gpus: gpus.filter((g) => !used.some((s) => s.kind === 'gpu' && s.id === g)),
    cpu: cpuSlots - used.filter((s) => s.kind === 'cpu').length,
    total: maxWorkers - used.length,
  }
}

/**
 * Takes a slot for a run with this backend from `free` (mutating it), or null when it must wait. With
 * GPUs configured, runs that may use one (auto, tensorflow-gpu, webgpu) wait for a GPU rather than crawl on a
 * CPU; runs pinned to a CPU backend take CPU slots, as does every run on a machine without GPUs.
 */
export function takeSlot(backend: unknown, free: FreeSlots, gpusConfigured: boolean): Slot | null {
  if (free.total <= 0) return null
  const wantsGpu =
    gpusConfigured && (backend === undefined || backend === 'auto' || backend === 'tensorflow-gpu' || backend === 'webgpu')
  let slot: Slot | null = null
  if (wantsGpu && free.gpus.length) slot = { kind: 'gpu', id: free.gpus.shift()! }
  else if (!wantsGpu && free.cpu > 0) {
    free.cpu--
    slot = { kind: 'cpu' }
  }
  if (slot) free.total--
  return slot
}
