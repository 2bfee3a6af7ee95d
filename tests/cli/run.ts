/** Runs the real `hdarts` entry point (bin/hdarts.js) as a subprocess, as a user would. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '../..')
export const FIXTURES = join(ROOT, 'tests/fixtures/genotypes')

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export function hdarts(args: string[], input?: string | Buffer): RunResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/hdarts.js'), ...args], {
    cwd: ROOT,
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
