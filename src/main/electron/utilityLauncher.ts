/**
 * The app's WorkerLauncher: search workers as Electron utility processes (DESIGN.md §2), so they show
 * in Electron's process list under their run and die with the app's process tree handling. Thin on
 * purpose: everything else about runs lives in src/main/runs and is tested under Node.
 */
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { utilityProcess } from 'electron'
import { WORKER_LOG } from '../../core/run/runFile'
import { type LaunchRequest, type WorkerHandle, type WorkerLauncher, type WorkerMessage, workerArgs } from '../runs/launcher'

export class UtilityProcessLauncher implements WorkerLauncher {
  /** `entry`: the bundled worker (electron-vite's `?modulePath` import of src/worker/main.ts). */
  constructor(private readonly entry: string) {}

  launch(req: LaunchRequest): WorkerHandle {
    const child = utilityProcess.fork(this.entry, workerArgs(req), {
      serviceName: req.serviceName,
      stdio: 'pipe',
      env: req.env as Record<string, string>,
    })
    const log = createWriteStream(join(req.runDir, WORKER_LOG), { flags: 'a' })
    child.stdout?.pipe(log, { end: false })
    child.stderr?.pipe(log, { end: false })
    let exited = false
    child.once('exit', () => {
      exited = true
      log.end()
    })
    return {
      get pid() {
        return child.pid ?? null
      },
      onSpawn: (listener) =>
        child.pid !== undefined ? queueMicrotask(() => listener(child.pid!)) : child.once('spawn', () => listener(child.pid!)),
      onMessage: (listener) => child.on('message', (m: WorkerMessage) => listener(m)),
      // Electron reports only an exit code; a signal death shows as a non-zero code.
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      // utilityProcess.kill() sends SIGTERM on POSIX: the worker checkpoints and exits 75.
      stop: () => void (exited || child.kill()),
      kill: () => {
        if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGKILL')
      },
    }
  }
}
