/**
 * The search configuration: one typed, validated object with documented defaults (STYLE.md rule 8).
 * Presets are data; `--set key=value` overrides are parsed against the same schema.
 */
import { z } from 'zod'
import { incompatibility } from './compose'
import { dottedKeys, setValues } from './overrides'

export { incompatibility } from './compose'

/** TF.js backends in the order they are tried; the engine's backend selection uses this list. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const
export const BACKEND_CHOICES = ['auto', ...BACKEND_NAMES] as const
/** Overrides run.json's backend for one start of a worker (`hdarts search --resume DIR --backend NAME` sets it). */
export const BACKEND_ENV = 'HDARTS_BACKEND'
export const DATASET_IDS = ['cifar10', 'cifar100', 'fashion-mnist', 'mnist', 'folder'] as const

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max)
const rate = z.number().min(0).max(10)

/** Method families: a label for grouping and the preset a config came from; behaviour is set by the fields below. */
export const METHOD_NAMES = [
  'darts',
  'hdarts',
  'pr-darts',
  'pc-darts',
  'fair-darts',
  'sdarts-rs',
  'sdarts-adv',
  'darts-minus',
  'beta-darts',
  'e2nas',
] as const
/** How architecture parameters become mixing weights (DESIGN.md §6). */
export const PARAMETRIZATIONS = ['softmax', 'hierarchical', 'hard-concrete', 'sigmoid', 'partial-channel', 'latent'] as const

const gatesSchema = z.strictObject({
  /** Hard-concrete temperature, annealed linearly from tauMax to tauMin over the epochs (PR-DARTS: 1 → 0.1). */
  tauMax: z.number().gt(0),
  tauMin: z.number().gt(0),
  /** Stretch interval (a, b) of the hard-concrete distribution (−0.1, 1.1). */
  a: z.number().lt(0),
  b: z.number().gt(1),
  /** Ops kept per edge by the top-k straight-through selection (2). */
  k: int(1, 16),
  /** Gate dropout before the top-k (0.4). */
  dropout: z.number().min(0).lt(1),
})

const partialChannelSchema = z.strictObject({
  /** 1/K of the channels go through the ops (PC-DARTS: K = 4). */
  K: int(1, 64),
  /** Per-node softmax over incoming edges (PC-DARTS's β). */
  edgeNormalization: z.boolean(),
})

const hierarchicalSchema = z.strictObject({
  /** Candidate motifs (level-1 ops) per cell edge (HDARTS: 2). */
  motifs: int(1, 16),
  /** Nodes of a motif DAG, input and output included (HDARTS: 3). */
  motifNodes: int(2, 8),
  /** Adam learning rates for the level-0 (primitive) and level-1 (motif) α. */
  level0Lr: rate,
  level1Lr: rate,
  /** 'dense' keeps every edge (the original method); 'topk' keeps the top-2 inputs per node like DARTS. */
  derive: z.enum(['dense', 'topk']),
})

const latentSchema = z.strictObject({
  /** E2NAS: architectures kept in the exploration archive (50); no novelty term until it is full. */
  archiveSize: int(2, 10_000),
  /** E2NAS exploration enhancement: the novelty term in the z loss (false: η = 0, plain latent search). */
  explore: z.boolean(),
  /** Its weight η = 1 − sigmoid((2·epoch/epochs − 1)·etaSharpness) (10): ≈ 1 (explore) early, ≈ 0 (exploit) late. */
  etaSharpness: z.number().gt(0),
  /** E2NAS architecture complementation λ (0.5): weight loss (1−λ)·L(current); L(previous), L(complement) are logged. */
  complementLambda: z.number().min(0).lt(1),
})

