/** A WorkerLauncher whose "workers" the test drives by hand: exit codes, signals and IPC messages. */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunEvent, RunEventBody } from '../../src/core/events'
import type { LaunchRequest, WorkerHandle, WorkerLauncher, WorkerMessage } from '../../src/main/runs/launcher'

let nextPid = 4_000_000 // above Linux's pid_max default: never a live process

export class FakeWorker implements WorkerHandle {
  readonly pid = nextPid++
  stops = 0
  kills = 0
  exited = false
  private seq = 0
  private readonly messageListeners: ((m: WorkerMessage) => void)[] = []
  private exitListener: ((code: number | null, signal: NodeJS.Signals | null) => void) | null = null

  constructor(readonly req: LaunchRequest) {}

  onSpawn(listener: (pid: number) => void): void {
    queueMicrotask(() => listener(this.pid))
  }
  onMessage(listener: (m: WorkerMessage) => void): void {
    this.messageListeners.push(listener)
  }
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.exitListener = listener
  }
  /** Like the real worker: checkpoint, 'stopped', exit 75 (asynchronously). */
  stop(): void {
    this.stops++
    setImmediate(() => this.exit(75))
  }
  kill(): void {
    this.kills++
    setImmediate(() => this.exit(null, 'SIGKILL'))
  }

  /** Appends an event to the run's log (continuing its numbering) and sends it over "IPC". */
  emit(body: RunEventBody, seqFrom?: number): RunEvent {
    if (seqFrom !== undefined) this.seq = seqFrom
    const event = { seq: ++this.seq, time: Date.now(), ...body } as RunEvent
    appendFileSync(join(this.req.runDir, 'events.jsonl'), JSON.stringify(event) + '\n')
    for (const l of this.messageListeners) l({ type: 'event', event })
    return event
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.exited) return
    this.exited = true
    this.exitListener?.(code, signal)
  }
}

export class FakeLauncher implements WorkerLauncher {
  readonly workers: FakeWorker[] = []
  launch(req: LaunchRequest): FakeWorker {
    const w = new FakeWorker(req)
    this.workers.push(w)
    return w
  }
  live(): FakeWorker[] {
    return this.workers.filter((w) => !w.exited)
  }
}

export const BACKEND = { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', device: 'test' }

/** Polls until `cond` holds (the service works in setImmediate ticks). */
export async function until(cond: () => boolean, what = 'condition', timeoutMs = 5000, everyMs = 5): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}
