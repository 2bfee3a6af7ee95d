/**
 * E2NAS on NAS-Bench-201 (METHODS.md §3.3; EENAS `search_model_eenas.py`). The architecture parameter
 * is a latent z ∈ ℝ³⁰ of a graph autoencoder trained on all NB201 cells. Each forward decodes z to a
 * cell and trains that single path (GDAS's `forward_gdas`); the gradient reaches z by the straight-
 * through trick with probs = softmax(reshape(z, [6, 5])), as EENAS does. The z loss adds the novelty
 * of the current architecture against an archive of recent ones, weighted by η (explore early,
 * exploit late). The weight loss is (1−λ)·L(current); L(previous) and L(complement) are logged only,
 * as EENAS enters them with `.item()`.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import type { LatentMlp } from '../../../core/e2nas/mlp'
import { topSingularValues } from '../../../core/e2nas/linalg'
import {
  complementCell,
  etaAt,
  fitGenNormal,
  genNormalLogNorm,
  histogramLogDensity,
  type GenNormal,
} from '../../../core/e2nas/novelty'
import type { Nb201Vae } from '../../../core/e2nas/vae'
import { deriveNb201 } from '../../../core/genotype/derive'
import { countOp } from '../../../core/genotype/model'
import { toNb201String } from '../../../core/genotype/serialize'
import { softmaxRows } from '../../../core/metrics/math'
import { NB201_EDGES } from '../../../core/searchSpaces'
import type { DartsMixing, Supernet } from '../../types'
import type { ArchParamSpec, Derived, MethodContext, MethodState, RegTerm, SearchMethod } from '../types'
import { NB201_OPS } from '../../../core/searchSpaces'
import { loadNb201Vae } from '../../e2nas/resources'
import type { SearchPlugin } from '../../search/plugin'
import { createNb201Supernet } from '../../supernet/nb201'
import { supernetConfigOf } from '../supernetConfig'
import type { MethodEntry } from '../types'

export interface LatentModels {
  readonly vae: Nb201Vae
  readonly mlp: LatentMlp
}

interface ArchiveEntry {
  readonly z: number[]
  readonly cell: number[]
  /** ‖z − μ(decode(z))‖: how far z lies from the encoding of the cell it decodes to. */
  readonly dist: number
}

interface E2nasState {
  readonly archive: ArchiveEntry[]
  readonly previous: number[] | null
}

const EDGES = NB201_EDGES.length
/** Singular values of the MLP encoder's Jacobian in log|D| (EENAS: top 6). */
const TOP_SINGULAR = 6

const oneHotRows = (cell: readonly number[], numOps: number): number[][] =>
  cell.map((op) => Array.from({ length: numOps }, (_, o) => (o === op ? 1 : 0)))

export class E2nasMethod implements SearchMethod<DartsMixing> {
  readonly archSpecs: readonly ArchParamSpec[]
  readonly archLrs: readonly number[]
  private readonly numOps: number
  private archive: ArchiveEntry[] = []
  /** The cell of the previous weight step, for architecture complementation. */
  private previous: number[] | null = null
  private cache: { key: string; cell: number[] } | null = null

  constructor(
    readonly net: Supernet<DartsMixing>,
    readonly config: SearchConfig,
    readonly models: LatentModels,
  ) {
    this.numOps = net.config.ops.length
    const nz = models.vae.nz
    if (nz !== EDGES * this.numOps)
      throw new Error(`E2NAS reads z as a [${EDGES}, ${this.numOps}] logit matrix; the autoencoder's latent has ${nz} dimensions`)
    this.archSpecs = [{ name: 'z', shape: [1, nz], init: config.alphaInit, group: 0 }]
    this.archLrs = [config.archLr]
  }

  /** The cell z decodes to (greedy), cached: every pass of a step decodes the same z. */
  decoded(z: ArrayLike<number>): number[] {
    const key = Array.from(z).join(',')
    if (this.cache?.key !== key) this.cache = { key, cell: this.models.vae.decode(z) }
    return this.cache.cell
  }

