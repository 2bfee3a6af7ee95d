/**
 * `runs.estimate`: supernet size, a memory model and a time estimate from this database's past runs,
 * before anything is launched. Only core math: the engine (TF.js) is not loaded in the app process.
 */
import type { SearchConfig } from '../../core/config/search'
import { countHdartsSupernet } from '../../core/genotype/hdartsParams'
import { countSearchNetwork, isReductionLayer } from '../../core/metrics/supernet'
import { DARTS_PRIMITIVES, dartsEdgeCount, HDARTS_LEVEL0_OPS, NB201_EDGES, NB201_OPS } from '../../core/searchSpaces'
import type { Estimate } from '../../shared/api'
import type { RunRow } from '../store'

/** Image shape, classes and train-set size of the built-in datasets (src/engine/data/catalog.ts). */
const DATASETS: Record<string, { size: number; channels: number; classes: number; train: number | null }> = {
  cifar10: { size: 32, channels: 3, classes: 10, train: 50_000 },
  cifar100: { size: 32, channels: 3, classes: 100, train: 50_000 },
  'fashion-mnist': { size: 28, channels: 1, classes: 10, train: 60_000 },
  mnist: { size: 28, channels: 1, classes: 10, train: 60_000 },
  // An image folder's shape is only known once read: assume CIFAR-like.
  folder: { size: 32, channels: 3, classes: 10, train: null },
}

const dataOf = (c: SearchConfig) => {
  const d = DATASETS[c.dataset] ?? DATASETS.folder!
  return { ...d, size: c.imageSize ?? d.size }
}

/** Images one epoch touches (both halves), or null when the dataset's size is unknown. */
function imagesPerEpoch(c: SearchConfig): number | null {
  if (c.limitPerHalf !== null) return 2 * c.limitPerHalf
  return dataOf(c).train
}

/** The NB201 supernet in closed form (the engine's nb201WeightCount, src/engine/supernet/nb201.ts). */
function nb201Weights(C: number, N: number, inputChannels: number, classes: number): number {
  const cells = [C, 2 * C, 4 * C].reduce((n, c) => n + N * 6 * (c * c + 9 * c * c), 0)
  const block = (ci: number, co: number) => 9 * ci * co + 2 * co + 9 * co * co + 2 * co + ci * co
  return 9 * inputChannels * C + 2 * C + cells + block(C, 2 * C) + block(2 * C, 4 * C) + 8 * C + 4 * C * classes + classes
}

/**
 * Supernet weights of a config. Exact for the DARTS space with softmax, sigmoid and hard-concrete
 * mixing, for HDARTS and for NB201; for partial channels (PC-DARTS) an upper bound, since its ops see
 * C/K channels; `estimate` prefers a past run's recorded count for the same shape.
 */
export function supernetWeights(c: SearchConfig): number {
  const d = dataOf(c)
  const common = { channels: c.C, layers: c.layers, classes: d.classes, inputSize: d.size, inputChannels: d.channels }
  if (c.space === 'nb201') return nb201Weights(c.C, c.layers, d.channels, d.classes)
  const shape = { ...common, steps: c.steps, multiplier: c.multiplier, stemMultiplier: c.stemMultiplier }
  if (c.parametrization === 'hierarchical')
    return countHdartsSupernet({ ...shape, motifs: c.hierarchical.motifs, motifNodes: c.hierarchical.motifNodes }).weights
  const ops = c.parametrization === 'sigmoid' ? DARTS_PRIMITIVES.filter((o) => o !== 'none') : DARTS_PRIMITIVES
  return countSearchNetwork({ ...shape, ops }).weights
}

/**
 * Activation elements of one image through the supernet: every op output on every edge of every cell
 * (C_cell channels × side², side halving and channels doubling at reduction cells), times 3.5: the
 * tensors an op keeps for backprop, averaged over the DARTS ops (a sep conv ~8, a dil conv ~4, a pool 2
 * with its BN, skip and none 0).
 */
