/** How values map to columns: non-finite numbers (MLflow style), matrices as float64 blobs, flattened params. */

/** A stored number: `value` is always finite; the flags say what it really was. */
export interface StoredNumber {
  readonly value: number
  readonly isNan: 0 | 1
  readonly isInf: -1 | 0 | 1
}

const ZERO: StoredNumber = { value: 0, isNan: 1, isInf: 0 }

/**
 * JSON has no NaN/Infinity: `JSON.stringify` writes them as null, so a null (or a non-number) where a
 * number belongs is read as NaN. The strings 'NaN', 'Infinity', '-Infinity' are accepted too.
 */
export function toNumber(x: unknown): number {
  if (typeof x === 'number') return x
  if (x === 'Infinity') return Infinity
  if (x === '-Infinity') return -Infinity
  return NaN
}

export function encodeNumber(x: unknown): StoredNumber {
  const v = toNumber(x)
  if (Number.isNaN(v)) return ZERO
  if (v === Infinity) return { value: Number.MAX_VALUE, isNan: 0, isInf: 1 }
  if (v === -Infinity) return { value: -Number.MAX_VALUE, isNan: 0, isInf: -1 }
  return { value: v, isNan: 0, isInf: 0 }
}

export function decodeNumber(value: number, isNan: number, isInf: number): number {
  if (isNan) return NaN
  if (isInf) return isInf > 0 ? Infinity : -Infinity
  return value
}

/** Rows may differ in length; shape_json keeps each row's length. */
export function encodeMatrix(m: readonly (readonly unknown[])[]): { shape: string; blob: Buffer } {
  const lengths = m.map((row) => (Array.isArray(row) ? row.length : 0))
  const flat = new Float64Array(lengths.reduce((a, b) => a + b, 0))
  let k = 0
  for (const row of m) if (Array.isArray(row)) for (const x of row) flat[k++] = toNumber(x)
  return { shape: JSON.stringify(lengths), blob: Buffer.from(flat.buffer, flat.byteOffset, flat.byteLength) }
}

export function decodeMatrix(shape: string, blob: Buffer): number[][] {
  const lengths = JSON.parse(shape) as number[]
  const out: number[][] = []
  let off = 0
  for (const n of lengths) {
    const row = new Array<number>(n)
    for (let j = 0; j < n; j++, off += 8) row[j] = blob.readDoubleLE(off)
    out.push(row)
  }
  return out
}

/** `{a: {b: 1}, c: [1, 2]}` → `{'a.b': '1', c: '[1,2]'}`: scalars as text, arrays as JSON. */
export function flattenParams(obj: Readonly<Record<string, unknown>>, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flattenParams(v as Record<string, unknown>, key, out)
    else if (v === undefined) continue
    else out[key] = typeof v === 'string' ? v : JSON.stringify(v)
  }
  return out
}
