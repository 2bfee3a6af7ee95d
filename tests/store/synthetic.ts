/** Synthetic runs: events as a search worker would write them. No vitest import, so child processes can use it. */
import { getPreset } from '../../src/core/config/search'
import { DARTS_PRIMITIVES } from '../../src/core/searchSpaces'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunEvent, RunEventBody } from '../../src/core/events'
import type { NewRun } from '../../src/main/store'

export const OPS: string[] = [...DARTS_PRIMITIVES]
export const EDGES = 14

/** DARTS's paper config (a run's stored config), with a fixed seed and no augmentation. */
export const CONFIG = { ...getPreset('darts-1st').config, augment: false, seed: 0 }

export function newRun(id: string, over: Partial<NewRun> = {}): NewRun {
  return {
    id,
    experimentId: null,
    runDir: `/runs/${id}`,
    kind: 'search',
    preset: 'darts-1st-quick',
    method: 'darts',
    dataset: 'cifar10',
    seed: 0,
    config: CONFIG,
    ...over,
  }
}

/** A deterministic pseudo-random matrix (softmax-like rows). */
export function matrix(rows: number, cols: number, salt: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => ((i * 31 + j * 17 + salt * 7) % 97) / 97))
}

/** Appends numbered events; `bodies` mirrors the worker's emit order. */
export class EventWriter {
  readonly events: RunEvent[] = []
  constructor(
    public seq = 0,
    public time = 1_700_000_000_000,
  ) {}
  emit(body: RunEventBody): RunEvent {
    const e = { seq: ++this.seq, time: (this.time += 1000), ...body } as RunEvent
    this.events.push(e)
    return e
  }
  /** One epoch as searcher.endEpoch emits it, plus a method event and a checkpoint. */
  epoch(epoch: number, opts: { valAcc?: number; alphas?: boolean; method?: boolean } = {}): void {
    const valAcc = opts.valAcc ?? 0.3 + epoch / 100
    this.emit({
      type: 'progress',
      epoch,
      step: 5,
      stepsPerEpoch: 10,
      trainLoss: 1.5,
      trainAcc: 0.4,
      imagesPerSec: 900,
      etaSec: 100 - epoch,
    })
    this.emit({
      type: 'epoch',
      epoch,
      lr: 0.025 - epoch * 1e-4,
      trainLoss: 2 - epoch / 50,
      trainAcc: 0.2 + epoch / 100,
      valLoss: 2.1 - epoch / 50,
      valAcc,
      archLoss: 2.2 - epoch / 50,
      epochSec: 30,
      imagesPerSec: 1000 + epoch,
      skipsNormal: epoch % 3,
      skipsReduce: 0,
    })
    if (opts.alphas !== false)
      this.emit({ type: 'alphas', epoch, ops: OPS, normal: matrix(EDGES, 8, epoch), reduce: matrix(EDGES, 8, epoch + 1) })
    this.emit({
      type: 'genotype',
      epoch,
      text: `Genotype(normal=[('sep_conv_3x3', ${epoch % 2})], normal_concat=[2], reduce=[], reduce_concat=[2])`,
    })
    if (opts.method !== false)
      this.emit({
        type: 'method',
        epoch,
        scalars: { prS: epoch / 10, tau: 1 - epoch / 100 },
        matrices: { gatesNormal: matrix(EDGES, 8, epoch + 2) },
      })
    this.emit({ type: 'checkpoint', epoch: epoch + 1, step: 0, file: 'checkpoints/latest.ckpt', bytes: 1234, reason: 'epoch' })
  }
  started(epochs: number): void {
    this.emit({
      type: 'started',
      runId: 'x',
      preset: 'darts-1st-quick',
      backend: BACKEND,
      weights: 1000,
      stepsPerEpoch: 10,
      epochs,
    })
  }
}

export const BACKEND = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', device: 'cpu' }

/** A run directory as the worker leaves it. */
export function writeRunDir(root: string, id: string, events: readonly RunEvent[], extra = ''): string {
  const dir = join(root, id)
  mkdirSync(dir, { recursive: true })
  const run = {
    schema: 'hdarts.run',
    version: 1,
    id,
    kind: 'search',
    preset: 'darts-1st-quick',
    createdAt: '2026-11-28T01:35:01.000Z',
    config: CONFIG,
    dataDir: null,
    download: false,
    versions: {},
  }
  writeFileSync(join(dir, 'run.json'), JSON.stringify(run, null, 2))
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e) + '\n').join('') + extra)
  return dir
}
