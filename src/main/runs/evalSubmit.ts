/**
 * Queuing evaluations ("train from scratch", docs/eval.md) in the RunService: the genotype text is
 * parsed and checked here, an eval run directory is written, and the run joins the same queue as the
 * searches (priority, device slots, pause/resume/cancel/retry, crash recovery from epoch checkpoints);
 * the worker entry dispatches on run.json's `kind`. Shared by the app's `runs.evaluate` and `hdarts eval`.
 */
import { GenotypeError } from '../../core/genotype/model'
import { parseAnyGenotypes } from '../../core/genotype/parse/index'
import { toDartsText } from '../../core/genotype/serialize'
import type { RunRow } from '../store'
import { createEvalRunDir, type EvalRunSpec, resolveEvalConfig } from './evalRunDir'
import { RunInputError } from './runDir'
import type { RunService } from './service'

export interface PickOptions {
  /** Names the input in messages (a file path, or 'genotype' for pasted text). */
  readonly source: string
  /** How the user picks a genotype of several ('--name' on the command line). */
  readonly nameOption: string
}

/** The first names of a list (a search log holds a genotype per epoch), for one-line messages. */
const names = (list: readonly { name: string }[]): string =>
  list
    .slice(0, 20)
    .map((g) => g.name)
    .join(', ') + (list.length > 20 ? `, … and ${list.length - 20} more` : '')

/**
 * The one DARTS-space genotype of `text` (the one called `name` when given), as DARTS text; throws a
 * one-line RunInputError for unparsable text, an ambiguous or unknown name, or a genotype the
 * evaluation network cannot train (NB201, HDARTS motifs).
 */
export function pickEvalGenotype(text: string, name: string | undefined, o: PickOptions): EvalRunSpec['genotype'] {
  let all
  try {
    all = parseAnyGenotypes(text)
    if (name === undefined && all.length > 1)
      throw new RunInputError(`${o.source} holds ${all.length} genotypes (${names(all)}); pick one with ${o.nameOption}`)
  } catch (err) {
    if (err instanceof GenotypeError) throw new RunInputError(`${o.source}:${err.line === undefined ? ' ' : ''}${err.located}`)
    throw err
  }
  // By name, then alias (as selectGenotype, which takes DARTS/NB201 lists only).
  const picked = name === undefined ? all[0] : (all.find((g) => g.name === name) ?? all.find((g) => g.aliases.includes(name)))
  if (name !== undefined && !picked) throw new RunInputError(`${o.source}: no genotype named "${name}"; available: ${names(all)}`)
  if (!picked) throw new RunInputError(`${o.source}: no genotype found`)
  const g = picked.genotype
  const label = picked.name || 'this genotype'
  if (g.kind === 'nb201')
    throw new RunInputError(
      `${label}: a NAS-Bench-201 genotype has no DARTS evaluation network (NetworkCIFAR needs a DARTS-space genotype)`,
    )
  if (g.kind === 'hdarts')
    throw new RunInputError(
      `${label}: an HDARTS motif genotype cannot be trained from scratch yet (NetworkCIFAR needs a DARTS-space genotype)`,
    )
  return { name: picked.name || null, text: toDartsText(g) }
}

export interface EvalSubmitSpec extends EvalRunSpec {
  readonly priority?: number
  readonly experimentId?: number | null
}

/** Writes an eval run directory and queues it; throws RunInputError for a bad preset or setting. */
export function submitEval(service: RunService, spec: EvalSubmitSpec): RunRow {
  resolveEvalConfig(spec) // before anything is written
  const { dir, run } = createEvalRunDir(service.runsDir, spec)
  return service.enqueue(dir, run, { priority: spec.priority ?? 0, experimentId: spec.experimentId ?? null })
}
