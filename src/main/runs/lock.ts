/**
 * One service per database: a lock file beside the database holding the owner's pid and host, so two
 * services (the app and `hdarts runs grid`, say) never run the same queue twice. A lock whose owner is
 * dead is stale and taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { pidAlive } from './process'

export class ServiceLockError extends Error {
  override name = 'ServiceLockError'
}

interface LockContent {
  readonly pid: number
  readonly host: string
  readonly startedAt: number
}

function readLock(file: string): LockContent | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>
    return typeof v.pid === 'number' && typeof v.host === 'string' ? (v as LockContent) : null
  } catch {
    return null // unreadable or half-written: treat as stale
  }
}

/** Lock files this process holds (two services in one process conflict too). */
const HELD = new Set<string>()

export interface ServiceLock {
  readonly file: string
  release(): void
}

export function acquireServiceLock(lockFile: string, what = 'the database'): ServiceLock {
  const file = resolve(lockFile)
  const me: LockContent = { pid: process.pid, host: hostname(), startedAt: Date.now() }
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number
    try {
      fd = openSync(file, 'wx')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = readLock(file)
      if (owner && owner.host !== me.host)
        throw new ServiceLockError(
          `${what} is in use by an hdarts service on ${owner.host} (pid ${owner.pid}); if that host is gone, delete ${file}`,
        )
      // Our own pid in the file is a conflict only if this process holds it; otherwise a previous
      // process that had the same pid (containers restart with the same pids) left it behind.
      const alive = owner && (owner.pid === me.pid ? HELD.has(file) : pidAlive(owner.pid))
      if (alive)
        throw new ServiceLockError(
          `another hdarts service (pid ${owner!.pid}) is already running workers on ${what}; stop it first or use it (lock ${file})`,
        )
      try {
        unlinkSync(file) // stale: its owner died without releasing it
      } catch {
        // someone else removed it first; retry
      }
      continue
    }
    writeSync(fd, JSON.stringify(me) + '\n')
    closeSync(fd)
    HELD.add(file)
    let released = false
    return {
      file,
      release() {
        if (released) return
        released = true
        HELD.delete(file)
        // Only our own lock: a service that lost it (deleted by hand) must not remove a successor's.
        if (readLock(file)?.pid === me.pid) unlinkSync(file)
      },
    }
  }
  throw new ServiceLockError(`could not take the service lock ${file}`)
}
