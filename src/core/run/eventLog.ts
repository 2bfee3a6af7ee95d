/**
 * The one rule for reading `events.jsonl`, used by every reader (the worker on resume, the store's
 * ingest, the run-directory helpers): events are taken line by line while each line is a complete,
 * valid event whose `seq` follows the previous one; the first line that is not stops the reading and is
 * reported with its line number. A last line without its newline is `torn` (a write in flight or a
 * crash mid-write: expected); anything else is `corrupt` (a damaged file). Nothing after the first bad
 * line is taken, so every reader sees the same clean prefix of the run.
 */
import type { RunEvent } from '../events'

export interface EventLogDamage {
  /** 1-based line number of the first line not taken. */
  readonly line: number
  readonly kind: 'torn' | 'corrupt'
  readonly reason: string
  /** Non-empty lines from that line to the end of the file (all of them are left unread). */
  readonly linesLeft: number
}

export interface EventLogScan {
  readonly events: RunEvent[]
  /** Line number of each event, parallel to `events`. */
  readonly lineOf: number[]
  /** Characters of the text up to and including the newline of the last event taken. */
  readonly goodLength: number
  /** Where the last event taken starts (-1: none), so a reader can fingerprint that line. */
  readonly lastStart: number
  readonly damage: EventLogDamage | null
}

/** One line as an event, or why it is not one. `prevSeq` is the seq of the event before it (0 at the start). */
export function parseEventLine(text: string, prevSeq: number | null): RunEvent | string {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return 'not JSON'
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object'
  const e = v as { seq?: unknown; type?: unknown; time?: unknown }
  if (!Number.isInteger(e.seq) || (e.seq as number) < 1) return 'no valid seq'
  if (typeof e.type !== 'string') return 'no event type'
  if (typeof e.time !== 'number') return 'no valid time'
  if (prevSeq !== null && e.seq !== prevSeq + 1) return `seq ${String(e.seq)} does not follow ${prevSeq}`
  return v as RunEvent
}

/**
 * Scans a log's text. `startLine` and `prevSeq` continue an incremental read (the store reads from a
 * saved offset); `prevSeq: null` skips the sequence check (a reader that starts mid-file).
 */
export function scanEventLog(text: string, opts: { startLine?: number; prevSeq?: number | null } = {}): EventLogScan {
  const events: RunEvent[] = []
  const lineOf: number[] = []
  let prevSeq = opts.prevSeq === undefined ? 0 : opts.prevSeq
  let lineNo = opts.startLine ?? 0
  let goodLength = 0
  let lastStart = -1
  for (let pos = 0; pos < text.length;) {
    const nl = text.indexOf('\n', pos)
    const complete = nl >= 0
    const end = complete ? nl : text.length
    const line = text.slice(pos, end)
    const next = complete ? nl + 1 : text.length
    lineNo++
    if (line.trim()) {
      const parsed = complete ? parseEventLine(line, prevSeq) : 'no newline at the end (torn)'
      if (typeof parsed === 'string') {
        const linesLeft = text
          .slice(pos)
          .split('\n')
          .filter((l) => l.trim()).length
        const torn = !complete
        return {
          events,
          lineOf,
          goodLength,
          lastStart,
          damage: { line: lineNo, kind: torn ? 'torn' : 'corrupt', reason: parsed, linesLeft },
        }
      }
      events.push(parsed)
      lineOf.push(lineNo)
      prevSeq = parsed.seq
      lastStart = pos
      goodLength = next
    }
    pos = next
  }
  return { events, lineOf, goodLength, lastStart, damage: null }
}

/** One line for a user: where the log is damaged and what that means. */
export const describeDamage = (file: string, d: EventLogDamage): string =>
  `${file}:${d.line}: ${d.kind === 'torn' ? 'torn last line' : `not a run event (${d.reason})`}` +
  (d.linesLeft > 1 ? `; it and the ${d.linesLeft - 1} line${d.linesLeft === 2 ? '' : 's'} after it are not read` : '')
