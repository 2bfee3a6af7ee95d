/** Process liveness checks for workers and services that are not our children (after a crash of main). */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The process's command line, or null when it is gone, a zombie, or the platform cannot tell. */
function commandLine(pid: number): string[] | null {
  if (process.platform === 'linux') {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      return args.length ? args : null // a zombie has an empty command line
    } catch {
      return null
    }
  }
  if (process.platform === 'win32') return null
  try {
    const out = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return out.trim() ? [out.trim()] : null
  } catch {
    return null
  }
}

/**
 * Is `pid` a live search worker of `runDir`? Checks the command line where the platform allows, so a
 * recycled pid is not mistaken for the worker; on Windows only liveness can be checked.
 */
export function isWorkerOf(pid: number | null, runDir: string): boolean {
  if (pid === null || !pidAlive(pid)) return false
  if (process.platform === 'win32') return true
  const args = commandLine(pid)
  return args !== null && args.some((a) => ` ${a} `.includes(` ${runDir} `))
}
