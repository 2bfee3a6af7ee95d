/** Store test helpers: temp folders cleaned after each file, plus the synthetic runs of ./synthetic. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

export * from './synthetic'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A fresh temp folder, removed after the test file. */
export function tmpDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hdarts-store-'))
  dirs.push(d)
  return d
}
