/**
 * The NAS-Bench-201 table as data, and the pure lookup a found cell is scored with. The shipped file
 * (`resources/nb201/nb201-200ep.json.gz`, written by `npm run build:nb201`) and a user's own table
 * decode to the same `Nb201Table`. Rows are ordered by cell code (below), so a lookup is one array
 * read; the official architecture index of each code is kept beside it.
 */
import { NB201_EDGES, NB201_OPS } from '../searchSpaces'
import type { Genotype } from '../genotype/model'
import { GenotypeError } from '../genotype/model'
import { NB201_CELL_COUNT, NB201_COLUMN_IDS, NB201_TABLE_EPOCHS } from './nb201Columns'

export const NB201_TABLE_FORMAT = 'hdarts.nb201-table'

export class Nb201TableError extends Error {
  override name = 'Nb201TableError'
}

/**
 * Cell code: the op index (NB201_OPS order) of each edge in NB201_EDGES order — the order of the
 * arch string `|e0|+|e1|e2|+|e3|e4|e5|` — base 5, first edge least significant. 0 … 15624.
 */
export function nb201Code(g: Genotype): number {
  if (g.kind !== 'nb201') throw new GenotypeError('a DARTS-space genotype has no NAS-Bench-201 benchmark entry')
  let code = 0
  NB201_EDGES.forEach(([to, from], k) => {
    const edge = g.nodes[to - 1]?.find((e) => e.from === from)
    const op = edge ? NB201_OPS.indexOf(edge.op as (typeof NB201_OPS)[number]) : -1
    if (op < 0) throw new GenotypeError(`NAS-Bench-201 node ${to} has no valid edge from node ${from}`)
    code += op * NB201_OPS.length ** k
  })
  return code
}

/** The arch string of a code (inverse of nb201Code). */
export function nb201ArchOfCode(code: number): string {
  const ops = NB201_EDGES.map((_, k) => NB201_OPS[Math.floor(code / NB201_OPS.length ** k) % NB201_OPS.length]!)
  return NB201_EDGES.reduce((s, [to, from], k) => s + (from === 0 ? (to === 1 ? '|' : '+|') : '') + `${ops[k]}~${from}|`, '')
}

/** The all-`skip_connect` cell: what DARTS collapses to on NB201. */
export const NB201_ALL_SKIP_CODE = Array.from({ length: NB201_EDGES.length }, (_, k) => NB201_OPS.length ** k).reduce(
  (s, p) => s + NB201_OPS.indexOf('skip_connect') * p,
  0,
)

/** Where a table came from, as recorded with every score. */
export interface Nb201TableSource {
  readonly kind: 'shipped' | 'user'
  /** File name (never a full path in events: run directories move between machines). */
  readonly file: string
  /** SHA-256 of the table's canonical payload (shipped/JSON) or of the file bytes (CSV). */
  readonly sha256: string
}

export interface Nb201Score {
  readonly arch: string
  /** Official NAS-Bench-201 architecture index (0 … 15624), when the table records it. */
  readonly index: number | null
  readonly values: Readonly<Record<string, number>>
  /** Share of the 15,625 cells scoring at or below this cell, in percent. */
  readonly percentiles: Readonly<Record<string, number>>
}

export interface Nb201Reference {
  readonly best: number
  readonly bestArch: string
  readonly allSkip: number
  readonly median: number
}

export class Nb201Table {
  /** Column id → accuracy per code (%). */
  private readonly values: ReadonlyMap<string, Float64Array>
  private readonly sorted = new Map<string, Float64Array>()

  constructor(
    readonly source: Nb201TableSource,
    values: ReadonlyMap<string, Float64Array>,
    /** Official index per code, or null when the table does not carry it. */
    private readonly index: Int32Array | null,
    /** Free-form provenance as the file records it (repositories, commits, files, columns, licenses). */
    readonly provenance: unknown,
  ) {
    for (const [id, col] of values)
      if (col.length !== NB201_CELL_COUNT)
        throw new Nb201TableError(`column ${id} has ${col.length} rows, not ${NB201_CELL_COUNT}`)
    // Keep the catalogue's order so every listing reads the same.
    this.values = new Map(NB201_COLUMN_IDS.filter((id) => values.has(id)).map((id) => [id, values.get(id)!]))
  }

  get columns(): string[] {
    return [...this.values.keys()]
  }

  has(column: string): boolean {
    return this.values.has(column)
  }

  value(column: string, code: number): number {
    const col = this.values.get(column)
    if (!col) throw new Nb201TableError(`the ${this.source.kind} table has no column ${column}`)
    return col[code]!
  }

  officialIndex(code: number): number | null {
    return this.index ? this.index[code]! : null
  }

