/** Test data for the renderer's shaping functions. */
import type { RunDetail, RunSummary } from '../../src/shared/api'

export function summary(patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'r1',
    kind: 'search',
    experimentId: 1,
    preset: 'darts-1st-quick',
    method: 'darts',
    dataset: 'fashion-mnist',
    seed: 0,
    status: 'running',
    statusReason: null,
    error: null,
    backend: 'wasm',
    device: 'cpu',
    attempts: 1,
    createdAt: 1_000,
    startedAt: 2_000,
    endedAt: null,
    epochsDone: 1,
    epochsTotal: 5,
    progress: 0.2,
    etaSec: 600,
    bestValAcc: 0.5,
    lastValAcc: 0.5,
    skipsNormal: 1,
    skipsReduce: 0,
    finalGenotype: null,
    lastTestAcc: null,
    benchmarkAcc: null,
    benchmarkPct: null,
    tags: {},
    note: null,
    ...patch,
  }
}

export function detail(patch: Partial<RunDetail> = {}): RunDetail {
  return {
    run: summary(),
    runDir: '/tmp/runs/r1',
    config: {},
    params: {},
    metrics: { valAcc: [{ step: 0, value: 0.5 }] },
    alphas: [],
    genotypes: [],
    methodMatrices: [],
    evaluation: null,
    checkpoints: [],
    weights: 1000,
    backendVersion: null,
    ...patch,
  }
}
