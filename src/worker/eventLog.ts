/**
 * `events.jsonl`: one event a line, numbered from 1. Appends are flushed per event, so a crash loses at
 * most the line being written. Reading follows the one rule of core/run/eventLog.ts: the clean prefix up
 * to the first bad line. When the log is reopened for a resume and a line is damaged, the original file
 * is kept beside it (`events.jsonl.damaged-N`, nothing is lost) and the log is cut back to that prefix.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs'
import { encodeEvent, type RunEvent, type RunEventBody } from '../core/events'
import { describeDamage, type EventLogDamage, type EventLogScan, scanEventLog } from '../core/run/eventLog'

export class EventLog {
  private fd: number
  private seq: number
  /** What reopening found and did, one line each (a damaged line, a kept copy): for the resume's warnings. */
  readonly notes: string[] = []

  /** Opens (or creates) the log; with `truncateAfterSeq`, events after that number are discarded first. */
  constructor(
    readonly path: string,
    opts: { truncateAfterSeq?: number; scan?: EventLogScan } = {},
  ) {
    const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
    const scan = opts.scan ?? scanEventLog(text)
    const keep = opts.truncateAfterSeq === undefined ? scan.events : scan.events.filter((e) => e.seq <= opts.truncateAfterSeq!)
    if (scan.damage?.kind === 'corrupt') {
      const copy = keepDamaged(path, text)
      this.notes.push(
        `${describeDamage(path, scan.damage)}; the run resumes from the last good event before it; the original log is kept as ${copy}`,
      )
    } else if (scan.damage) this.notes.push(`${describeDamage(path, scan.damage)} (a write cut off by a crash), dropped`)
    const rewrite = keep.length !== scan.events.length || scan.damage !== null || (text !== '' && !text.endsWith('\n'))
    if (rewrite) {
      // Rewrite atomically: the log is the run's record and must never be half-written.
      const tmp = `${path}.tmp`
      writeFileSync(tmp, keep.map((e) => encodeEvent(e) + '\n').join(''))
      renameSync(tmp, path)
    }
    this.seq = keep.length ? keep[keep.length - 1]!.seq : 0
    this.fd = openSync(path, 'a')
  }

  get lastSeq(): number {
    return this.seq
  }

  append(body: RunEventBody): RunEvent {
    const line = encodeEvent({ seq: ++this.seq, time: Date.now(), ...body } as RunEvent)
    writeSync(this.fd, line + '\n')
    // The wire form, so IPC listeners see what the file holds (non-finite numbers as strings).
    return JSON.parse(line) as RunEvent
  }

  /** Makes everything appended so far durable (before a checkpoint refers to it). */
  sync(): void {
    fsyncSync(this.fd)
  }

  close(): void {
    closeSync(this.fd)
  }
}

/** A damaged log's bytes under a free name beside it; returns that name. */
function keepDamaged(path: string, text: string): string {
  let n = 1
  while (existsSync(`${path}.damaged-${n}`)) n++
  writeFileSync(`${path}.damaged-${n}`, text)
  return `${path}.damaged-${n}`
}

/** The events of a log file by the one rule, with what stopped the reading ([] and no damage when missing). */
export function scanEvents(path: string): EventLogScan {
  return existsSync(path)
    ? scanEventLog(readFileSync(path, 'utf8'))
    : { events: [], lineOf: [], goodLength: 0, lastStart: -1, damage: null }
}

export type { EventLogDamage }