const regularizationSchema = z.strictObject({
  /** PR-DARTS group regularizer λ1·S + λ2·(G+Q) − λ3·Path with the hinge threshold (0 weights: off). */
  pathGroup: z.strictObject({
    lambdaSkip: z.number().min(0),
    lambdaOther: z.number().min(0),
    lambdaPath: z.number().min(0),
    threshold: z.number().min(0).max(1),
  }),
  /** FairDARTS zero-one loss weight w01 (0: off) and its form. */
  zeroOne: z.strictObject({ weight: z.number().min(0), kind: z.enum(['l2', 'l1']) }),
  /** β-DARTS: λ_t = lambdaMax·epoch/epochs times mean_e logsumexp(α_e) (0: off). */
  betaDecay: z.strictObject({ lambdaMax: z.number().min(0) }),
  /** DARTS-: an auxiliary skip outside the softmax, weighted by β_t decaying from `beta` (0: off). */
  auxSkip: z.strictObject({ beta: z.number().min(0), decay: z.enum(['linear', 'cosine', 'none']) }),
})

const perturbationSchema = z.strictObject({
  /** SDARTS: the weight step sees ᾱ = softmax(α) + δ, random (RS) or adversarial (ADV). */
  kind: z.enum(['none', 'random', 'adversarial']),
  /** ε_t = epsilonMin + (epsilonMax − epsilonMin)·epoch/epochs. */
  epsilonMin: z.number().min(0),
  epsilonMax: z.number().min(0),
  /** PGD steps of the adversarial attack (7). */
  steps: int(1, 100),
})

const hessianSchema = z.strictObject({
  /** Compute λ_max of ∇²_α L_val every this many epochs (0: never; R-DARTS: 2). */
  every: int(0, 10_000),
  /** 'power': power iteration on finite-difference HVPs; 'full': the whole Hessian (small α only). */
  method: z.enum(['power', 'full']),
  iterations: int(1, 1000),
  /** R-DARTS early stopping on the local average of λ_max. */
  earlyStop: z.boolean(),
  /** DARTS-ADA: on the trigger, roll back and multiply the weight decay by `adaFactor`. */
  ada: z.boolean(),
  window: int(1, 100),
  delta: int(1, 100),
  factor: z.number().gt(1),
  startEpoch: int(0),
  adaFactor: z.number().gt(1),
  maxWeightDecay: z.number().gt(0),
})

const sigmoidSchema = z.strictObject({
  /** FairDARTS derivation keeps an edge's best op only if σ(α) reaches this (0.85). */
  threshold: z.number().min(0).max(1),
})

const ptSchema = z.strictObject({
  /** Epochs of fine-tuning between two decisions (DARTS-PT: 5; fractions allowed at CPU scale). */
  interval: z.number().gt(0).max(100),
  /** The weight lr during selection is lr·lrFactor (0.1). */
  lrFactor: z.number().gt(0).max(1),
  /** Validation batches per accuracy measurement (null: the whole split). */
  evalBatches: int(1).nullable(),
})

