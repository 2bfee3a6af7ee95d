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

/**
 * Rows may differ in length; shape_json keeps each row's length. The blob is float32 when every value
 * is one (what a TF.js worker produces, so half the bytes at no loss), else float64; its length tells
 * which. NaN and ±Infinity survive either way.
 */
export function encodeMatrix(m: readonly (readonly unknown[])[]): { shape: string; blob: Buffer } {
  const lengths = m.map((row) => (Array.isArray(row) ? row.length : 0))
  const total = lengths.reduce((a, b) => a + b, 0)
  const { f64, f32 } = scratch(total)
  let k = 0
  for (const row of m) if (Array.isArray(row)) for (let j = 0; j < row.length; j++) f64[k++] = toNumber(row[j])
  f32.set(f64.subarray(0, total))
  let exact = true
  for (let i = 0; i < total && exact; i++) exact = f32[i] === f64[i] || f64[i] !== f64[i] // NaN ≠ NaN
  const bytes = exact ? new Uint8Array(f32.buffer, 0, total * 4) : new Uint8Array(f64.buffer, 0, total * 8)
  // allocUnsafe takes small buffers from Node's pool: cheaper than a fresh ArrayBuffer per matrix.
  const blob = Buffer.allocUnsafe(bytes.length)
  blob.set(bytes)
  return { shape: JSON.stringify(lengths), blob }
}

let work = { f64: new Float64Array(256), f32: new Float32Array(256) }
function scratch(n: number): typeof work {
  if (work.f64.length < n) work = { f64: new Float64Array(n), f32: new Float32Array(n) }
  return work
}

export function decodeMatrix(shape: string, blob: Buffer): number[][] {
  const lengths = JSON.parse(shape) as number[]
  const total = lengths.reduce((a, b) => a + b, 0)
  const f32 = total > 0 && blob.length === total * 4
  const out: number[][] = []
  let off = 0
  for (const n of lengths) {
    const row = new Array<number>(n)
    for (let j = 0; j < n; j++) {
      row[j] = f32 ? blob.readFloatLE(off) : blob.readDoubleLE(off)
      off += f32 ? 4 : 8
    }
    out.push(row)
  }
  return out
}

/** `{a: {b: 1}, c: [1, 2]}` → `{'a.b': '1', c: '[1,2]'}`: scalars as text, arrays as JSON. */
export function flattenParams(
  obj: Readonly<Record<string, unknown>>,
  prefix = '',
  out: Record<string, string> = {},
): Record<string, string> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flattenParams(v as Record<string, unknown>, key, out)
    else if (v === undefined) continue
    else out[key] = typeof v === 'string' ? v : JSON.stringify(v)
  }
  return out
}
