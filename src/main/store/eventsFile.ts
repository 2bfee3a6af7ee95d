/**
 * Incremental reading of events.jsonl by the one rule of core/run/eventLog.ts (the clean prefix up to
 * the first bad line, which is reported). The store remembers the byte offset after the last event it
 * read and that line's fingerprint; if the line is no longer there (the worker rewrote the log on
 * resume, or dropped a damaged line), reading starts over from the top and the seq bookkeeping skips
 * what is known.
 */
import { createHash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import type { RunEvent } from '../../core/events'
import { describeDamage, type EventLogDamage, scanEventLog } from '../../core/run/eventLog'

export interface ReadPosition {
  /** Byte offset just after the last event line read. */
  readonly offset: number
  /** Lines up to `offset`, for error messages. */
  readonly line: number
  /** `<bytes>:<sha1>` of the last event line read, newline included. */
  readonly tail: string | null
}

export interface EventsRead extends ReadPosition {
  readonly events: RunEvent[]
  /** Line number of each event, parallel to `events`. */
  readonly lineOf: number[]
  /** The first line not read (torn, or not a run event), or null when the file was read to its end. */
  readonly damage: EventLogDamage | null
  /** `damage` as one line naming file:line. */
  readonly damageNote: string | null
  /** Read from the top (first read, or the file changed under the saved position). */
  readonly fromStart: boolean
}

export function readEventsFrom(file: string, from: ReadPosition): EventsRead {
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    const resume = from.offset > 0 && from.offset <= size && from.tail !== null && endsWith(fd, from.offset, from.tail)
    const base = resume ? from.offset : 0
    const buf = Buffer.alloc(size - base)
    let got = 0
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, base + got)
      if (n === 0) break
      got += n
    }
    const text = buf.toString('utf8', 0, got)
    // Continuing mid-file, the first new event's predecessor is not at hand: its seq is checked by the ingester.
    const scan = scanEventLog(text, { startLine: resume ? from.line : 0, prevSeq: resume ? null : 0 })
    const bytes = (chars: number): number => Buffer.byteLength(text.slice(0, chars))
    const read = scan.events.length > 0
    const end = read ? bytes(scan.goodLength) : 0
    // Only the last line read is fingerprinted: hashing every line would double the cost of a big log.
    const tail = read ? fingerprint(buf.subarray(bytes(scan.lastStart), end)) : resume ? from.tail : null
    return {
      events: scan.events,
      lineOf: scan.lineOf,
      damage: scan.damage,
      damageNote: scan.damage ? describeDamage(file, scan.damage) : null,
      fromStart: base === 0,
      offset: read ? base + end : base,
      line: read ? scan.lineOf.at(-1)! : resume ? from.line : 0,
      tail,
    }
  } finally {
    closeSync(fd)
  }
}

/** A line's length and hash: enough to tell whether it is still there, small enough to keep in runs. */
const fingerprint = (line: Buffer): string => `${line.length}:${createHash('sha1').update(line).digest('hex')}`

/** Whether the line just before `offset` is the one fingerprinted: the file still holds what was read. */
function endsWith(fd: number, offset: number, tail: string): boolean {
  const length = parseInt(tail, 10)
  if (!(length > 0 && length <= offset)) return false
  const have = Buffer.alloc(length)
  readSync(fd, have, 0, length, offset - length)
  return fingerprint(have) === tail
}