  private eta(ctx: MethodContext): number {
    return this.config.latent.explore ? etaAt(ctx.epoch, ctx.epochs, this.config.latent.etaSharpness) : 0
  }

  private get exploring(): boolean {
    return this.config.latent.explore && this.archive.length >= this.config.latent.archiveSize
  }

  /** Straight-through: the value is the decoded one-hot, the gradient that of softmax(reshape(z)). */
  mixing(arch: readonly tf.Tensor2D[], _ctx: MethodContext): DartsMixing {
    const z = arch[0]!
    const cell = this.decoded(z.dataSync())
    const probs = tf.softmax(tf.reshape(z, [EDGES, this.numOps]) as tf.Tensor2D)
    // A fresh tensor holding probs' values is outside the tape: it plays PyTorch's probs.detach().
    const detached = tf.tensor2d(probs.dataSync() as Float32Array, [EDGES, this.numOps])
    const hard = tf.add(tf.sub(tf.tensor2d(oneHotRows(cell, this.numOps)), detached), probs) as tf.Tensor2D
    return { normal: hard, reduce: hard, path: cell }
  }

  /** The plain one-hot mixing of any cell (no gradient), for the logged previous and complement losses. */
  mixingOf(cell: readonly number[]): DartsMixing {
    const w = tf.tensor2d(oneHotRows(cell, this.numOps))
    return { normal: w, reduce: w, path: cell }
  }

  archLossScale(ctx: MethodContext): number {
    return this.exploring ? 1 - this.eta(ctx) : 1
  }

  /** η·Novelty, Novelty = (log|D| + log P_z + log P_e)/3; only log P_z depends on z smoothly. */
  archRegularizer(arch: readonly tf.Tensor2D[], ctx: MethodContext): RegTerm | null {
    if (!this.exploring) return null
    const z = arch[0]!
    const zv = Array.from(z.dataSync())
    const cell = this.decoded(zv)
    const fits = zv.map((_, d) => fitGenNormal(this.archive.map((a) => a.z[d]!)))
    const logD = this.logDet(cell)
    const logPe = histogramLogDensity(
      this.archive.map((a) => a.dist),
      this.distance(zv, cell),
    )
    const logPz = logGenNormal(z, fits)
    const novelty = tf.div(tf.add(logPz, logD + logPe), 3) as tf.Scalar
    const eta = this.eta(ctx)
    return {
      loss: tf.mul(novelty, eta) as tf.Scalar,
      parts: { novelty, logPz, logD: tf.scalar(logD), logPe: tf.scalar(logPe), eta: tf.scalar(eta) },
    }
  }

  /** Σ log of the top singular values of the MLP encoder's Jacobian at the cell's one-hot encoding. */
  private logDet(cell: readonly number[]): number {
    const J = this.models.mlp.jacobian(oneHotRows(cell, this.numOps).flat())
    return topSingularValues(J, TOP_SINGULAR).reduce((s, v) => s + Math.log(Math.max(v, 1e-12)), 0)
  }

  private distance(z: readonly number[], cell: readonly number[]): number {
    const mu = this.models.vae.encodeMean(cell)
    return Math.sqrt(z.reduce((s, v, d) => s + (v - mu[d]!) ** 2, 0))
  }

  afterArchStep(arch: readonly tf.Tensor2D[], _ctx: MethodContext): void {
    if (!this.config.latent.explore) return
    const z = Array.from(arch[0]!.dataSync())
    const cell = this.decoded(z)
    this.archive.push({ z, cell, dist: this.distance(z, cell) })
    if (this.archive.length > this.config.latent.archiveSize) this.archive.shift()
  }

  weightLossScale(_ctx: MethodContext): number {
    return 1 - this.config.latent.complementLambda
  }

