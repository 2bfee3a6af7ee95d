/** Main's side of the worker protocol: the shared definition (src/shared/workerProtocol.ts). */
export { WORKER_EXIT, type WorkerMessage } from '../../shared/workerProtocol'
