/**
 * The response types of the app's API (src/shared/api.ts): run summaries and details, estimates,
 * comparison, library, Slurm and export answers. Plain data, the same on both transports.
 */
import type { EvalConfig } from '../core/config/eval'
import type { SearchConfig } from '../core/config/search'
import type { RunEvent } from '../core/events'
import type { RunStatus } from './api'

export interface AppInfo {
  readonly name: string
  readonly version: string
  readonly db: string
  readonly runsDir: string
  readonly cpuSlots: number
  readonly gpus: readonly string[]
  /** 'electron' in the desktop app, 'browser' against `hdarts serve`. */
  readonly mode: 'electron' | 'browser'
}

export interface SettingHelp {
  readonly key: string
  /** One line from the method docs / schema description. */
  readonly help: string
}

export interface PresetInfo {
  readonly name: string
  readonly summary: string
  readonly config: SearchConfig
}

export interface EvalPresetInfo {
  readonly name: string
  readonly summary: string
  readonly config: EvalConfig
}

export interface PresetsResponse {
  readonly presets: readonly PresetInfo[]
  /** The evaluation presets (`runs.evaluate`); their `--set` keys are their config's keys. */
  readonly evalPresets: readonly EvalPresetInfo[]
  /** Every `--set` key with its help, in a stable order. */
  readonly settings: readonly SettingHelp[]
}

export interface Estimate {
  /** Supernet weights. */
  readonly weights: number
  /** Peak memory of one worker, bytes (a model, not a measurement). */
  readonly memoryBytes: number
  /** Whole-run wall time on one CPU slot, seconds; null when nothing similar has run yet. */
  readonly seconds: number | null
  /** How `seconds` was obtained, in a few words. */
  readonly basis: string
}

export interface RunSummary {
  readonly id: string
  /** 'search', or 'eval' for an evaluation (training a genotype from scratch). */
  readonly kind: string
  readonly experimentId: number | null
  readonly preset: string | null
  readonly method: string
  readonly dataset: string
  readonly seed: number
  readonly status: RunStatus
  readonly statusReason: string | null
  readonly error: string | null
  readonly backend: string | null
  readonly device: string | null
  readonly attempts: number
  readonly createdAt: number
  readonly startedAt: number | null
  readonly endedAt: number | null
  readonly epochsDone: number
  readonly epochsTotal: number | null
  /** 0..1; null before the first progress event. */
  readonly progress: number | null
  readonly etaSec: number | null
  readonly bestValAcc: number | null
  readonly lastValAcc: number | null
  /** Skip connections of the latest genotype; null before the first epoch. */
  readonly skipsNormal: number | null
  readonly skipsReduce: number | null
  readonly finalGenotype: string | null
  /** An evaluation's test accuracy of its latest epoch; null for searches and before the first epoch. */
  readonly lastTestAcc: number | null
  /**
   * NB201 searches: the final cell's NAS-Bench-201 CIFAR-10 test accuracy (200 epochs, mean of seeds; a
   * table lookup, not measured by the run) and its percentile among the 15,625 cells; null otherwise.
   */
  readonly benchmarkAcc: number | null
  readonly benchmarkPct: number | null
  readonly tags: Readonly<Record<string, string>>
  readonly note: string | null
}

export interface MetricPoint {
  readonly step: number
  readonly value: number
}

export interface AlphaSnapshotDto {
  readonly epoch: number
  readonly cell: 'normal' | 'reduce'
  readonly ops: readonly string[]
  readonly matrix: number[][]
}

export interface RunDetail {
  readonly run: RunSummary
  readonly runDir: string
  readonly config: Readonly<Record<string, unknown>>
  readonly params: Readonly<Record<string, string>>
  /** Every metric key of the run by epoch: epoch metrics (`valAcc`, …) and method scalars prefixed `m.` (`m.lambdaMax`). NaN/±Inf arrive as null over HTTP. */
  readonly metrics: Readonly<Record<string, readonly MetricPoint[]>>
  readonly alphas: readonly AlphaSnapshotDto[]
  readonly genotypes: readonly { readonly epoch: number; readonly text: string; readonly format: string | null }[]
  readonly methodMatrices: readonly { readonly epoch: number; readonly name: string; readonly matrix: number[][] }[]
  readonly checkpoints: readonly {
    readonly epoch: number
    readonly step: number
    readonly file: string
    readonly bytes: number
    readonly reason: string
    readonly time: number
  }[]
  readonly weights: number | null
  readonly backendVersion: string | null
  /** An evaluation's genotype and, once finished, its result; null for a search. */
  readonly evaluation: EvalInfo | null
}

export interface EvalInfo {
  /** The genotype trained (run.json's, as DARTS text). */
  readonly genotype: { readonly name: string | null; readonly text: string }
  /** From the 'finished' event; null until then. */
  readonly result: EvalResult | null
}

export interface EvalResult {
  readonly testAcc: number
  readonly seconds: number
  /** DARTS convention: auxiliary head excluded. */
  readonly params: number
  readonly paramsWithAux: number
  /** Multiply-adds of one image. */
  readonly flops: number
  readonly auxiliary: boolean
}

/** `runs.estimateEval`: the evaluation network of the genotype at the preset's size. */
export interface EvalEstimate extends Estimate {
  readonly params: number
  readonly flops: number
  readonly epochs: number
}

export interface CompareResponse {
  readonly runs: readonly {
    readonly run: RunSummary
    readonly params: Readonly<Record<string, string>>
    readonly latest: Readonly<Record<string, number>>
    /** runId's series per requested key. */
    readonly series: Readonly<Record<string, readonly MetricPoint[]>>
    /** Search time in seconds (ended − started), null while running. */
    readonly seconds: number | null
  }[]
}

export interface ExperimentDto {
  readonly id: number
  readonly name: string
  readonly createdAt: number
  readonly runs: number
}

export interface LibraryGenotype {
  readonly file: string
  readonly name: string
  readonly text: string
}

export interface SlurmSubmitResponse {
  readonly gridDir: string
  /** The sbatch script (job.sbatch in gridDir). */
  readonly script: string
  readonly tasks: number
  /** Null when only the bundle was written (dry run, or no sbatch here). */
  readonly jobId: string | null
  /** Whether sbatch exists on this machine. */
  readonly sbatchFound: boolean
}

export interface SlurmImportResponse {
  readonly grids: number
  readonly runs: number
  readonly new: number
  readonly updated: number
  readonly unchanged: number
  readonly eventsAdded: number
  readonly finished: number
  /** One line per run directory that could not be read. */
  readonly errors: readonly string[]
  readonly experiments: readonly { readonly id: number; readonly name: string; readonly gridDir: string }[]
}

/** A file for the renderer to download; binary (or any) content as base64. */
export interface ExportFileResponse {
  readonly filename: string
  readonly mime: string
  readonly base64: string
  readonly bytes: number
  /** One line each: a PDF font fallback, a run without events or genotype, … */
  readonly notes: readonly string[]
}

export interface ExportTableResponse {
  readonly filename: string
  readonly mime: string
  readonly text: string
  /** Runs whose genotype could not be counted, one line each. */
  readonly notes: readonly string[]
}

/** `runs.importLog`: the new run, and what the log held. */
export interface ImportLogResponse {
  readonly run: RunSummary
  readonly runDir: string
  /** Complete epochs imported, and how many of them had both softmax(α) printouts. */
  readonly epochs: number
  readonly alphas: number
  /** The epoch the log stops inside of (left out) and its 'epoch N lr X' line; null for a whole log. */
  readonly truncated: { readonly epoch: number; readonly line: number } | null
}