  weightStepExtras(arch: readonly tf.Tensor2D[], ctx: MethodContext, lossAt: (m: DartsMixing) => number): Record<string, number> {
    const current = this.decoded(arch[0]!.dataSync())
    const previous = this.previous
    this.previous = [...current]
    if (!previous || this.config.latent.complementLambda === 0) return {}
    const complement = complementCell(previous, current, this.numOps, ctx.rng)
    const at = (cell: readonly number[]) => {
      const m = this.mixingOf(cell)
      try {
        return lossAt(m)
      } finally {
        m.normal.dispose()
      }
    }
    return { lossPrevious: at(previous), lossComplement: at(complement) }
  }

  derive(arch: readonly number[][][]): Derived {
    const cell = this.decoded(arch[0]![0]!)
    const g = deriveNb201(oneHotRows(cell, this.numOps), { ops: this.net.config.ops })
    return { text: toNb201String(g), format: 'nb201', skipsNormal: countOp(g), skipsReduce: 0 }
  }

  /** softmax(reshape(z)) rows: the distribution the straight-through gradient acts on. */
  alphaSnapshot(arch: readonly number[][][]): { ops: string[]; normal: number[][]; reduce: number[][] } {
    const z = arch[0]![0]!
    const rows = Array.from({ length: EDGES }, (_, e) => z.slice(e * this.numOps, (e + 1) * this.numOps))
    return { ops: [...this.net.config.ops], normal: softmaxRows(rows), reduce: [] }
  }

  epochState(arch: readonly number[][][], ctx: MethodContext): MethodState {
    const z = arch[0]![0]!
    const cell = this.decoded(z)
    const distinct = new Set(this.archive.map((a) => a.cell.join(''))).size
    return {
      scalars: {
        eta: this.eta(ctx),
        archiveDistinct: distinct,
        reconDistance: this.distance(z, cell),
        zNorm: Math.sqrt(z.reduce((s, v) => s + v * v, 0)),
      },
      matrices: { decoded: oneHotRows(cell, this.numOps), z: [[...z]] },
    }
  }

  getState(): E2nasState {
    return { archive: this.archive.map((a) => ({ ...a })), previous: this.previous }
  }

  setState(state: unknown): void {
    const s = state as Partial<E2nasState> | null
    this.archive = Array.isArray(s?.archive) ? s.archive.map((a) => ({ ...a })) : []
    this.previous = Array.isArray(s?.previous) ? [...s.previous] : null
  }
}

/** Σ_d log p(z_d) under the archive's per-dimension fits: differentiable in z (β ≥ 1). */
function logGenNormal(z: tf.Tensor2D, fits: readonly GenNormal[]): tf.Scalar {
  return tf.tidy(() => {
    const v = tf.reshape(z, [fits.length])
    const mu = tf.tensor1d(fits.map((f) => f.mu))
    const alpha = tf.tensor1d(fits.map((f) => f.alpha))
    const beta = tf.tensor1d(fits.map((f) => f.beta))
    const norm = fits.reduce((s, f) => s + genNormalLogNorm(f), 0)
    const u = tf.div(tf.abs(tf.sub(v, mu)), alpha)
    return tf.sub(norm, tf.sum(tf.pow(u, beta))) as tf.Scalar
  })
}

/**
 * What E2NAS adds to the loop: the archive records the architecture after each α update, the weight
 * step logs L(previous) and L(complement), and the archive is checkpointed (as `method`, format 3's key).
 */
export function e2nasPlugin(method: E2nasMethod): SearchPlugin {
  return {
    name: 'e2nas',
    stateKey: 'method',
    afterArchStep: (s, ctx) => method.afterArchStep(s.state.arch, ctx),
    afterWeightStep: (s, ctx, lossAt) => method.weightStepExtras(s.state.arch, ctx, lossAt),
    getState: () => method.getState(),
    setState: (state) => method.setState(state),
  }
}

export const e2nasEntry: MethodEntry = {
  space: 'nb201',
  parametrization: 'latent',
  label: 'E2NAS',
  build: (config, shape, numClasses) => {
    const net = createNb201Supernet(supernetConfigOf(config, shape, numClasses, NB201_OPS))
    const method = new E2nasMethod(net, config, loadNb201Vae())
    return { method: method as SearchMethod, plugins: [e2nasPlugin(method)] }
  },
}
