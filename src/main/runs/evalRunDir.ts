/**
 * Creating evaluation run directories (run.json kind 'eval': an eval preset's config plus the genotype
 * trained). The genotype arrives as text already checked by the caller; this validates it once more,
 * since run.json is what the worker trusts.
 */
import { randomBytes } from 'node:crypto'
import { applyEvalOverrides, type EvalConfig, getEvalPreset } from '../../core/config/eval'
import { ConfigError } from '../../core/config/search'
import { type EvalRunFile, makeRunId, RUN_FILE_VERSION } from '../../core/run/runFile'
import { APP_VERSION } from '../../shared/app'
import { resolveDataDir, RunInputError, writeRunDir } from './runDir'

export interface EvalRunSpec {
  readonly preset: string
  /** `key=value` overrides of the eval config, in order. */
  readonly sets?: readonly string[]
  readonly genotype: { readonly name: string | null; readonly text: string }
  readonly dataDir?: string | null
  readonly download?: boolean
}

/** Validates an eval spec's config; throws RunInputError naming the bad preset or key. */
export function resolveEvalConfig(spec: Pick<EvalRunSpec, 'preset' | 'sets'>): EvalConfig {
  try {
    return applyEvalOverrides(getEvalPreset(spec.preset).config, spec.sets ?? [])
  } catch (err) {
    if (err instanceof ConfigError) throw new RunInputError(err.message)
    throw err
  }
}

export function buildEvalRunFile(spec: EvalRunSpec, now = new Date(), random = randomBytes(2).toString('hex')): EvalRunFile {
  const config = resolveEvalConfig(spec)
  const dataDir = resolveDataDir(spec.dataDir)
  return {
    schema: 'hdarts.run',
    version: RUN_FILE_VERSION,
    id: makeRunId(spec.preset, config.seed, now, random),
    kind: 'eval',
    preset: spec.preset,
    createdAt: now.toISOString(),
    config,
    genotype: { name: spec.genotype.name, text: spec.genotype.text },
    dataDir,
    download: spec.download === true,
    versions: { hdarts: APP_VERSION, node: process.version },
  }
}

/** Creates `<runsDir>/<id>/` with an eval run.json and an empty checkpoints folder. */
export function createEvalRunDir(runsDir: string, spec: EvalRunSpec): { dir: string; run: EvalRunFile } {
  return writeRunDir(runsDir, () => buildEvalRunFile(spec))
}
