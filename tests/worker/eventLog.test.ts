// Non-finite numbers survive the whole path: worker event log → events.jsonl → store → query.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store/index'
import { EventLog, scanEvents } from '../../src/worker/eventLog'

let dir = ''
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const epoch = (epoch: number, trainLoss: number, valLoss: number) =>
  ({
    type: 'epoch',
    epoch,
    lr: 0.1,
    trainLoss,
    trainAcc: 0.1,
    valLoss,
    valAcc: 0.1,
    archLoss: 1,
    epochSec: 1,
    imagesPerSec: 1,
    skipsNormal: 0,
    skipsReduce: 0,
  }) as const

describe('event log', () => {
  it('writes NaN and ±Infinity as strings that the store reads back as numbers', () => {
    dir = mkdtempSync(join(tmpdir(), 'hdarts-eventlog-'))
    const log = new EventLog(join(dir, 'events.jsonl'))
    const wire = log.append(epoch(0, NaN, Infinity))
    log.append(epoch(1, -Infinity, 0.5))
    log.close()
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toContain('"trainLoss":"NaN","trainAcc":0.1,"valLoss":"Infinity"')
    expect((wire as unknown as { trainLoss: unknown }).trainLoss).toBe('NaN') // IPC sees what the file holds
    const store = openStore(':memory:')
    try {
      store.insertRun({
        id: 'r1',
        experimentId: null,
        runDir: dir,
        kind: 'search',
        preset: null,
        method: 'darts',
        dataset: 'x',
        seed: 0,
        config: {},
      })
      store.ingestEvents('r1', scanEvents(join(dir, 'events.jsonl')).events)
      const series = (key: string) => store.metricSeries(['r1'], key).map((p) => p.value)
      expect(series('trainLoss')).toEqual([NaN, -Infinity])
      expect(series('valLoss')).toEqual([Infinity, 0.5])
    } finally {
      store.close()
    }
  })
})
