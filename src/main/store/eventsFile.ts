/**
 * Incremental reading of events.jsonl. The store remembers the byte offset after the last event it
 * read and that line's text; if the line is no longer there (the worker rewrote the log on resume, or
 * dropped a torn line), reading starts over from the top and the seq bookkeeping skips what is known.
 */
import { createHash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import type { RunEvent } from '../../core/events'
import { StoreError } from './errors'

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
  /** The last line was torn or garbled and was left unread. */
  readonly truncatedLine: boolean
  /** Read from the top (first read, or the file changed under the saved position). */
  readonly fromStart: boolean
}

const NL = 0x0a

export function readEventsFrom(file: string, from: ReadPosition): EventsRead {
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    const resume = from.offset > 0 && from.offset <= size && from.tail !== null && endsWith(fd, from.offset, from.tail)
    const base = resume ? from.offset : 0
    let line = resume ? from.line : 0
    const tail = resume ? from.tail : null
    let lastLine = -1
    let offset = base
    const buf = Buffer.alloc(size - base)
    let got = 0
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, base + got)
      if (n === 0) break
      got += n
    }
    const events: RunEvent[] = []
    const lineOf: number[] = []
    let truncatedLine = false
    let lineNo = line
    for (let pos = 0; pos < got;) {
      const nl = buf.indexOf(NL, pos)
      const complete = nl >= 0 && nl < got
      const end = complete ? nl : got
      const text = buf.toString('utf8', pos, end)
      const next = complete ? nl + 1 : got
      lineNo++
      // A line without its newline is a write in flight or torn by a crash: never taken, even if it parses.
      const event = complete && text.trim() ? parseEvent(text) : null
      if (event) {
        events.push(event)
        lineOf.push(lineNo)
        offset = base + next
        line = lineNo
        lastLine = pos
      } else if (text.trim()) {
        if (buf.toString('utf8', next, got).trim()) throw new StoreError(`${file}:${lineNo}: not a run event`)
        truncatedLine = true
        break
      }
      pos = next
    }
    // Only the last line read is fingerprinted: hashing every line would double the cost of a big log.
    const newTail = lastLine < 0 ? tail : fingerprint(buf.subarray(lastLine, offset - base))
    return { events, lineOf, truncatedLine, fromStart: base === 0, offset, line, tail: newTail }
  } finally {
    closeSync(fd)
  }
}

function parseEvent(text: string): RunEvent | null {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null
  const e = v as { seq?: unknown; type?: unknown; time?: unknown }
  if (!Number.isInteger(e.seq) || (e.seq as number) < 1 || typeof e.type !== 'string' || typeof e.time !== 'number') return null
  return v as RunEvent
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
