/** Runs the real `hdarts` entry point (bin/hdarts.js) as a subprocess, as a user would. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '../..')
export const FIXTURES = join(ROOT, 'tests/fixtures/genotypes')

// Commands that touch the run database (search, runs) must never write to the developer's own: every
// process a test starts inherits a throwaway $HDARTS_DB unless the test passes --db.
if (!process.env.HDARTS_DB) {
  const dir = mkdtempSync(join(tmpdir(), 'hdarts-test-db-'))
  process.env.HDARTS_DB = join(dir, 'hdarts.db')
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export function hdarts(args: string[], input?: string | Buffer, timeoutMs = 60_000): RunResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/hdarts.js'), ...args], {
    cwd: ROOT,
    input: input ?? '',
    encoding: 'utf8',
    timeout: timeoutMs,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
