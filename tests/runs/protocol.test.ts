/** Main restates the worker protocol (it may not import the worker layer); the two must agree. */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { WORKER_EXIT as MAIN_EXIT, type WorkerMessage as MainMessage } from '../../src/main/runs/protocol'
import { WORKER_EXIT, type WorkerMessage } from '../../src/worker/protocol'

describe('worker protocol as main sees it', () => {
  it('has the same exit codes and message shapes', () => {
    expect(MAIN_EXIT).toEqual(WORKER_EXIT)
    expectTypeOf<WorkerMessage>().toEqualTypeOf<MainMessage>()
  })
})
