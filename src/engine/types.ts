/**
 * Contracts between engine parts. Tensors are NHWC float32 throughout (METHODS.md §2.5).
 *
 * The supernet is functional: `forward` takes explicit weight tensors (not layer-owned variables), so
 * the second-order architect evaluates w' = w − ξ∇ and w± = w ± ε·v without cloning a model
 * (METHODS.md §6.4).
 */
import type { Rank, Tensor, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs-core'

/** How a trainable weight is initialised (PyTorch defaults: kaiming-uniform convs/linear, BN γ=1 β=0). */
export type InitKind = 'conv' | 'linear-weight' | 'linear-bias' | 'ones' | 'zeros'

export interface ParamSpec {
  /** Dotted path, e.g. `cells.3.edges.5.sep_conv_3x3.dw1`. */
  readonly name: string
  readonly shape: readonly number[]
  readonly init: InitKind
  /** Fan-in used by the init (PyTorch: in_channels/groups × kh × kw, or in_features). */
  readonly fanIn: number
}

/** A BN layer's running statistics (buffers, never trained). */
export interface BnSpec {
  readonly name: string
  readonly channels: number
}

/** One BN layer's batch statistics from a training forward pass, to fold into its running stats afterwards. */
export interface BnUpdate {
  readonly name: string
  readonly mean: Tensor
  /** Biased batch variance; the running update applies PyTorch's n/(n−1) correction. */
  readonly variance: Tensor
  readonly count: number
}

export interface ForwardOptions {
  /** Train mode: BN normalises with batch statistics (DARTS runs the α step in train mode too). */
  readonly training: boolean
  /** When given (training only), BN layers push their batch statistics here; the tensors are kept and must be disposed. */
  readonly bnUpdates?: BnUpdate[]
  /** Running statistics by BN name, used when `training` is false. */
  readonly bnStats?: ReadonlyMap<string, { mean: Tensor; variance: Tensor }>
}

export interface SupernetConfig {
  /** Initial channels C (DARTS search: 16). */
  readonly C: number
  readonly numClasses: number
  /** Number of cells; reductions at ⌊L/3⌋ and ⌊2L/3⌋. */
  readonly layers: number
  readonly steps: number
  readonly multiplier: number
  readonly stemMultiplier: number
  readonly inputChannels: number
  readonly inputSize: number
  /** Candidate ops in α column order (DARTS_PRIMITIVES). */
  readonly ops: readonly string[]
  /** PC-DARTS: 1/K of the channels go through the ops (1: all). */
  readonly partialChannels?: number
  /** DARTS-: every mixed op gets an auxiliary skip (identity, or FactorizedReduce at stride 2). */
  readonly auxSkip?: boolean
}

/**
 * Mixing weights of the DARTS-space supernet: one `[edges, ops]` matrix per cell type, already
 * normalised by the method's parametrization (softmax, sigmoid, gates, …). `auxSkip` is DARTS-'s β_t
 * on the auxiliary skip beside every mixed op (the supernet must be built with `auxSkip`).
 */
export interface DartsMixing {
  readonly normal: Tensor2D
  readonly reduce: Tensor2D
  readonly auxSkip?: number
  /**
   * Single-path training (GDAS, E2NAS; NB201 only): the one column run per edge row. The other columns
   * enter as their bare weights (value 0 under straight-through), so gradients reach every column, as
   * D-X-Y's `forward_gdas` does.
   */
  readonly path?: readonly number[]
}

export interface Supernet<M = DartsMixing> {
  readonly config: SupernetConfig
  readonly specs: readonly ParamSpec[]
  readonly bnSpecs: readonly BnSpec[]
  /** Number of α rows per cell type: 2+3+…+(steps+1). */
  readonly edges: number
  /** Logits [N, classes] for NHWC input x, given weights in `specs` order. */
  forward(weights: readonly Tensor[], mixing: M, x: Tensor4D, opts: ForwardOptions): Tensor2D
}

/** The trainable state of a search, as variables. */
export interface SearchState {
  readonly weights: Variable[]
  /** Architecture parameters in the method's `archSpecs` order (DARTS: alphasNormal, alphasReduce). */
  readonly arch: Variable<Rank.R2>[]
  /** Running BN statistics by name. */
  readonly bnStats: Map<string, { mean: Variable; variance: Variable }>
}
