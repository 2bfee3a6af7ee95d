/**
 * What the store needs from run.json. Deliberately looser than core's runFileSchema: the config schema
 * grows with every method, and a run directory imported from another machine (or an older or newer
 * HDARTS Studio) must still be indexable. The worker validates the full file when it runs.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { StoreError } from './errors'

const runJsonSchema = z.looseObject({
  schema: z.literal('hdarts.run'),
  version: z.number().int(),
  id: z.string().min(1),
  kind: z.string().min(1),
  preset: z.string().nullable(),
  createdAt: z.string(),
  // An evaluation's config has no method; see runMethod.
  config: z.looseObject({ method: z.string().optional(), dataset: z.string(), seed: z.number().int() }),
})

export type RunJson = z.infer<typeof runJsonSchema>

/** The method column of a run: the search method, or 'eval' for an evaluation (as newRunRow). */
export function runMethod(run: RunJson): string {
  if (run.kind === 'eval') return 'eval'
  if (!run.config.method) throw new StoreError(`run ${run.id}: config.method: required for a ${run.kind} run`)
  return run.config.method
}

export function readRunJson(file: string): RunJson {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new StoreError(`${file}: ${(err as Error).message}`)
  }
  const parsed = runJsonSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new StoreError(`${file}: ${issue.path.join('.') || 'file'}: ${issue.message}`)
  }
  return parsed.data
}
