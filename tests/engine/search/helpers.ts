/** A tiny synthetic search: learnable 8×8 images (class = which quadrant is bright) and a C=2, 3-cell supernet. */
import '@tensorflow/tfjs'
import * as tf from '@tensorflow/tfjs-core'
import { PRESETS, type SearchConfig } from '../../../src/core/config/search'
import { Rng } from '../../../src/core/rng'
import { makeSet, type DatasetInfo } from '../../../src/engine/data/types'
import { searchDataFromSplit } from '../../../src/engine/search/data'
import { Searcher } from '../../../src/engine/search/searcher'
import type { RunEventBody } from '../../../src/core/events'
import { buildSearchParts } from '../../../src/engine/methods/registry'
import type { SearchPlugin } from '../../../src/engine/search/plugin'
import { buildSearch, disposeSearch, initState } from '../../../src/engine/search/session'

export const TINY: SearchConfig = {
  ...PRESETS.find((p) => p.name === 'darts-1st-quick')!.config,
  C: 2,
  layers: 3,
  steps: 2,
  multiplier: 2,
  batchSize: 8,
  epochs: 2,
  limitPerHalf: null,
  augment: false,
  seed: 7,
}

const INFO: DatasetInfo = {
  id: 'folder',
  label: 'synthetic quadrants',
  shape: { height: 8, width: 8, channels: 1 },
  numClasses: 4,
  classNames: ['tl', 'tr', 'bl', 'br'],
  normalization: { mean: [0.3], std: [0.3] },
  augment: { cropPadding: 1, flip: false, cutout: 0 },
}

export function syntheticSet(count: number, seed: number) {
  const rng = new Rng(seed)
  const images = new Uint8Array(count * 64)
  const labels = new Int32Array(count)
  for (let n = 0; n < count; n++) {
    const c = rng.int(4)
    labels[n] = c
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 8; j++) {
        const inside = i < 4 === c < 2 && j < 4 === (c % 2 === 0)
        images[n * 64 + i * 8 + j] = Math.min(255, (inside ? 170 : 40) + rng.int(60))
      }
  }
  return { images, labels }
}

/** `extra`: plugins attached after the registry's (as a new method's would be). */
export function tinySearch(config: SearchConfig = TINY, count = 48, extra: readonly SearchPlugin[] = []): Searcher {
  const train = syntheticSet(count, 1)
  const val = syntheticSet(count, 2)
  const { data } = searchDataFromSplit(
    config,
    INFO,
    makeSet('search-train', train.images, train.labels, INFO.shape),
    makeSet('search-val', val.images, val.labels, INFO.shape),
  )
  if (!extra.length) return buildSearch(config, data, INFO.numClasses)
  const { method, plugins } = buildSearchParts(config, data.shape, INFO.numClasses, data.train.batchesPerEpoch)
  const rng = new Rng(config.seed)
  return new Searcher(config, method, initState(method, rng), data, rng.fork().getState(), [...plugins, ...extra])
}

export { disposeSearch }

/** softmax(α) of both cell types: the DARTS mixing of a tiny search. */
export const dartsMixing = (s: Searcher) => ({ normal: tf.softmax(s.state.arch[0]!), reduce: tf.softmax(s.state.arch[1]!) })

/** Runs a search to its end, or until `stopAfter` steps (then the stop reason is 'SIGTERM'), collecting its events. */
export async function runAll(s: Searcher, stopAfter?: number): Promise<{ events: RunEventBody[]; reason: string | null }> {
  const events: RunEventBody[] = []
  let steps = 0
  const reason = await s.run({
    emit: (e) => events.push(e),
    stopRequested: () => (stopAfter !== undefined && ++steps >= stopAfter ? 'SIGTERM' : null),
    checkpoint: async () => {},
    progressEveryMs: 0,
  })
  return { events, reason }
}
