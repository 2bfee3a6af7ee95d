/**
 * The run behind tests/fixtures/search/pre-plugins.*: every kind of search plugin at once (β-decay,
 * SDARTS-RS, DARTS-PT selection, the R-DARTS monitor with DARTS-ADA rollback states) on the tiny
 * synthetic search, stopped inside DARTS-PT's tuning. `tests/fixtures/search/make-pre-plugins.ts`
 * wrote the fixture with the code before the plugin refactor (main at 8dc019c,
 * whose engine and worker are those of ba89564, where this branch starts).
 */
import type { SearchConfig } from '../../../src/core/config/search'
import type { RunEventBody } from '../../../src/core/events'
import { TINY } from './helpers'

export const COMPAT: SearchConfig = {
  ...TINY,
  regularization: { ...TINY.regularization, betaDecay: { lambdaMax: 1 } },
  perturbation: { ...TINY.perturbation, kind: 'random' },
  selection: 'pt',
  pt: { interval: 0.34, lrFactor: 0.1, evalBatches: 1 },
  hessian: { ...TINY.hessian, every: 1, iterations: 3, ada: true, startEpoch: 0 },
}

/** Images per half (3 steps an epoch) and the step after which the first run stops (epoch 2, step 2: in the tuning). */
export const COMPAT_IMAGES = 24
export const COMPAT_STOP = 8

/** Events without the progress stream and the timings, which differ from run to run. */
export const timeless = (events: readonly RunEventBody[]): RunEventBody[] =>
  events.filter((e) => e.type !== 'progress').map((e) => (e.type === 'epoch' ? { ...e, epochSec: 0, imagesPerSec: 0 } : e))
