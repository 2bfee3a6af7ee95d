/** Finished synthetic runs (real run directories, indexed in a store) for the bundle and export-op tests. */
import { writeFileSync } from 'node:fs'
import { createRunDir } from '../../src/main/runs/runDir'
import type { Store } from '../../src/main/store'

export const GENOTYPE =
  "Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 2), ('skip_connect', 0), ('dil_conv_3x3', 1), ('sep_conv_3x3', 0), ('max_pool_3x3', 1)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('avg_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=range(2, 6))"
const BACKEND = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', device: 'test cpu' }

/** A finished 2-epoch run of `preset` with `sets`, written as a worker would and ingested. */
export function finishedRun(store: Store, runsDir: string, preset: string, sets: readonly string[], valAcc = 0.625): string {
  const { dir, run } = createRunDir(runsDir, { preset, sets })
  let seq = 0
  const ev = (body: Record<string, unknown>) =>
    JSON.stringify({ seq: ++seq, time: 1_700_000_000_000 + seq * 1000, ...body }) + '\n'
  const epoch = (e: number, acc: number) =>
    ev({
      type: 'epoch',
      epoch: e,
      lr: 0.1,
      trainLoss: 1,
      trainAcc: 0.5,
      valLoss: 1.1,
      valAcc: acc,
      archLoss: 1,
      epochSec: 3,
      imagesPerSec: 20,
      skipsNormal: 2,
      skipsReduce: 3,
    }) + ev({ type: 'genotype', epoch: e, text: GENOTYPE })
  writeFileSync(
    `${dir}/events.jsonl`,
    ev({ type: 'started', runId: run.id, preset, backend: BACKEND, weights: 100, stepsPerEpoch: 4, epochs: 2 }) +
      epoch(0, valAcc - 0.1) +
      epoch(1, valAcc) +
      ev({ type: 'finished', genotype: GENOTYPE, valAcc, seconds: 7 }),
  )
  return store.ingestRunDir(dir).runId
}
