/**
 * Grids: method presets × setting values × seeds, one run each (DESIGN.md §1). The expansion is pure
 * and shared by the RunService, `hdarts runs grid` and the Slurm submitter (one array task per point).
 */
import { z } from 'zod'
import { forbiddenSegment } from './overrides'

const scalar = z.union([z.number(), z.string().max(500), z.boolean(), z.null()])

/** GRID.json (examples/grid-quick.json). */
export const gridSpecSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** Presets, e.g. 'darts-1st-quick'. */
  methods: z.array(z.string().min(1).max(200)).min(1).max(200),
  /** Settings to sweep: each key's values, crossed with every other key. */
  values: z
    .record(z.string().min(1).max(200), z.array(scalar).min(1).max(1000))
    .superRefine((values, ctx) => {
      for (const key of Object.keys(values)) {
        const bad = forbiddenSegment(key)
        if (bad) ctx.addIssue({ code: 'custom', path: [key], message: `'${bad}' is not a setting name` })
      }
    })
    .default({}),
  seeds: z
    .array(
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    )
    .min(1)
    .max(10_000),
  /** `key=value` settings shared by every run. */
  set: z.array(z.string().max(500)).max(200).default([]),
})
export type GridSpec = z.input<typeof gridSpecSchema>

/** A grid too large is almost always a typo; Slurm arrays have similar limits. */
export const MAX_GRID_RUNS = 10_000

export interface GridPoint {
  readonly preset: string
  readonly seed: number
  /** This point's values of the swept keys. */
  readonly values: Readonly<Record<string, string | number | boolean | null>>
  /** The full override list: shared `set`, then the swept values, then the seed. */
  readonly sets: readonly string[]
}

export class GridError extends Error {
  override name = 'GridError'
}

/** One-line description of the first problem in a parsed-but-invalid grid. */
export function parseGrid(value: unknown): z.output<typeof gridSpecSchema> {
  const r = gridSpecSchema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  throw new GridError(`${issue.path.join('.') || '(grid)'}: ${issue.message}`)
}

/** The cartesian product, ordered method-major, then values (in key order), then seed. */
export function expandGrid(input: GridSpec): GridPoint[] {
  const spec = parseGrid(input)
  const keys = Object.keys(spec.values)
  if (keys.includes('seed')) throw new GridError("values.seed: sweep seeds with 'seeds', not 'values'")
  const size = spec.methods.length * spec.seeds.length * keys.reduce((n, k) => n * spec.values[k]!.length, 1)
  if (size > MAX_GRID_RUNS) throw new GridError(`the grid has ${size} runs (limit ${MAX_GRID_RUNS})`)
  let combos: Record<string, string | number | boolean | null>[] = [{}]
  for (const k of keys) combos = combos.flatMap((c) => spec.values[k]!.map((v) => ({ ...c, [k]: v })))
  const points: GridPoint[] = []
  for (const preset of spec.methods)
    for (const values of combos)
      for (const seed of spec.seeds)
        points.push({
          preset,
          seed,
          values,
          sets: [...spec.set, ...keys.map((k) => `${k}=${String(values[k])}`), `seed=${seed}`],
        })
  return points
}