  percentile(column: string, value: number): number {
    const s = this.sortedColumn(column)
    let lo = 0
    let hi = s.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (s[mid]! <= value) lo = mid + 1
      else hi = mid
    }
    return (100 * lo) / s.length
  }

  score(g: Genotype): Nb201Score {
    const code = nb201Code(g)
    const values: Record<string, number> = {}
    const percentiles: Record<string, number> = {}
    for (const id of this.values.keys()) {
      values[id] = this.value(id, code)
      percentiles[id] = this.percentile(id, values[id])
    }
    return { arch: nb201ArchOfCode(code), index: this.officialIndex(code), values, percentiles }
  }

  reference(column: string): Nb201Reference {
    const col = this.values.get(column)
    if (!col) throw new Nb201TableError(`the ${this.source.kind} table has no column ${column}`)
    let bestCode = 0
    for (let c = 1; c < col.length; c++) if (col[c]! > col[bestCode]!) bestCode = c
    const s = this.sortedColumn(column)
    const median = (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2
    return { best: col[bestCode]!, bestArch: nb201ArchOfCode(bestCode), allSkip: col[NB201_ALL_SKIP_CODE]!, median }
  }

  private sortedColumn(column: string): Float64Array {
    let s = this.sorted.get(column)
    if (!s) {
      const col = this.values.get(column)
      if (!col) throw new Nb201TableError(`the ${this.source.kind} table has no column ${column}`)
      s = Float64Array.from(col).sort()
      this.sorted.set(column, s)
    }
    return s
  }
}

/** JSON with object keys sorted at every level: the bytes a checksum is taken over. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v)
}

/** SHA-256 hex through Web Crypto (a global in Node ≥ 20, Electron and browsers; no import needed). */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The resource's JSON shape (see docs/nb201.md). Accuracies are integers in units of 1/scale %. */
export interface Nb201TableFile {
  readonly format: typeof NB201_TABLE_FORMAT
  readonly version: 1
  readonly cells: number
  readonly epochs: number
  readonly scale: number
  readonly provenance: unknown
  /** Official index per code. */
  readonly index: readonly number[]
  readonly columns: Readonly<Record<string, readonly number[]>>
  /** SHA-256 of canonicalJson of this object without `sha256`. */
  readonly sha256: string
}

export async function checksumOf(file: Omit<Nb201TableFile, 'sha256'>): Promise<string> {
  const { sha256: _drop, ...rest } = file as Nb201TableFile
  return sha256Hex(canonicalJson(rest))
}

/** Validates and decodes a table file (already parsed JSON); every failure is one line. */
export async function decodeNb201TableFile(json: unknown, source: Omit<Nb201TableSource, 'sha256'>): Promise<Nb201Table> {
  const where = source.file
  if (!json || typeof json !== 'object') throw new Nb201TableError(`${where}: not a NAS-Bench-201 table (expected a JSON object)`)
  const f = json as Partial<Nb201TableFile>
  if (f.format !== NB201_TABLE_FORMAT)
    throw new Nb201TableError(`${where}: format is ${JSON.stringify(f.format)}, expected "${NB201_TABLE_FORMAT}"`)
  if (f.version !== 1) throw new Nb201TableError(`${where}: unsupported table version ${JSON.stringify(f.version)}`)
  if (f.epochs !== NB201_TABLE_EPOCHS)
    throw new Nb201TableError(
      `${where}: epoch budget ${JSON.stringify(f.epochs)}, but only ${NB201_TABLE_EPOCHS}-epoch numbers are benchmark ground truth`,
    )
  if (f.cells !== NB201_CELL_COUNT)
    throw new Nb201TableError(`${where}: ${JSON.stringify(f.cells)} cells, expected ${NB201_CELL_COUNT}`)
  if (typeof f.scale !== 'number' || !(f.scale > 0)) throw new Nb201TableError(`${where}: scale must be a positive number`)
  if (typeof f.sha256 !== 'string') throw new Nb201TableError(`${where}: no sha256 checksum`)
  const sum = await checksumOf(f as Nb201TableFile)
  if (sum !== f.sha256)
    throw new Nb201TableError(
      `${where}: checksum mismatch (file says ${f.sha256.slice(0, 12)}…, content hashes to ${sum.slice(0, 12)}…); the table is damaged or was edited`,
    )
  const index = intColumn(f.index, 'index', where, 1)
  const values = new Map<string, Float64Array>()
  for (const [id, col] of Object.entries(f.columns ?? {})) {
    if (!NB201_COLUMN_IDS.includes(id))
      throw new Nb201TableError(`${where}: unknown column ${id}; known: ${NB201_COLUMN_IDS.join(', ')}`)
    values.set(id, checkAccuracies(intColumn(col, id, where, f.scale), id, where))
  }
  if (values.size === 0) throw new Nb201TableError(`${where}: the table has no accuracy columns`)
  return new Nb201Table({ ...source, sha256: sum }, values, Int32Array.from(index), f.provenance ?? null)
}

function intColumn(v: unknown, id: string, where: string, divisor: number): Float64Array {
  if (!Array.isArray(v)) throw new Nb201TableError(`${where}: ${id} is not an array`)
  if (v.length !== NB201_CELL_COUNT)
    throw new Nb201TableError(`${where}: ${id} has ${v.length} rows, expected ${NB201_CELL_COUNT}`)
  const out = new Float64Array(v.length)
  for (let i = 0; i < v.length; i++) {
    const x = v[i]
    if (!Number.isInteger(x)) throw new Nb201TableError(`${where}: ${id} row ${i} is ${JSON.stringify(x)}, not an integer`)
    out[i] = (x as number) / divisor
  }
  return out
}

export function checkAccuracies(col: Float64Array, id: string, where: string): Float64Array {
  for (let i = 0; i < col.length; i++)
    if (!(col[i]! >= 0 && col[i]! <= 100))
      throw new Nb201TableError(`${where}: ${id} for cell ${nb201ArchOfCode(i)} is ${col[i]}, not an accuracy in 0…100 %`)
  return col
}
