/**
 * Evaluation ("train from scratch") configs: DARTS `train.py` settings for NetworkCIFAR of a fixed
 * genotype (METHODS.md §2.4), as presets plus `--set key=value` overrides like the search configs.
 */
import { z } from 'zod'
import { setValues } from './overrides'
import { BACKEND_CHOICES, ConfigError, DATASET_IDS } from './search'

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max)
const rate = z.number().min(0).max(10)

export const evalConfigSchema = z.strictObject({
  dataset: z.enum(DATASET_IDS),
  /** Initial channels C (DARTS: 36). */
  C: int(2, 1024),
  /** Cells; reductions at ⌊L/3⌋ and ⌊2L/3⌋ (DARTS: 20). */
  layers: int(3, 100),
  /** AuxiliaryHeadCIFAR after cell ⌊2L/3⌋; its loss weighs `auxiliaryWeight` (DARTS `--auxiliary`, 0.4). */
  auxiliary: z.boolean(),
  auxiliaryWeight: z.number().min(0).max(10),
  /** Final drop-path probability; epoch e uses dropPathProb·e/epochs (DARTS: 0.2). */
  dropPathProb: z.number().min(0).lt(1),
  /** Cutout side (DARTS `--cutout`, 16); 0 = off. */
  cutout: z.number().int().min(0).max(64),
  /** Random crop and flip of the dataset's default augmentation. */
  augment: z.boolean(),
  epochs: int(1, 10_000),
  batchSize: int(2, 4096),
  /** SGD with momentum and coupled weight decay, cosine annealing from lr to lrMin (DARTS: 0). */
  lr: rate,
  lrMin: rate,
  momentum: z.number().min(0).lt(1),
  weightDecay: z.number().min(0).max(1),
  gradClip: z.number().gt(0),
  /** 'darts': scheduler.step() at epoch start (train.py), so epoch e runs at t = e+1. */
  scheduleConvention: z.enum(['darts', 'pytorch']),
  seed: int(0, 2 ** 31 - 1),
  /** Square side the images are resized to: smaller = area downsampling, larger = zero padding; null keeps it. */
  imageSize: int(8, 1024).nullable(),
  /** Train on the first N train images only (null: all); the quick preset uses a slice to fit a CPU. */
  limitTrain: int(1).nullable(),
  /** Evaluate on the first N test images only (null: the whole test set). */
  limitTest: int(1).nullable(),
  backend: z.enum(BACKEND_CHOICES),
})

export type EvalConfig = z.infer<typeof evalConfigSchema>

export interface EvalPreset {
  readonly name: string
  readonly summary: string
  readonly config: EvalConfig
}

/** `train.py --auxiliary --cutout` (DARTS's published command; METHODS.md §2.4). */
const DARTS_EVAL: EvalConfig = {
  dataset: 'cifar10',
  C: 36,
  layers: 20,
  auxiliary: true,
  auxiliaryWeight: 0.4,
  dropPathProb: 0.2,
  cutout: 16,
  augment: true,
  epochs: 600,
  batchSize: 96,
  lr: 0.025,
  lrMin: 0,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  scheduleConvention: 'darts',
  seed: 0,
  imageSize: null,
  limitTrain: null,
  limitTest: null,
  backend: 'auto',
}

/**
 * CPU scale on Fashion-MNIST. Images are zero-padded 28 → 32 rather than downsampled to 16 as the search
 * quick presets do: AuxiliaryHeadCIFAR's AvgPool(5, s3) + 2×2 conv needs the 8×8 map a 32×32 input
 * leaves at cell ⌊2L/3⌋ (16×16 would leave 4×4, which PyTorch rejects too).
 */
const DARTS_EVAL_QUICK: EvalConfig = {
  ...DARTS_EVAL,
  dataset: 'fashion-mnist',
  C: 8,
  layers: 6,
  cutout: 8,
  epochs: 3,
  batchSize: 32,
  lr: 0.05,
  // With 'darts' stepping the last of 3 epochs would run at lr 0.
  scheduleConvention: 'pytorch',
  imageSize: 32,
  limitTrain: 2000,
  limitTest: 1000,
}

export const EVAL_PRESETS: readonly EvalPreset[] = [
  {
    name: 'darts-eval',
    summary: 'DARTS train.py: C=36, 20 cells, 600 epochs, aux 0.4, drop path 0.2, cutout 16',
    config: DARTS_EVAL,
  },
  {
    name: 'darts-eval-quick',
    summary: 'CPU scale: Fashion-MNIST padded to 32×32, C=8, 6 cells, 3 epochs on 2000 images, aux on',
    config: DARTS_EVAL_QUICK,
  },
]

/** The eval presets' names, for request schemas (the app's `runs.evaluate`). */
export const EVAL_PRESET_NAMES = ['darts-eval', 'darts-eval-quick'] as const satisfies readonly string[]

export function getEvalPreset(name: string): EvalPreset {
  const p = EVAL_PRESETS.find((x) => x.name === name)
  if (!p) throw new ConfigError(`unknown preset '${name}' (eval presets: ${EVAL_PRESETS.map((x) => x.name).join(', ')})`)
  return p
}

export function applyEvalOverrides(base: EvalConfig, sets: readonly string[]): EvalConfig {
  return validateEvalConfig(setValues(base, sets, (m) => new ConfigError(m)))
}

export function validateEvalConfig(value: unknown): EvalConfig {
  const r = evalConfigSchema.safeParse(value)
  if (!r.success) {
    const issue = r.error.issues[0]!
    throw new ConfigError(`setting '${issue.path.join('.') || '(config)'}': ${issue.message}`)
  }
  if (r.data.lrMin > r.data.lr) throw new ConfigError(`lrMin (${r.data.lrMin}) must not exceed lr (${r.data.lr})`)
  return r.data
}
