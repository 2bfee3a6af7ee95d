/** SQLite rows → DTOs. Nothing outside the store sees a row. */
import { decodeNumber } from './codec'
import type { Experiment, RunRow, RunStatus } from './types'

export interface RunDbRow {
  id: string
  experiment_id: number | null
  run_dir: string
  kind: string
  preset: string | null
  method: string
  dataset: string
  seed: number
  config_json: string
  status: RunStatus
  status_reason: string | null
  error: string | null
  priority: number
  backend: string | null
  backend_version: string | null
  device: string | null
  pid: number | null
  attempts: number
  created_at: number
  started_at: number | null
  ended_at: number | null
  weights: number | null
  epochs_total: number | null
  epochs_done: number
  last_seq: number
  best_val_acc: number | null
  last_val_acc: number | null
  final_genotype: string | null
  eta_sec: number | null
  progress: number | null
}

export const RUN_COLUMNS =
  'id, experiment_id, run_dir, kind, preset, method, dataset, seed, config_json, status, status_reason, error, priority, backend, ' +
  'backend_version, device, pid, attempts, created_at, started_at, ended_at, weights, epochs_total, epochs_done, last_seq, ' +
  'best_val_acc, last_val_acc, final_genotype, eta_sec, progress'

export function toRunRow(r: RunDbRow): RunRow {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    runDir: r.run_dir,
    kind: r.kind,
    preset: r.preset,
    method: r.method,
    dataset: r.dataset,
    seed: r.seed,
    config: JSON.parse(r.config_json) as Record<string, unknown>,
    status: r.status,
    statusReason: r.status_reason,
    error: r.error,
    priority: r.priority,
    backend: r.backend,
    backendVersion: r.backend_version,
    device: r.device,
    pid: r.pid,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    weights: r.weights,
    epochsTotal: r.epochs_total,
    epochsDone: r.epochs_done,
    lastSeq: r.last_seq,
    bestValAcc: r.best_val_acc,
    lastValAcc: r.last_val_acc,
    finalGenotype: r.final_genotype,
    etaSec: r.eta_sec,
    progress: r.progress,
  }
}

export interface NumberRow {
  value: number
  is_nan: number
  is_inf: number
}

export const numberOf = (r: NumberRow): number => decodeNumber(r.value, r.is_nan, r.is_inf)

export type KeyValue = { key: string; value: string }
export type ExperimentDbRow = { id: number; name: string; created_at: number; grid_json: string | null }

export const toExperiment = (r: ExperimentDbRow): Experiment => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  grid: r.grid_json === null ? null : JSON.parse(r.grid_json),
})

export const pairs = (rows: readonly KeyValue[]): Record<string, string> => Object.fromEntries(rows.map((r) => [r.key, r.value]))

export function byRun(rows: readonly (KeyValue & { runId: string })[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const r of rows) (out[r.runId] ??= {})[r.key] = r.value
  return out
}

export function stats(v: readonly number[]): { mean: number | null; std: number | null; min: number | null; max: number | null } {
  if (!v.length) return { mean: null, std: null, min: null, max: null }
  const mean = v.reduce((a, b) => a + b, 0) / v.length
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0
  return { mean, std, min: Math.min(...v), max: Math.max(...v) }
}
