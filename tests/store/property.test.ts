/** Whatever order and duplication events arrive in, the store ends where one clean ingest ends. */
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { openStore, type Store } from '../../src/main/store'
import { BACKEND, EventWriter, newRun, tmpDir } from './helpers'

function finalState(store: Store, id: string) {
  return {
    run: store.getRun(id),
    series: Object.fromEntries(store.metricKeys([id]).map((k) => [k, store.metricSeries([id], k)])),
    latest: store.latestMetrics([id]),
    alphas: store.alphaSnapshots(id),
    matrices: store.methodMatrices(id),
    genotypes: store.genotypes(id),
    checkpoints: store.checkpoints(id),
  }
}

/** Gen A runs `epochsA` epochs and dies; if `resumeAt` is set, gen B resumes after that epoch's checkpoint. */
function scenario(epochsA: number, resumeAt: number | null, end: 'finished' | 'failed' | 'none') {
  const a = new EventWriter()
  a.started(6)
  const ckptSeq: number[] = []
  for (let e = 0; e < epochsA; e++) {
    a.epoch(e)
    ckptSeq.push(a.seq)
  }
  if (resumeAt === null || resumeAt >= epochsA) return { genA: a.events, final: withEnd(a, end) }
  const disc = ckptSeq[resumeAt]!
  const b = new EventWriter(disc, a.time + 5000)
  b.emit({ type: 'resumed', epoch: resumeAt + 1, step: 0, backend: BACKEND, discardedAfterSeq: disc })
  for (let e = resumeAt + 1; e < 6; e++) b.epoch(e, { valAcc: 0.8 - e / 100 })
  return { genA: a.events, final: [...a.events.slice(0, disc), ...withEnd(b, end)] }
}

function withEnd(w: EventWriter, end: 'finished' | 'failed' | 'none'): RunEvent[] {
  if (end === 'finished') w.emit({ type: 'finished', genotype: 'G', valAcc: 0.5, seconds: 1 })
  if (end === 'failed') w.emit({ type: 'failed', reason: 'error', message: 'x' })
  return w.events
}

/** Random batches: slices of `events`, shuffled and repeated. */
const batchesOf = (events: readonly RunEvent[]) =>
  fc.array(
    fc.tuple(fc.nat(events.length), fc.nat(events.length)).map(([i, j]) => events.slice(Math.min(i, j), Math.max(i, j))),
    { maxLength: 8 },
  )

describe('ingest (property)', () => {
  it('any interleaving and duplication of batches, then a catch-up, equals one clean ingest', () => {
    const dir = tmpDir()
    let n = 0
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.integer({ min: 0, max: 4 })),
        fc.constantFrom('finished' as const, 'failed' as const, 'none' as const),
        fc.infiniteStream(fc.nat()),
        (epochsA, resumeAt, end, rnd) => {
          const { genA, final } = scenario(epochsA, resumeAt, end)
          const ref = openStore(join(dir, `ref-${n}.db`))
          ref.insertRun(newRun('r', { createdAt: 1 }))
          ref.ingestEvents('r', final)
          const want = finalState(ref, 'r')
          ref.close()

          const got = openStore(join(dir, `got-${n++}.db`))
          got.insertRun(newRun('r', { createdAt: 1 }))
          // Gen A's events as the dead worker streamed them, then gen B's; batches in any order, repeated.
          const it = rnd[Symbol.iterator]()
          const pick = () => it.next().value as number
          for (const log of resumeAt === null ? [final] : [genA, final]) {
            const batches = fc.sample(batchesOf(log), { numRuns: 1, seed: pick() })[0]!
            for (const b of batches) got.ingestEvents('r', b)
            got.ingestEvents('r', log) // the catch-up (RunService's ingestRunDir after a gap)
          }
          expect(finalState(got, 'r')).toEqual(want)
          expect(got.integrityCheck()).toBe('ok')
          got.close()
        },
      ),
      { numRuns: 60 },
    )
  })
})
