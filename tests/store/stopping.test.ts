/** A stop requested before the worker's first event is not undone by its `started`/`resumed` events. */
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store'
import { EventWriter, newRun } from './helpers'

describe('ingest keeps a pending stop', () => {
  for (const [status, statusReason] of [
    ['paused', 'pausing'],
    ['cancelled', 'cancelling'],
  ] as const)
    it(`${status} (${statusReason}) survives the worker's started event`, () => {
      const store = openStore(':memory:')
      store.insertRun(newRun('r1'))
      store.updateRun('r1', { status, statusReason })
      const w = new EventWriter()
      w.started(3)
      store.ingestEvents('r1', w.events)
      expect(store.getRun('r1')).toMatchObject({ status, statusReason, epochsTotal: 3 })
      store.close()
    })

  it('a run queued or interrupted becomes running on started', () => {
    const store = openStore(':memory:')
    store.insertRun(newRun('r2'))
    store.updateRun('r2', { status: 'interrupted', statusReason: 'killed' })
    const w = new EventWriter()
    w.started(3)
    store.ingestEvents('r2', w.events)
    expect(store.getRun('r2')).toMatchObject({ status: 'running', statusReason: null })
    store.close()
  })
})
