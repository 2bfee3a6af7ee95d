/**
 * `events.jsonl`: one event a line, numbered from 1. Appends are flushed per event, so a crash loses at
 * most the line being written; a torn last line is dropped when the log is reopened.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs'
import { encodeEvent, type RunEvent, type RunEventBody } from '../core/events'

export class EventLog {
  private fd: number
  private seq: number

  /** Opens (or creates) the log; with `truncateAfterSeq`, events after that number are discarded first. */
  constructor(
    readonly path: string,
    opts: { truncateAfterSeq?: number } = {},
  ) {
    const events = existsSync(path) ? readEvents(path) : []
    const keep = opts.truncateAfterSeq === undefined ? events : events.filter((e) => e.seq <= opts.truncateAfterSeq!)
    const clean = events.length !== keep.length || (existsSync(path) && !endsCleanly(path, events.length))
    if (clean) {
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

/** Parses an events file, skipping a torn final line (a crash mid-write) but nothing else. */
export function readEvents(path: string): RunEvent[] {
  const lines = readFileSync(path, 'utf8').split('\n')
  const events: RunEvent[] = []
  lines.forEach((line, i) => {
    if (!line.trim()) return
    try {
      events.push(JSON.parse(line) as RunEvent)
    } catch (err) {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.trim())) throw new Error(`${path}:${i + 1}: not a JSON event`)
      // else: torn last line, dropped
      void err
    }
  })
  return events
}

function endsCleanly(path: string, count: number): boolean {
  const text = readFileSync(path, 'utf8')
  return text === '' || (text.endsWith('\n') && text.split('\n').filter((l) => l.trim()).length === count)
}