export const searchConfigSchema = z.strictObject({
  method: z.enum(METHOD_NAMES),
  /** Cell search space: the DARTS CNN space or NAS-Bench-201. */
  space: z.enum(['darts', 'nb201']),
  parametrization: z.enum(PARAMETRIZATIONS),
  dataset: z.enum(DATASET_IDS),
  /** Fraction of the train set used for weight training; the rest is the architecture/validation half (DARTS: 0.5). */
  trainPortion: z.number().gt(0).lt(1),
  /** Use only this many images from each half (null: all). The quick presets use a slice to fit a CPU. */
  limitPerHalf: int(1).nullable(),
  batchSize: int(1, 4096),
  epochs: int(1, 10_000),
  /** Initial channels C. */
  C: int(1, 1024),
  /** Cells (DARTS space), or N cells per stage (NB201: 3N search cells and 2 residual blocks; the benchmark's N is 5). */
  layers: int(1, 100),
  steps: int(1, 8),
  multiplier: int(1, 8),
  stemMultiplier: int(1, 8),
  /** Weight optimizer: SGD with coupled weight decay, cosine annealing to `lrMin`. */
  lr: rate,
  lrMin: rate,
  momentum: z.number().min(0).lt(1),
  nesterov: z.boolean(),
  weightDecay: z.number().min(0).max(1),
  gradClip: z.number().gt(0),
  /** α optimizer: Adam with coupled weight decay. */
  archLr: rate,
  archBeta1: z.number().min(0).lt(1),
  archBeta2: z.number().min(0).lt(1),
  archWeightDecay: z.number().min(0).max(1),
  /** α stays frozen before this epoch (PC-DARTS: 15). */
  archStartEpoch: int(0),
  /** 'step': an α step before every weight step (DARTS); 'epoch': a weight epoch, then an α epoch (HDARTS). */
  alternation: z.enum(['step', 'epoch']),
  /** Second-order (unrolled) architecture gradient. */
  unrolled: z.boolean(),
  /** DARTS's code initialises α as 1e-3·randn; its paper says zeros. */
  alphaInit: z.enum(['randn1e-3', 'zeros']),
  gates: gatesSchema,
  sigmoid: sigmoidSchema,
  partialChannel: partialChannelSchema,
  hierarchical: hierarchicalSchema,
  latent: latentSchema,
  regularization: regularizationSchema,
  perturbation: perturbationSchema,
  hessian: hessianSchema,
  /** 'magnitude': the method's own rule from the architecture weights; 'pt': DARTS-PT perturbation-based selection. */
  selection: z.enum(['magnitude', 'pt']),
  pt: ptSchema,
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

/** DARTS's own search settings (`train_search.py`; METHODS.md §3.1). Every other preset starts from it. */
const DARTS_PAPER: SearchConfig = {
  method: 'darts',
  space: 'darts',
  parametrization: 'softmax',
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
  nesterov: false,
  weightDecay: 3e-4,
  gradClip: 5,
  archLr: 3e-4,
  archBeta1: 0.5,
  archBeta2: 0.999,
  archWeightDecay: 1e-3,
  archStartEpoch: 0,
  alternation: 'step',
  unrolled: false,
  alphaInit: 'randn1e-3',
  gates: { tauMax: 1, tauMin: 0.1, a: -0.1, b: 1.1, k: 2, dropout: 0.4 },
  sigmoid: { threshold: 0.85 },
  partialChannel: { K: 4, edgeNormalization: true },
  hierarchical: { motifs: 2, motifNodes: 3, level0Lr: 3e-4, level1Lr: 3e-4, derive: 'dense' },
  latent: { archiveSize: 50, explore: true, etaSharpness: 10, complementLambda: 0.5 },
  regularization: {
    pathGroup: { lambdaSkip: 0, lambdaOther: 0, lambdaPath: 0, threshold: 0.2 },
    zeroOne: { weight: 0, kind: 'l2' },
    betaDecay: { lambdaMax: 0 },
    auxSkip: { beta: 0, decay: 'linear' },
  },
  perturbation: { kind: 'none', epsilonMin: 0.03, epsilonMax: 0.3, steps: 7 },
  hessian: {
    every: 0,
    method: 'power',
    iterations: 20,
    earlyStop: false,
    ada: false,
    window: 5,
    delta: 4,
    factor: 1.3,
    startEpoch: 10,
    adaFactor: 10,
    maxWeightDecay: 0.03,
  },
  selection: 'magnitude',
  pt: { interval: 5, lrFactor: 0.1, evalBatches: null },
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
const QUICK_SCALE: Partial<SearchConfig> = {
  dataset: 'fashion-mnist',
  imageSize: 16,
  limitPerHalf: 3000,
  batchSize: 32,
  epochs: 5,
  C: 4,
  layers: 3,
  lr: 0.1,
  lrMin: 0.001,
  scheduleConvention: 'pytorch',
  archLr: 3e-3,
  pt: { interval: 0.25, lrFactor: 0.1, evalBatches: 8 },
}

type Patch = {
  readonly [K in keyof SearchConfig]?: SearchConfig[K] extends object | null
    ? Partial<SearchConfig[K]> | SearchConfig[K]
    : SearchConfig[K]
}

/** Deep-merges a preset patch into a config (objects merge by key; arrays and scalars replace). */
function merge(base: SearchConfig, patch: Patch): SearchConfig {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k]
    out[k] = v && cur && typeof v === 'object' && typeof cur === 'object' && !Array.isArray(v) ? deepMerge(cur, v) : v
  }
  return out as SearchConfig
}

function deepMerge(a: object, b: object): object {
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) }
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k]
    out[k] = v && cur && typeof v === 'object' && typeof cur === 'object' && !Array.isArray(v) ? deepMerge(cur, v) : v
  }
  return out
}

