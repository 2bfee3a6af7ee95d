/**
 * How a search worker is started (DESIGN.md §2): one interface, `child_process.fork` under Node (CLI,
 * `hdarts serve`, tests) and Electron's `utilityProcess.fork` in the app (src/main/electron).
 */
import { fork } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WORKER_LOG } from '../../core/run/runFile'
import type { WorkerMessage } from './protocol'

export type { WorkerMessage }

export interface LaunchRequest {
  readonly runDir: string
  /** Pass `--resume`: continue from the newest good checkpoint (or start over if there is none). */
  readonly resume: boolean
  /** The worker's whole environment (the service sets CUDA_VISIBLE_DEVICES per slot). */
  readonly env: NodeJS.ProcessEnv
  /** A name for process lists (Electron shows it in its task manager). */
  readonly serviceName: string
}

export interface WorkerHandle {
  /** Null until the process exists (Electron reports it only on 'spawn'). */
  readonly pid: number | null
  /** Called once with the pid when the process exists. */
  onSpawn(listener: (pid: number) => void): void
  onMessage(listener: (message: WorkerMessage) => void): void
  /** Called once; `code` is null when a signal ended the process. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void
  /** SIGTERM: the worker finishes its step, checkpoints and exits with 75. */
  stop(): void
  /** SIGKILL: no checkpoint on the way out; the run resumes from its last epoch checkpoint. */
  kill(): void
}

export interface WorkerLauncher {
  /** Throws when the process cannot be started at all. */
  launch(request: LaunchRequest): WorkerHandle
}

/**
 * The worker entry point, run from source through tsx (as `hdarts search` has always done), or the bundled
 * worker.mjs that the portable build (scripts/build-portable.mjs) names in $HDARTS_WORKER_ENTRY.
 */
export const WORKER_ENTRY = process.env.HDARTS_WORKER_ENTRY || fileURLToPath(new URL('../../worker/main.ts', import.meta.url))

export const workerArgs = (req: LaunchRequest): string[] => [req.runDir, ...(req.resume ? ['--resume'] : [])]

export class ChildProcessLauncher implements WorkerLauncher {
  constructor(private readonly entry: string = WORKER_ENTRY) {}

  launch(req: LaunchRequest): WorkerHandle {
    // Appending keeps the logs of earlier attempts, which is where a crash's stack trace would be.
    const log = openSync(join(req.runDir, WORKER_LOG), 'a')
    // A bundled .mjs worker runs on plain Node; tsx is only for the TypeScript source.
    const execArgv = this.entry.endsWith('.ts') ? ['--import', fileURLToPath(import.meta.resolve('tsx'))] : []
    let child
    try {
      child = fork(this.entry, workerArgs(req), {
        execArgv,
        stdio: ['ignore', log, log, 'ipc'],
        env: req.env,
      })
    } finally {
      closeSync(log) // the child holds its own copy of the descriptor
    }
    const pid = child.pid
    if (pid === undefined) throw new Error(`could not start the worker for ${req.runDir}`)
    // A closed IPC channel (the worker died mid-send) must not crash the parent.
    child.on('error', () => {})
    return {
      pid,
      onSpawn: (listener) => queueMicrotask(() => listener(pid)),
      onMessage: (listener) => child.on('message', (m) => listener(m as WorkerMessage)),
      onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
      stop: () => void signal(child, 'SIGTERM'),
      kill: () => void signal(child, 'SIGKILL'),
    }
  }
}

function signal(
  child: { kill(sig: NodeJS.Signals): boolean; exitCode: number | null; signalCode: string | null },
  sig: NodeJS.Signals,
) {
  if (child.exitCode !== null || child.signalCode !== null) return false
  try {
    return child.kill(sig)
  } catch {
    return false // already gone
  }
}
