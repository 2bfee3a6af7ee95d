/**
 * Run events: what a search worker appends to `events.jsonl` (one JSON object a line) and streams to
 * main. The run directory is the source of truth; the database is rebuilt from these. `seq` numbers
 * events from 1 without gaps, so re-ingesting a run directory is idempotent.
 */
export interface EventBase {
  readonly seq: number
  /** Milliseconds since the Unix epoch. */
  readonly time: number
}

export interface BackendRecord {
  readonly name: string
  readonly package: string
  readonly version: string
  readonly device: string
  /** WebGPU runs: the adapter Dawn chose (software = a CPU rasterizer such as Mesa's llvmpipe). */
  readonly adapter?: {
    readonly vendor: string
    readonly architecture: string
    readonly device: string
    readonly description: string
    readonly backendApi: string
    readonly featureLevel: 'core' | 'compatibility'
    readonly software: boolean
  }
}

export type GenotypeFormat = 'darts' | 'nb201' | 'hdarts' | 'fair'

export type RunEventBody =
  | {
      readonly type: 'started'
      readonly runId: string
      readonly preset: string | null
      readonly backend: BackendRecord
      readonly weights: number
      readonly stepsPerEpoch: number
      readonly epochs: number
    }
  | {
      readonly type: 'resumed'
      readonly epoch: number
      readonly step: number
      readonly backend: BackendRecord
      readonly discardedAfterSeq: number
      /** What the resume lost or repaired (a damaged event line, a fallback to an older checkpoint), one line each. */
      readonly warnings?: readonly string[]
    }
  | {
      readonly type: 'progress'
      readonly epoch: number
      readonly step: number
      readonly stepsPerEpoch: number
      readonly trainLoss: number
      readonly trainAcc: number
      readonly imagesPerSec: number
      /** Estimated seconds to the end of the run. */
      readonly etaSec: number
    }
  | {
      readonly type: 'epoch'
      readonly epoch: number
      readonly lr: number
      readonly trainLoss: number
      readonly trainAcc: number
      /** Search-validation half, model in eval mode (BN running statistics), as DARTS's `infer`. */
      readonly valLoss: number
      readonly valAcc: number
      /** Mean L_val seen by the α steps this epoch. */
      readonly archLoss: number
      readonly epochSec: number
      readonly imagesPerSec: number
      readonly skipsNormal: number
      readonly skipsReduce: number
    }
  | {
      /** One epoch of an evaluation run (training a fixed genotype from scratch), tested on the TEST set. */
      readonly type: 'evalEpoch'
      readonly epoch: number
      readonly lr: number
      /** Drop-path probability this epoch trained with. */
      readonly dropPath: number
      /** CE + auxiliaryWeight·CE_aux, as DARTS train.py logs it. */
      readonly trainLoss: number
      readonly trainAcc: number
      readonly testLoss: number
      readonly testAcc: number
      readonly epochSec: number
      readonly imagesPerSec: number
    }
  | {
      readonly type: 'alphas'
      readonly epoch: number
      readonly ops: readonly string[]
      readonly normal: number[][]
      readonly reduce: number[][]
    }
  | {
      readonly type: 'genotype'
      readonly epoch: number
      readonly text: string
      /** How `text` is written (the core parsers auto-detect it too): DARTS `Genotype(...)`, NB201 string, HDARTS motif text, FairDARTS triples. */
      readonly format?: GenotypeFormat
    }
  | {
      /**
       * Method-specific state of one epoch, for charts and comparisons: scalars such as the PR-DARTS
       * regularizer components (`prS`, `prG`, `prQ`, `prPath`), `tau`, SDARTS `epsilon`, DARTS- `auxBeta`,
       * β-DARTS `betaLambda`, R-DARTS `lambdaMax`; matrices such as gate probabilities
       * (`gatesNormal`), PC-DARTS edge weights (`edgeNormal`) or HDARTS motif α (`motifs.0.normal`).
       */
      readonly type: 'method'
      readonly epoch: number
      readonly scalars: Readonly<Record<string, number>>
      readonly matrices: Readonly<Record<string, number[][]>>
    }
  | {
      /**
       * NAS-Bench-201 lookup of a derived cell (NB201-space searches only): the benchmark's 200-epoch,
       * mean-of-seeds accuracies of that cell, not anything this run measured. `final` marks the run's
       * final cell (R-DARTS early stop, DARTS-PT projection), written just before 'finished'.
       */
      readonly type: 'benchmark'
      readonly epoch: number
      readonly final: boolean
      readonly arch: string
      /** Official NB201 architecture index, when the table carries it. */
      readonly index: number | null
      /** Which table scored it (shipped or the user's), so a number can be traced to its source. */
      readonly table: {
        readonly kind: 'shipped' | 'user'
        readonly file: string
        readonly sha256: string
        readonly epochs: number
      }
      /** The dataset the search ran on (the label says "cell searched on …"). */
      readonly searchDataset: string
      /** Per table column (`cifar10.test`, …): the cell's accuracy, its percentile, and the column's oracle best and all-skip cell. */
      readonly scores: Readonly<
        Record<
          string,
          { readonly accuracy: number; readonly percentile: number; readonly best: number; readonly allSkip: number }
        >
      >
    }
  | {
      readonly type: 'checkpoint'
      readonly epoch: number
      readonly step: number
      readonly file: string
      readonly bytes: number
      readonly reason: 'epoch' | 'signal'
    }
  | { readonly type: 'finished'; readonly genotype: string; readonly valAcc: number; readonly seconds: number }
  | {
      /** The end of an evaluation run: the final test accuracy and the cost in DARTS's convention. */
      readonly type: 'finished'
      readonly kind: 'eval'
      readonly genotype: string
      readonly testAcc: number
      readonly seconds: number
      /** Auxiliary head excluded (DARTS `count_parameters_in_MB`). */
      readonly params: number
      readonly paramsWithAux: number
      /** Multiply-adds of one image. */
      readonly flops: number
      /** Whether the auxiliary head was trained. */
      readonly auxiliary: boolean
    }
  | { readonly type: 'failed'; readonly reason: 'error' | 'out-of-memory' | 'bad-input'; readonly message: string }
  | { readonly type: 'stopped'; readonly signal: string; readonly epoch: number; readonly step: number }

