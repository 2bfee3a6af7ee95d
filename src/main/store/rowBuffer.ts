/**
 * Buffers rows for one INSERT and writes them as multi-row statements (up to CHUNK rows a call):
 * every call into SQLite has a fixed cost (binding, stepping, resetting) that this pays once per chunk.
 */
import type { Database, Statement } from 'better-sqlite3'

const CHUNK = 64

export class RowBuffer {
  private readonly values: unknown[] = []
  private readonly statements = new Map<number, Statement>()

  /** `head`: `INSERT ... INTO t (cols)`; `tail`: what follows VALUES (e.g. an ON CONFLICT clause). */
  constructor(
    private readonly db: Database,
    private readonly head: string,
    private readonly width: number,
    private readonly tail = '',
  ) {}

  push(...row: unknown[]): void {
    this.values.push(...row)
    if (this.values.length === CHUNK * this.width) this.flush()
  }

  flush(): void {
    const rows = this.values.length / this.width
    if (rows) this.statement(rows).run(this.values)
    this.values.length = 0
  }

  /** Drops unwritten rows (after a failed transaction). */
  clear(): void {
    this.values.length = 0
  }

  private statement(rows: number): Statement {
    let st = this.statements.get(rows)
    if (!st) {
      const tuple = `(${Array(this.width).fill('?').join(', ')})`
      st = this.db.prepare(`${this.head} VALUES ${Array(rows).fill(tuple).join(', ')} ${this.tail}`)
      this.statements.set(rows, st)
    }
    return st
  }
}
