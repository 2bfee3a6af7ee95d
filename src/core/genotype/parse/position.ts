/** Source positions for parser errors: offsets into one input, shown as 1-based line:column. */
import { GenotypeError } from '../model'

export interface Pos {
  readonly line: number
  readonly column: number
}

/** Offset → line:column over one input. Columns count UTF-16 code units; a tab is one column. */
export class LineMap {
  private readonly starts: number[] = [0]

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1)
  }

  pos(offset: number): Pos {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.starts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 }
  }

  /** `3:17`, for messages that point at a second place (where a bracket opened). */
  at(offset: number): string {
    const p = this.pos(offset)
    return `${p.line}:${p.column}`
  }

  /** Start offset of the line holding `offset`. */
  lineStart(offset: number): number {
    return this.starts[this.pos(offset).line - 1]!
  }

  error(message: string, offset?: number): GenotypeError {
    if (offset === undefined) return new GenotypeError(message)
    const p = this.pos(offset)
    return new GenotypeError(message, p.line, p.column)
  }
}

/** Quotes a snippet of user input for a message, cut short so one bad token cannot flood it. */
export function snippet(s: string, max = 40): string {
  const flat = s.replace(/\s+/g, ' ')
  return JSON.stringify(flat.length > max ? flat.slice(0, max) + '…' : flat)
}