function activationsPerImage(c: SearchConfig): number {
  const d = dataOf(c)
  const nb201 = c.space === 'nb201'
  const cells = nb201 ? 3 * c.layers : c.layers
  const edges = nb201 ? NB201_EDGES.length : dartsEdgeCount(c.steps)
  const opsPerEdge = nb201
    ? NB201_OPS.length
    : c.parametrization === 'hierarchical'
      ? HDARTS_LEVEL0_OPS.length * (c.hierarchical.motifNodes - 1)
      : DARTS_PRIMITIVES.length
  const channelShare = c.parametrization === 'partial-channel' ? 1 / c.partialChannel.K : 1
  let [C, side, total] = [c.C, d.size, 0]
  for (let i = 0; i < cells; i++) {
    const reduction = nb201 ? i > 0 && i % c.layers === 0 : isReductionLayer(i, c.layers)
    if (reduction) [C, side] = [2 * C, Math.ceil(side / 2)]
    total += edges * opsPerEdge * C * channelShare * side * side * 3.5
  }
  return total
}

const MiB = 1024 * 1024
/** Node, TF.js and the worker's own code, measured roughly on the wasm backend. */
const RUNTIME_BYTES = 150 * MiB

/**
 * Peak memory of one worker (a model, not a measurement), float32 throughout:
 *   weights × 4 B × 3 (value, gradient, SGD momentum; ×2 more for the unrolled step's copy)
 * + batch × activations per image × 4 B × 1.5 (the forward tensors kept for backprop, plus the
 *   gradients alive at the backward pass's peak; ×2 for second order, which runs a second
 *   forward/backward on the virtual weights). DARTS 1st order at batch 64 comes to ~11 GB, near the
 *   ~10 GB the paper's GPU runs report.
 * + the dataset slice in memory (images × side² × channels × 4 B)
 * + a fixed runtime overhead.
 */
export function memoryBytes(c: SearchConfig, weights: number): number {
  const d = dataOf(c)
  const second = c.unrolled ? 2 : 1
  const params = weights * 4 * 3 * second
  const activations = c.batchSize * activationsPerImage(c) * 4 * 1.5 * second
  const images = imagesPerEpoch(c) ?? 0
  const data = images * d.size * d.size * d.channels * 4
  return Math.round(params + activations + data + RUNTIME_BYTES)
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * Whole-run seconds from finished runs of the same preset: the median of their seconds per image-epoch
 * ((endedAt − startedAt) / (epochs × images per epoch)), times this config's epochs × images.
 */
export function estimateSeconds(
  preset: string,
  c: SearchConfig,
  finished: readonly RunRow[],
): Pick<Estimate, 'seconds' | 'basis'> {
  const images = imagesPerEpoch(c)
  const rates: number[] = []
  for (const r of finished) {
    if (r.preset !== preset || r.status !== 'finished' || r.startedAt === null || r.endedAt === null) continue
    const rc = r.config as unknown as SearchConfig
    const n = imagesPerEpoch(rc)
    const epochs = Number(rc.epochs)
    if (!n || !(epochs > 0) || r.endedAt <= r.startedAt) continue
    rates.push((r.endedAt - r.startedAt) / 1000 / (epochs * n))
  }
  if (!rates.length) return { seconds: null, basis: 'no finished run of this preset yet' }
  if (images === null) return { seconds: null, basis: 'the dataset size is unknown (image folder)' }
  return {
    seconds: Math.round(median(rates) * c.epochs * images),
    basis: `median of ${rates.length} finished run${rates.length > 1 ? 's' : ''} of ${preset}, scaled by epochs and images`,
  }
}

/** What makes two configs' supernets the same size (a past run's recorded weight count then applies). */
export function shapeKey(c: SearchConfig): string {
  const d = dataOf(c)
  return JSON.stringify([
    c.space,
    c.parametrization,
    d.size,
    d.channels,
    d.classes,
    c.C,
    c.layers,
    c.steps,
    c.multiplier,
    c.stemMultiplier,
    c.partialChannel.K,
    c.hierarchical.motifs,
    c.hierarchical.motifNodes,
    c.regularization.auxSkip.beta > 0,
  ])
}

export function estimate(preset: string, c: SearchConfig, runs: readonly RunRow[]): Estimate {
  const key = shapeKey(c)
  // The engine's own count, as a past run of the same shape reported it, beats the model.
  const recorded = runs.find((r) => r.weights !== null && shapeKeySafe(r.config) === key)?.weights
  const weights = recorded ?? supernetWeights(c)
  return { weights, memoryBytes: memoryBytes(c, weights), ...estimateSeconds(preset, c, runs) }
}

function shapeKeySafe(config: Record<string, unknown>): string | null {
  try {
    return shapeKey(config as unknown as SearchConfig)
  } catch {
    return null // a run of an older config version
  }
}