export type RunEvent = EventBase & RunEventBody

/** The numeric fields of an 'epoch' event: the metric keys the store writes for it (step = epoch). */
export const EPOCH_METRIC_KEYS = [
  'lr',
  'trainLoss',
  'trainAcc',
  'valLoss',
  'valAcc',
  'archLoss',
  'epochSec',
  'imagesPerSec',
  'skipsNormal',
  'skipsReduce',
] as const
/** The numeric fields of an 'evalEpoch' event: the metric keys the store writes for it (step = epoch). */
export const EVAL_EPOCH_METRIC_KEYS = [
  'lr',
  'dropPath',
  'trainLoss',
  'trainAcc',
  'testLoss',
  'testAcc',
  'epochSec',
  'imagesPerSec',
] as const
export type RunEventType = RunEventBody['type']

/** A search's 'finished' event (an evaluation's carries `kind: 'eval'` and testAcc instead of valAcc). */
export type SearchFinished = Extract<RunEventBody, { type: 'finished'; valAcc: number }>
export type EvalFinished = Extract<RunEventBody, { type: 'finished'; kind: 'eval' }>

/**
 * One event as a JSON line. JSON has no NaN or ±Infinity (`JSON.stringify` writes null), and a
 * diverged loss is exactly what a researcher must see, so non-finite numbers are written as the
 * strings "NaN", "Infinity" and "-Infinity"; the store reads them back as numbers.
 */
export function encodeEvent(event: RunEvent): string {
  return JSON.stringify(event, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))
}
