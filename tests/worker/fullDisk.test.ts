/**
 * A full disk while a checkpoint is written: a clear error, the previous checkpoint still valid, no
 * partial temp file left taking space. Uses a real small tmpfs (needs root to mount; skipped with a
 * printed reason otherwise).
 */
import { execFileSync } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Snapshot, SnapshotMeta } from '../../src/engine/search/snapshot'
import { CheckpointError, readCheckpoint, writeCheckpoint } from '../../src/worker/checkpoint'

const mountPoint = mkdtempSync(join(tmpdir(), 'hdarts-full-disk-'))
let mounted = false
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mountPoint], { stdio: 'ignore' })
  mounted = true
} catch {
  console.log('skipping the full-disk test: cannot mount a small tmpfs here (needs root)')
}
afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint])
  rmSync(mountPoint, { recursive: true, force: true })
})

const snapshot = (fill: number, floats: number): Snapshot => ({
  meta: { version: 3, epochMarker: fill } as unknown as SnapshotMeta,
  data: new Float32Array(floats).fill(fill),
})

describe.skipIf(!mounted)('checkpoint on a full disk', () => {
  it('fails with one clear line and keeps the previous checkpoint', () => {
    const dir = join(mountPoint, 'checkpoints')
    execFileSync('mkdir', [dir])
    writeCheckpoint(dir, snapshot(1, 20_000)) // 80 kB
    // Fill the rest of the disk, 4 KiB at a time until the filesystem refuses.
    const fd = openSync(join(mountPoint, 'filler'), 'w')
    try {
      for (;;) writeSync(fd, Buffer.alloc(4096))
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
    } finally {
      closeSync(fd)
    }
    let error: unknown
    try {
      writeCheckpoint(dir, snapshot(2, 20_000))
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(CheckpointError)
    expect((error as Error).message).toMatch(/cannot write a checkpoint in .*: the disk is full; the previous checkpoint is kept/)
    expect((error as Error).message.split('\n')).toHaveLength(1)
    expect(existsSync(join(dir, 'latest.ckpt.tmp'))).toBe(false)
    const back = readCheckpoint(dir)!
    expect(back.file).toMatch(/latest\.ckpt$/)
    expect(back.snapshot.data.every((v) => v === 1)).toBe(true)
    // Space freed: the next checkpoint goes through and the first becomes `previous`.
    rmSync(join(mountPoint, 'filler'))
    writeCheckpoint(dir, snapshot(3, 20_000))
    expect(readCheckpoint(dir)!.snapshot.data[0]).toBe(3)
    expect(existsSync(join(dir, 'previous.ckpt'))).toBe(true)
  })
})
