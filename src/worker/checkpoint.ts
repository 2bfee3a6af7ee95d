/**
 * Checkpoint files: magic, JSON metadata, float32 payload and a SHA-256 of all of it. Written
 * atomically (temp file, fsync, rename) and the previous good checkpoint is kept, so a crash or a
 * damaged file never leaves a run without a good checkpoint.
 */
import { createHash } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Snapshot, SnapshotMeta } from '../engine/search/snapshot'

const MAGIC = Buffer.from('HDCKPT1\n')
export const LATEST = 'latest.ckpt'
export const PREVIOUS = 'previous.ckpt'
const TEMP = 'latest.ckpt.tmp'

/** What a checkpoint holds: a search Snapshot, an evaluation's EvalSnapshot (JSON metadata + float32 payload). */
export interface CheckpointData {
  readonly meta: object
  readonly data: Float32Array
}

export class CheckpointError extends Error {
  override name = 'CheckpointError'
}

export function encodeCheckpoint(snap: CheckpointData): Buffer {
  const meta = Buffer.from(JSON.stringify(snap.meta), 'utf8')
  const head = Buffer.alloc(4)
  head.writeUInt32LE(meta.length)
  // Pad so the float32 payload starts 4-byte aligned within the file.
  const pad = Buffer.alloc((4 - ((MAGIC.length + 4 + meta.length) % 4)) % 4, 0x20)
  const payload = Buffer.from(snap.data.buffer, snap.data.byteOffset, snap.data.byteLength)
  const body = Buffer.concat([MAGIC, head, meta, pad, payload])
  return Buffer.concat([body, createHash('sha256').update(body).digest()])
}

export function decodeCheckpoint(buf: Buffer, file: string): Snapshot {
  if (buf.length < MAGIC.length + 4 + 32 || !buf.subarray(0, MAGIC.length).equals(MAGIC))
    throw new CheckpointError(`${file}: not an hdarts checkpoint`)
  const body = buf.subarray(0, buf.length - 32)
  if (
    !createHash('sha256')
      .update(body)
      .digest()
      .equals(buf.subarray(buf.length - 32))
  )
    throw new CheckpointError(`${file}: checksum mismatch (the file is damaged or truncated)`)
  const metaLen = body.readUInt32LE(MAGIC.length)
  const metaStart = MAGIC.length + 4
  let meta: SnapshotMeta
  try {
    meta = JSON.parse(body.subarray(metaStart, metaStart + metaLen).toString('utf8')) as SnapshotMeta
  } catch {
    throw new CheckpointError(`${file}: metadata is not valid JSON`)
  }
  const dataStart = metaStart + metaLen + ((4 - ((metaStart + metaLen) % 4)) % 4)
  const bytes = body.subarray(dataStart)
  if (bytes.length % 4 !== 0) throw new CheckpointError(`${file}: payload is not float32-aligned`)
  const data = new Float32Array(bytes.length / 4)
  Buffer.from(data.buffer).set(bytes)
  return { meta, data }
}

function writeDurably(path: string, buf: Buffer): void {
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, buf)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    fsyncSync(fd)
    closeSync(fd)
  } catch {
    // Some filesystems refuse fsync on directories; the renames are still atomic there.
  }
}

/** Writes `latest.ckpt` atomically; the one it replaces becomes `previous.ckpt`. Returns the bytes written. */
export function writeCheckpoint(dir: string, snap: CheckpointData): number {
  const buf = encodeCheckpoint(snap)
  try {
    writeDurably(join(dir, TEMP), buf)
  } catch (err) {
    // A partial temp file would only hold space a full disk needs; latest/previous are untouched.
    rmSync(join(dir, TEMP), { force: true })
    const e = err as NodeJS.ErrnoException
    const why = e.code === 'ENOSPC' ? 'the disk is full' : e.code === 'EDQUOT' ? 'the disk quota is exceeded' : e.message
    throw new CheckpointError(`cannot write a checkpoint in ${dir}: ${why}; the previous checkpoint is kept`)
  }
  if (existsSync(join(dir, LATEST))) renameSync(join(dir, LATEST), join(dir, PREVIOUS))
  renameSync(join(dir, TEMP), join(dir, LATEST))
  fsyncDir(dir)
  return buf.length
}

/**
 * The newest checkpoint that verifies: latest, then a complete temp file (a crash between the two
 * renames), then previous. With `maxEventSeq`, one that covers events the log no longer has (a damaged
 * events.jsonl) is skipped too. Null when there is none; a CheckpointError when files exist but none
 * can be used. `skipped` says why each newer one was passed over: a fallback loses work, and the
 * caller must say so.
 */
export function readCheckpoint(
  dir: string,
  opts: { maxEventSeq?: number } = {},
): { snapshot: Snapshot; file: string; skipped: string[] } | null {
  const skipped: string[] = []
  for (const name of [LATEST, TEMP, PREVIOUS]) {
    const path = join(dir, name)
    if (!existsSync(path)) continue
    try {
      const snapshot = decodeCheckpoint(readFileSync(path), path)
      const seq = (snapshot.meta as { eventSeq?: number }).eventSeq ?? 0
      if (opts.maxEventSeq !== undefined && seq > opts.maxEventSeq) {
        skipped.push(`${path}: covers events up to seq ${seq}, but the event log is good only up to seq ${opts.maxEventSeq}`)
        continue
      }
      return { snapshot, file: path, skipped }
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err
      skipped.push(err.message)
    }
  }
  if (skipped.length) throw new CheckpointError(`nothing can be resumed: no usable checkpoint: ${skipped.join('; ')}`)
  return null
}
