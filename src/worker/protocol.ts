/** The worker's side of the protocol (src/shared/workerProtocol.ts): how it reaches its parent. */
import type { WorkerMessage } from '../shared/workerProtocol'

export { type ParentMessage, WORKER_EXIT, type WorkerMessage } from '../shared/workerProtocol'

/** Electron's utility processes talk through `process.parentPort`; Node's forked children through `process.send`. */
interface ParentPort {
  postMessage(message: unknown): void
}

/** Sends a message to whichever parent started this worker; a no-op when run by hand. */
export function toParent(message: WorkerMessage): void {
  const port = (process as { parentPort?: ParentPort }).parentPort
  if (port) port.postMessage(message)
  else process.send?.(message)
}
