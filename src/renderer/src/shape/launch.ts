/** The launcher's data: the settings form, `key=value` lines, sweeps and the grid (pure; no React). */
import { z } from 'zod'
import { applyOverrides, type SearchConfig, searchConfigSchema } from '../../../core/config/search'
import { expandGrid, type GridSpec } from '../../../core/config/grid'
import type { PresetInfo } from '../../../shared/api'

export type Scalar = string | number | boolean | null

export interface FieldSpec {
  /** Dotted key, as `--set` takes it. */
  readonly key: string
  /** Top-level group ('' for top-level scalars). */
  readonly group: string
  readonly kind: 'number' | 'boolean' | 'enum' | 'string'
  readonly nullable: boolean
  readonly options: readonly string[]
  readonly integer: boolean
}

function describe(schema: z.ZodType, key: string, group: string): FieldSpec {
  let s: z.ZodType = schema
  let nullable = false
  if (s instanceof z.ZodNullable) {
    nullable = true
    s = s.unwrap() as z.ZodType
  }
  if (s instanceof z.ZodEnum) return { key, group, kind: 'enum', nullable, options: s.options.map(String), integer: false }
  if (s instanceof z.ZodBoolean) return { key, group, kind: 'boolean', nullable, options: ['true', 'false'], integer: false }
  if (s instanceof z.ZodNumber) return { key, group, kind: 'number', nullable, options: [], integer: Boolean(s.isInt) }
  return { key, group, kind: 'string', nullable, options: [], integer: false }
}

/** Every settable key of the search config with its input kind, in schema order. */
export function configFields(): FieldSpec[] {
  const out: FieldSpec[] = []
  const walk = (shape: Record<string, z.ZodType>, prefix: string, group: string) => {
    for (const [k, v] of Object.entries(shape)) {
      if (v instanceof z.ZodObject) walk(v.shape as Record<string, z.ZodType>, `${prefix}${k}.`, group || k)
      else out.push(describe(v, `${prefix}${k}`, group))
    }
  }
  walk(searchConfigSchema.shape as unknown as Record<string, z.ZodType>, '', '')
  return out
}

/** A config's value at a dotted key. */
export function valueAt(config: SearchConfig | Readonly<Record<string, unknown>>, key: string): unknown {
  let v: unknown = config
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined
  return v
}

/** How a value is written in a `key=value` line. */
export const formatValue = (v: unknown): string => (v === null ? 'null' : v === undefined ? '' : String(v))

/** The textarea's lines: blank lines and `#` comments are skipped; each other line must be key=value. */
export function parseSetLines(text: string): { sets: string[]; error: string | null } {
  const sets: string[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (!line || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) return { sets, error: `line ${i + 1}: expected key=value, got '${line}'` }
    sets.push(`${line.slice(0, eq).trim()}=${line.slice(eq + 1).trim()}`)
  }
  return { sets, error: null }
}

/** Form edits (raw strings by key) that differ from the preset, as `key=value`, in key order. */
export function formSets(edits: Readonly<Record<string, string>>, config: SearchConfig | null): string[] {
  return Object.keys(edits)
    .filter((k) => !config || edits[k] !== formatValue(valueAt(config, k)))
    .map((k) => `${k}=${edits[k]!.trim()}`)
}

/** The first problem of `sets` on any of the presets, as one line, or null. */
export function validateSets(presets: readonly PresetInfo[], sets: readonly string[]): string | null {
  for (const p of presets) {
    try {
      applyOverrides(p.config, sets)
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err)
      return presets.length > 1 ? `${p.name}: ${msg}` : msg
    }
  }
  return null
}

/** The key an error line names ("setting 'lr': …", "unknown setting 'x'"), if any. */
export function keyOfError(error: string | null): string | null {
  if (!error) return null
  return /setting '([^']+)'/.exec(error)?.[1] ?? /^([\w.]+) \(/.exec(error.replace(/^[\w-]+: /, ''))?.[1] ?? null
}

/** One sweep value as typed: numbers, true/false, null, otherwise the string. */
export function parseScalar(raw: string): Scalar {
  const t = raw.trim()
  if (t === 'null') return null
  if (t === 'true') return true
  if (t === 'false') return false
  const n = Number(t)
  return t !== '' && Number.isFinite(n) ? n : t
}

/** 'a, b, c' → scalars; empty entries dropped. */
export const parseSweepValues = (text: string): Scalar[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseScalar)

export interface Sweep {
  readonly key: string
  readonly values: string
}

/** The grid's `values` from the sweep rows; rows without a key or values are ignored. */
export function sweepValues(sweeps: readonly Sweep[]): Record<string, Scalar[]> {
  const out: Record<string, Scalar[]> = {}
  for (const s of sweeps) {
    const vals = parseSweepValues(s.values)
    if (s.key && vals.length) out[s.key] = vals
  }
  return out
}

/** Checks each swept value against the presets (with the shared sets); the first problem or null. */
export function validateSweeps(
  presets: readonly PresetInfo[],
  sets: readonly string[],
  values: Record<string, Scalar[]>,
): string | null {
  for (const [k, vals] of Object.entries(values))
    for (const v of vals) {
      const err = validateSets(presets, [...sets, `${k}=${formatValue(v)}`])
      if (err) return `sweep ${k}=${formatValue(v)}: ${err}`
    }
  return null
}

/** Number of runs of a grid, or the grid's one-line error. */
export function gridCount(spec: GridSpec): { count: number; error: string | null } {
  try {
    return { count: expandGrid(spec).length, error: null }
  } catch (err) {
    return { count: 0, error: err instanceof Error ? err.message : String(err) }
  }
}

/** Presets grouped by method family, paper settings before the quick variant; filtered by name/summary. */
export function groupPresets(presets: readonly PresetInfo[], filter = ''): { method: string; presets: PresetInfo[] }[] {
  const f = filter.trim().toLowerCase()
  const groups = new Map<string, PresetInfo[]>()
  for (const p of presets) {
    if (f && !`${p.name} ${p.summary} ${p.config.method}`.toLowerCase().includes(f)) continue
    const list = groups.get(p.config.method) ?? []
    list.push(p)
    groups.set(p.config.method, list)
  }
  return [...groups.entries()].map(([method, list]) => ({ method, presets: list }))
}

/** A default experiment name: 'darts-1st-quick ×3 seeds' / '3 methods ×2 seeds'. */
export function defaultName(methods: readonly string[], seeds: number): string {
  const what = methods.length === 1 ? methods[0]! : `${methods.length} methods`
  return `${what}${seeds > 1 ? ` ×${seeds} seeds` : ''}`
}