interface MethodDef {
  readonly name: string
  readonly summary: string
  /** The method's defining parts: applied at both scales. */
  readonly method: Patch
  /** The paper's own optimizer/data settings: the paper scale only. */
  readonly paper?: Patch
  /** Adjustments the CPU scale needs (e.g. channels divisible by K). */
  readonly quick?: Patch
}

/**
 * Each paper's method: its defining parts (METHODS.md §3), its paper settings, and a quick variant.
 * The quick variants share one optimizer setting (QUICK_SCALE), so the comparison dashboard compares
 * the methods themselves rather than their learning rates.
 */
const METHODS: readonly MethodDef[] = [
  { name: 'darts-1st', summary: 'DARTS first order (Liu et al. 2019)', method: {} },
  { name: 'darts-2nd', summary: 'DARTS second order (unrolled)', method: { unrolled: true } },
  {
    name: 'hdarts',
    summary: 'Hierarchical DARTS: level-0 primitive mixtures inside motifs, level-1 motif mixtures on cell edges',
    // 1e-3·randn, not the original's zeros: candidate motifs share every weight, so with equal α they get
    // identical gradients and never separate (docs/methods/hdarts.md).
    method: { method: 'hdarts', parametrization: 'hierarchical', alternation: 'epoch' },
    paper: { batchSize: 32, lrMin: 0 },
    // Its 7-tap primitives make a C=4 step 2.2× a DARTS step (CPU time); C=2 brings it to 1.3×.
    quick: { C: 2 },
  },
  {
    name: 'pr-darts',
    summary: 'PR-DARTS: hard-concrete gates, group-structured sparsity and the path-depth reward (Zhou et al. 2020)',
    method: {
      method: 'pr-darts',
      parametrization: 'hard-concrete',
      regularization: { pathGroup: { lambdaSkip: 0.01, lambdaOther: 0.005, lambdaPath: 0.005, threshold: 0.2 } },
    },
    paper: { layers: 6, nesterov: true, weightDecay: 5e-4, batchSize: 250, epochs: 200 },
  },
  {
    name: 'pc-darts',
    summary: 'PC-DARTS: partial channel connections (K=4) and edge normalization (Xu et al. 2020)',
    method: { method: 'pc-darts', parametrization: 'partial-channel', partialChannel: { K: 4, edgeNormalization: true } },
    paper: { batchSize: 256, lr: 0.1, lrMin: 0, archLr: 6e-4, archStartEpoch: 15 },
    quick: { C: 8, archStartEpoch: 1 },
  },
  {
    name: 'fair-darts',
    summary: 'FairDARTS: independent sigmoid weights, zero-one loss, threshold derivation (Chu et al. 2020)',
    method: { method: 'fair-darts', parametrization: 'sigmoid', regularization: { zeroOne: { weight: 10, kind: 'l2' } } },
    paper: { batchSize: 128, lr: 0.005, archLr: 3e-3, archBeta1: 0.9 },
  },
  {
    name: 'sdarts-rs',
    summary: 'SDARTS-RS: weight steps on randomly perturbed α (Chen & Hsieh 2020)',
    method: { method: 'sdarts-rs', perturbation: { kind: 'random', epsilonMin: 0.03, epsilonMax: 0.3, steps: 7 } },
  },
  {
    name: 'sdarts-adv',
    summary: 'SDARTS-ADV: weight steps on adversarially perturbed α (7-step PGD)',
    method: { method: 'sdarts-adv', perturbation: { kind: 'adversarial', epsilonMin: 0.03, epsilonMax: 0.3, steps: 7 } },
  },
  {
    name: 'darts-minus',
    summary: 'DARTS-: an auxiliary skip outside the softmax with a decaying weight (Chu et al. 2021)',
    method: { method: 'darts-minus', regularization: { auxSkip: { beta: 1, decay: 'linear' } } },
  },
  {
    name: 'beta-darts',
    summary: 'β-DARTS: beta-decay regularization of the softmax-normalized α (Ye et al. 2022)',
    method: { method: 'beta-darts', regularization: { betaDecay: { lambdaMax: 25 } } },
  },
  {
    name: 'e2nas',
    summary:
      'E2NAS: search in the latent space of a graph autoencoder of NAS-Bench-201 cells, single path, exploration enhancement (Zhang et al. 2020)',
    // D-X-Y's NAS-Bench-201 search settings (N = 5, C = 16, SGD 0.025 → 0.001, wd 5e-4, Nesterov), on which EENAS builds.
    method: { method: 'e2nas', space: 'nb201', parametrization: 'latent', layers: 5, C: 16 },
    paper: { weightDecay: 5e-4, nesterov: true },
    // The quick scale as `darts-1st-quick --set space=nb201` (N = 3, C = 4), so the two compare directly.
    quick: { layers: 3, C: 4 },
  },
]

