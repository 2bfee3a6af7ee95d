/**
 * The search configuration: one typed, validated object with documented defaults (STYLE.md rule 8).
 * Presets are data; `--set key=value` overrides are parsed against the same schema.
 */
import { z } from 'zod'

/** TF.js backends in the order they are tried; the engine's backend selection uses this list. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const
export const BACKEND_CHOICES = ['auto', ...BACKEND_NAMES] as const
export const DATASET_IDS = ['cifar10', 'cifar100', 'fashion-mnist', 'mnist', 'folder'] as const

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max)
const rate = z.number().min(0).max(10)

export const searchConfigSchema = z.strictObject({
  /** The method; the methods issue adds more (HDARTS, PR-DARTS, …). */
  method: z.enum(['darts']),
  dataset: z.enum(DATASET_IDS),
  /** Fraction of the train set used for weight training; the rest is the architecture/validation half (DARTS: 0.5). */
  trainPortion: z.number().gt(0).lt(1),
  /** Use only this many images from each half (null: all). The quick presets use a slice to fit a CPU. */
  limitPerHalf: int(1).nullable(),
  batchSize: int(1, 4096),
  epochs: int(1, 10_000),
  /** Initial channels C. */
  C: int(1, 1024),
  layers: int(3, 100),
  steps: int(1, 8),
  multiplier: int(1, 8),
  stemMultiplier: int(1, 8),
  /** Weight optimizer: SGD with coupled weight decay, cosine annealing to `lrMin`. */
  lr: rate,
  lrMin: rate,
  momentum: z.number().min(0).lt(1),
  weightDecay: z.number().min(0).max(1),
  gradClip: z.number().gt(0),
  /** α optimizer: Adam with coupled weight decay. */
  archLr: rate,
  archBeta1: z.number().min(0).lt(1),
  archBeta2: z.number().min(0).lt(1),
  archWeightDecay: z.number().min(0).max(1),
  /** Second-order (unrolled) architecture gradient. */
  unrolled: z.boolean(),
  /** DARTS's code initialises α as 1e-3·randn; its paper says zeros. */
  alphaInit: z.enum(['randn1e-3', 'zeros']),
  /** When the cosine schedule steps: 'darts' = at epoch start (epoch e runs at t = e+1). */
  scheduleConvention: z.enum(['darts', 'pytorch']),
  /** Downsample square images to this side by area averaging (zero-padding first if needed); null keeps the size. */
  imageSize: int(4, 1024).nullable(),
  augment: z.boolean(),
  cutout: z.number().int().min(0).max(64),
  seed: int(0, 2 ** 31 - 1),
  backend: z.enum(BACKEND_CHOICES),
})

export type SearchConfig = z.infer<typeof searchConfigSchema>

export interface Preset {
  readonly name: string
  readonly summary: string
  readonly config: SearchConfig
}

/** DARTS's own search settings (`train_search.py`; METHODS.md §3.1). */
const DARTS_PAPER: SearchConfig = {
  method: 'darts',
  dataset: 'cifar10',
  trainPortion: 0.5,
  limitPerHalf: null,
  batchSize: 64,
  epochs: 50,
  C: 16,
  layers: 8,
  steps: 4,
  multiplier: 4,
  stemMultiplier: 3,
  lr: 0.025,
  lrMin: 0.001,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  archLr: 3e-4,
  archBeta1: 0.5,
  archBeta2: 0.999,
  archWeightDecay: 1e-3,
  unrolled: false,
  alphaInit: 'randn1e-3',
  scheduleConvention: 'darts',
  imageSize: null,
  augment: true,
  cutout: 0,
  seed: 2,
  backend: 'auto',
}

/**
 * CPU scale: Fashion-MNIST downsampled to 16×16, 3,000 + 3,000 images, a 3-cell C=4 supernet (one
 * normal cell, two reductions), 5 epochs. Sized so a 2-core machine on the wasm backend finishes in
 * about 13 minutes; measured figures are in the README. The schedule steps after each epoch
 * ('pytorch'), so the last of only five epochs does not run at the floor.
 */
const DARTS_QUICK: SearchConfig = {
  ...DARTS_PAPER,
  dataset: 'fashion-mnist',
  imageSize: 16,
  limitPerHalf: 3000,
  batchSize: 32,
  epochs: 5,
  C: 4,
  layers: 3,
  lr: 0.1,
  scheduleConvention: 'pytorch',
  archLr: 3e-3,
}

export const PRESETS: readonly Preset[] = [
  { name: 'darts-1st', summary: 'DARTS first order, paper settings (CIFAR-10, C=16, 8 cells, 50 epochs)', config: DARTS_PAPER },
  { name: 'darts-2nd', summary: 'DARTS second order (unrolled), paper settings', config: { ...DARTS_PAPER, unrolled: true } },
  {
    name: 'darts-1st-quick',
    summary: 'DARTS first order at CPU scale (Fashion-MNIST 16×16, C=4, 3 cells, 5 epochs)',
    config: DARTS_QUICK,
  },
  { name: 'darts-2nd-quick', summary: 'DARTS second order at CPU scale', config: { ...DARTS_QUICK, unrolled: true } },
]

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function getPreset(name: string): Preset {
  const p = PRESETS.find((x) => x.name === name)
  if (!p) throw new ConfigError(`unknown preset '${name}' (presets: ${PRESETS.map((x) => x.name).join(', ')})`)
  return p
}

/** Parses `key=value` against the schema's type for `key`: numbers, booleans, null, enums, strings. */
export function applyOverrides(base: SearchConfig, sets: readonly string[]): SearchConfig {
  const shape = searchConfigSchema.shape as Record<string, z.ZodType>
  const next: Record<string, unknown> = { ...base }
  for (const item of sets) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw new ConfigError(`--set expects key=value, got '${item}'`)
    const key = item.slice(0, eq).trim()
    const raw = item.slice(eq + 1).trim()
    if (!(key in shape)) throw new ConfigError(`unknown setting '${key}' (settings: ${Object.keys(shape).join(', ')})`)
    next[key] = coerce(raw, base[key as keyof SearchConfig])
  }
  return validateConfig(next)
}

function coerce(raw: string, current: unknown): unknown {
  if (raw === 'null') return null
  if (typeof current === 'boolean' || raw === 'true' || raw === 'false') {
    if (raw === 'true') return true
    if (raw === 'false') return false
    return raw
  }
  if (typeof current === 'number' || current === null) {
    const n = Number(raw)
    return raw !== '' && Number.isFinite(n) ? n : raw
  }
  return raw
}

/** Validates a whole config; the error names the key and the rule it broke. */
export function validateConfig(value: unknown): SearchConfig {
  const r = searchConfigSchema.safeParse(value)
  if (r.success) {
    if (r.data.lrMin > r.data.lr) throw new ConfigError(`lrMin (${r.data.lrMin}) must not exceed lr (${r.data.lr})`)
    if (r.data.multiplier > r.data.steps)
      throw new ConfigError(`multiplier (${r.data.multiplier}) cannot exceed steps (${r.data.steps})`)
    return r.data
  }
  const issue = r.error.issues[0]!
  throw new ConfigError(`setting '${issue.path.join('.') || '(config)'}': ${issue.message}`)
}
