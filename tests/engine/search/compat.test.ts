// The plugin refactor changed no number: a search with every kind of plugin (β-decay, SDARTS-RS,
// DARTS-PT, R-DARTS with DARTS-ADA rollbacks) reports exactly the events the code before it reported,
// and a checkpoint that code wrote (format 3, nested rollback states included) resumes to the same end.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { RunEventBody } from '../../../src/core/events'
import { initBackend } from '../../../src/engine/backends'
import { restoreSnapshot, SNAPSHOT_VERSION } from '../../../src/engine/search/snapshot'
import { decodeCheckpoint } from '../../../src/worker/checkpoint'
import { COMPAT, COMPAT_IMAGES, timeless } from './compat'
import { disposeSearch, runAll, tinySearch } from './helpers'

const DIR = join(import.meta.dirname, '../../fixtures/search')
const before = JSON.parse(readFileSync(join(DIR, 'pre-plugins.events.json'), 'utf8')) as {
  full: RunEventBody[]
  part: RunEventBody[]
  genotype: string
}

beforeAll(async () => {
  await initBackend('wasm')
})

describe('checkpoints and numbers from before the plugin refactor', () => {
  it('the same run gives the same events, bit for bit', async () => {
    const s = tinySearch(COMPAT, COMPAT_IMAGES)
    try {
      const { events } = await runAll(s)
      expect(timeless(events)).toEqual(before.full)
      expect(s.finalGenotypeText()).toBe(before.genotype)
    } finally {
      disposeSearch(s)
    }
  }, 300_000)

  it('its checkpoint, written by the old code, resumes to the old run’s end', async () => {
    const file = join(DIR, 'pre-plugins.ckpt')
    const snap = decodeCheckpoint(readFileSync(file), file)
    expect(snap.meta.version).toBe(SNAPSHOT_VERSION)
    expect(Object.keys(snap.meta)).toEqual(expect.arrayContaining(['rdarts', 'pt', 'rollbacks']))
    expect((snap.meta.rollbacks ?? []).length).toBeGreaterThan(0)
    const s = tinySearch(COMPAT, COMPAT_IMAGES)
    try {
      restoreSnapshot(s, snap)
      expect(s.position).toEqual({ epoch: 2, step: 2 })
      const rest = await runAll(s)
      expect([...before.part, ...timeless(rest.events)]).toEqual(before.full)
      expect(s.finalGenotypeText()).toBe(before.genotype)
    } finally {
      disposeSearch(s)
    }
  }, 300_000)
})
