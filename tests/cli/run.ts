/** Runs the real `hdarts` entry point (bin/hdarts.js) as a subprocess, as a user would. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

export const ROOT = join(import.meta.dirname, '../..')
export const FIXTURES = join(ROOT, 'tests/fixtures/genotypes')

// Commands that touch the run database or create runs (search, runs) must never write to the
// developer's own: every process a test file starts inherits a throwaway $HDARTS_DB and
// $HDARTS_RUNS_DIR unless the test passes --db / --runs-dir.
if (!process.env.HDARTS_DB) {
  const dir = mkdtempSync(join(tmpdir(), 'hdarts-test-db-'))
  process.env.HDARTS_DB = join(dir, 'hdarts.db')
  process.env.HDARTS_RUNS_DIR = join(dir, 'runs')
  afterAll(() => {
    delete process.env.HDARTS_DB
    delete process.env.HDARTS_RUNS_DIR
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  })
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The generous default limit is for the searches: on a 2-core machine they share the cores with the
 * fault-injection tests (three workers at once), and a limit hit here looks like a failed search.
 */
export function hdarts(args: string[], input?: string | Buffer, timeoutMs = 300_000): RunResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/hdarts.js'), ...args], {
    cwd: ROOT,
    input: input ?? '',
    encoding: 'utf8',
    timeout: timeoutMs,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