function presetsOf(def: MethodDef): Preset[] {
  const paper = merge(merge(DARTS_PAPER, def.method), def.paper ?? {})
  const quick = merge(merge(merge(DARTS_PAPER, QUICK_SCALE), def.method), def.quick ?? {})
  return [
    { name: def.name, summary: `${def.summary}; paper settings`, config: paper },
    {
      name: `${def.name}-quick`,
      summary: `${def.name} at CPU scale (Fashion-MNIST 16×16, ${quick.space === 'nb201' ? `N = ${quick.layers} cells per stage` : `${quick.layers} cells`}, ${quick.epochs} epochs)`,
      config: quick,
    },
  ]
}

export const PRESETS: readonly Preset[] = METHODS.flatMap(presetsOf)

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function getPreset(name: string): Preset {
  const p = PRESETS.find((x) => x.name === name)
  if (!p) throw new ConfigError(`unknown preset '${name}' (presets: ${PRESETS.map((x) => x.name).join(', ')})`)
  return p
}

/** Every settable key, dotted for nested groups (`hessian.every`, `regularization.zeroOne.weight`). */
export function settingKeys(): string[] {
  return dottedKeys(DARTS_PAPER as unknown as Record<string, unknown>)
}

/** Parses `key=value` (dotted keys reach nested groups) against the schema's types: numbers, booleans, null, enums, strings. */
export function applyOverrides(base: SearchConfig, sets: readonly string[]): SearchConfig {
  return validateConfig(setValues(base, sets, (message) => new ConfigError(message)))
}

/** Validates a whole config; the error names the key and the rule it broke. */
export function validateConfig(value: unknown): SearchConfig {
  const r = searchConfigSchema.safeParse(value)
  if (!r.success) {
    const issue = r.error.issues[0]!
    throw new ConfigError(`setting '${issue.path.join('.') || '(config)'}': ${issue.message}`)
  }
  const c = r.data
  if (c.lrMin > c.lr) throw new ConfigError(`lrMin (${c.lrMin}) must not exceed lr (${c.lr})`)
  if (c.multiplier > c.steps) throw new ConfigError(`multiplier (${c.multiplier}) cannot exceed steps (${c.steps})`)
  if (c.space === 'darts' && c.layers < 3)
    throw new ConfigError(`layers (${c.layers}) must be at least 3 in the DARTS space (two reduction cells)`)
  if (c.gates.tauMin > c.gates.tauMax)
    throw new ConfigError(`gates.tauMin (${c.gates.tauMin}) must not exceed gates.tauMax (${c.gates.tauMax})`)
  if (c.perturbation.epsilonMin > c.perturbation.epsilonMax)
    throw new ConfigError(`perturbation.epsilonMin must not exceed perturbation.epsilonMax`)
  const why = incompatibility(c)
  if (why) throw new ConfigError(why)
  return c
}
