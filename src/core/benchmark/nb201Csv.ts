/**
 * A user-supplied NAS-Bench-201 table as CSV (e.g. their own export of the official `.pth` files):
 * a header with an arch-string column (`arch`, `arch_str` or `ArchitectureString`), any of the
 * catalogue's column ids (`cifar10.test`, …; accuracies in %), optionally `index` (the official
 * architecture index), and one row for each of the 15,625 cells. Format: docs/nb201.md.
 */
import { GenotypeError } from '../genotype/model'
import { parseArch } from '../genotype/parse/nb201'
import { LineMap } from '../genotype/parse/position'
import { NB201_CELL_COUNT, NB201_COLUMN_IDS } from './nb201Columns'
import { checkAccuracies, nb201ArchOfCode, nb201Code, Nb201Table, Nb201TableError, type Nb201TableSource } from './nb201Table'

const ARCH_HEADERS = ['arch', 'arch_str', 'ArchitectureString']

/** Parses the CSV; `source.sha256` is the caller's hash of the file bytes (checked against a sidecar there). */
export function parseNb201Csv(text: string, source: Nb201TableSource): Nb201Table {
  const where = source.file
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const header = splitRow(lines[0] ?? '')
  const archAt = header.findIndex((h) => ARCH_HEADERS.includes(h))
  if (archAt < 0) throw new Nb201TableError(`${where}: no arch column (header needs one of ${ARCH_HEADERS.join(', ')})`)
  const indexAt = header.indexOf('index')
  const cols = header.flatMap((h, at) => (NB201_COLUMN_IDS.includes(h) ? [{ id: h, at }] : []))
  if (cols.length === 0)
    throw new Nb201TableError(`${where}: no accuracy column; the header needs at least one of ${NB201_COLUMN_IDS.join(', ')}`)
  const values = new Map(cols.map((c) => [c.id, new Float64Array(NB201_CELL_COUNT).fill(NaN)]))
  const index = indexAt >= 0 ? new Int32Array(NB201_CELL_COUNT).fill(-1) : null
  const seen = new Uint8Array(NB201_CELL_COUNT)
  let rows = 0
  for (let ln = 1; ln < lines.length; ln++) {
    const line = lines[ln]!
    if (line.trim() === '') continue
    const cells = splitRow(line)
    const arch = cells[archAt] ?? ''
    let code: number
    try {
      code = nb201Code(parseArch(arch, 0, new LineMap(arch)))
    } catch (err) {
      if (err instanceof GenotypeError) throw new Nb201TableError(`${where}:${ln + 1}: ${err.message}`)
      throw err
    }
    if (seen[code]) throw new Nb201TableError(`${where}:${ln + 1}: cell ${arch} appears twice`)
    seen[code] = 1
    rows++
    for (const c of cols) {
      const raw = cells[c.at] ?? ''
      const v = raw.trim() === '' ? NaN : Number(raw)
      if (!Number.isFinite(v)) throw new Nb201TableError(`${where}:${ln + 1}: ${c.id} is ${JSON.stringify(raw)}, not a number`)
      values.get(c.id)![code] = v
    }
    if (index) {
      const i = Number(cells[indexAt])
      if (!Number.isInteger(i) || i < 0 || i >= NB201_CELL_COUNT)
        throw new Nb201TableError(`${where}:${ln + 1}: index ${JSON.stringify(cells[indexAt])} is not 0…${NB201_CELL_COUNT - 1}`)
      index[code] = i
    }
  }
  if (rows !== NB201_CELL_COUNT) {
    const missing = seen.indexOf(0)
    throw new Nb201TableError(
      `${where}: ${rows} of ${NB201_CELL_COUNT} cells present; missing e.g. ${nb201ArchOfCode(missing)} (a table must cover every cell, or percentiles would be wrong)`,
    )
  }
  for (const [id, col] of values) checkAccuracies(col, id, where)
  return new Nb201Table(source, values, index, { kind: 'user CSV', file: source.file, columns: [...values.keys()] })
}

/** Comma-separated with optional double quotes (arch strings contain no commas; names may). */
function splitRow(line: string): string[] {
  const out: string[] = []
  let cur = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"'
        i++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  out.push(cur.trim())
  return out
}
