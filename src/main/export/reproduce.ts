/**
 * How to re-run a stored run: its preset (or, for imported runs without one, the preset of its method
 * whose config is closest) and the `--set key=value` list that turns that preset's config into the
 * run's. Values `--set` cannot express (lists) are reported instead of silently dropped.
 */
import { PRESETS } from '../../core/config/search'

export interface Reproduction {
  /** null when no preset of the method exists (nothing to start from). */
  readonly preset: string | null
  /** Whether the preset is the run's own (false: the closest one, for imported runs). */
  readonly exactPreset: boolean
  readonly sets: readonly string[]
  /** Keys whose value `--set` cannot carry (lists); the command alone does not reproduce these. */
  readonly unsettable: readonly string[]
  readonly command: string | null
}

function leaves(obj: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (obj && typeof obj === 'object' && !Array.isArray(obj))
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) leaves(v, `${prefix}${k}.`, out)
  else out.set(prefix.slice(0, -1), obj)
  return out
}

function diff(base: unknown, config: unknown): { sets: string[]; unsettable: string[] } {
  const a = leaves(base)
  const sets: string[] = []
  const unsettable: string[] = []
  for (const [key, value] of leaves(config)) {
    if (!a.has(key) || JSON.stringify(a.get(key)) === JSON.stringify(value)) continue
    if (Array.isArray(value) || (value !== null && typeof value === 'object')) unsettable.push(`${key}=${JSON.stringify(value)}`)
    else sets.push(`${key}=${value === null ? 'null' : String(value)}`)
  }
  return { sets, unsettable }
}

/** Single-quotes a shell word unless it is plainly safe. */
const sh = (s: string): string => (/^[\w.,:=+/@%-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)

export function reproduction(run: { preset: string | null; method: string; config: Record<string, unknown> }): Reproduction {
  const own = run.preset ? PRESETS.find((p) => p.name === run.preset) : undefined
  let preset = own
  if (!preset) {
    // Imported logs have no preset: start from the method's preset needing the fewest overrides.
    let best = Infinity
    for (const p of PRESETS.filter((x) => x.config.method === run.method)) {
      const n = diff(p.config, run.config).sets.length
      if (n < best) [best, preset] = [n, p]
    }
  }
  if (!preset) return { preset: null, exactPreset: false, sets: [], unsettable: [], command: null }
  const { sets, unsettable } = diff(preset.config, run.config)
  const command = ['npx hdarts search --preset', sh(preset.name), ...sets.map((s) => `--set ${sh(s)}`)].join(' ')
  return { preset: preset.name, exactPreset: own !== undefined, sets, unsettable, command }
}
