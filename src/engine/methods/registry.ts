/**
 * The method registry (DESIGN.md §6; the role of timm's model registry): the one list of
 * parametrizations by search space, and the one ordered list of the parts composed onto them
 * (regularizers, perturbation, selection, monitors), each a search plugin (search/plugin.ts). A
 * method is added by writing its folder's file, which exports its entry, and one line here.
 *
 * Config validation (core/config/compose.ts) refuses combinations whose math is undefined, with the
 * reason, before a run is created; tests/engine/methods/registry.test.ts proves that every
 * combination it accepts has an entry here, so the error below only guards a registry out of step.
 */
import { ConfigError, type SearchConfig } from '../../core/config/search'
import { checkPlugins, composeMethod, type SearchPlugin } from '../search/plugin'
import type { Supernet } from '../types'
import { RDartsMonitor } from './monitors/rdarts'
import { dartsEntry } from './parametrizations/darts'
import { e2nasEntry } from './parametrizations/e2nas'
import { fairDartsEntry, fairNb201Entry } from './parametrizations/fairDarts'
import { hdartsEntry } from './parametrizations/hdarts'
import { nb201Entry } from './parametrizations/nb201'
import { pcDartsEntry } from './parametrizations/pcDarts'
import { prDartsEntry } from './parametrizations/prDarts'
import { sdartsPlugin } from './perturbations/sdarts'
import { auxSkipPlugin } from './regularizers/auxSkip'
import { betaDecayPlugin } from './regularizers/betaDecay'
import { PtSelection } from './selection/pt'
import type { MethodEntry, SearchMethod } from './types'

export type { ArchParamSpec, BuiltMethod, Derived, MethodContext, MethodEntry, MethodState, RegTerm, SearchMethod } from './types'
export { supernetConfigOf } from './supernetConfig'

/** Parametrizations by search space. */
export const METHODS: readonly MethodEntry[] = [
  dartsEntry,
  hdartsEntry,
  prDartsEntry,
  fairDartsEntry,
  pcDartsEntry,
  nb201Entry,
  fairNb201Entry,
  e2nasEntry,
]

/** The axes of DESIGN.md §6 a part belongs to; each has its folder under methods/. */
export type PartAxis = 'regularizers' | 'perturbations' | 'selection' | 'monitors'

/** What a part may need to be built: the supernet, and the loop's weight steps per epoch. */
export interface PartEnv {
  readonly net: Pick<Supernet<unknown>, 'edges' | 'config'>
  /** Weight steps of one supernet epoch; only the loop's parts (selection) need it. */
  readonly batchesPerEpoch?: number
}

export interface PartEntry {
  readonly name: string
  readonly axis: PartAxis
  /** The plugin this config asks for, or null when it asks for none. */
  create(config: SearchConfig, env: PartEnv): SearchPlugin | null
}

/**
 * Composition order: DARTS-'s skip, then β-decay, then SDARTS (which perturbs the mixing both
 * produce), then DARTS-PT's projection over all of them; the R-DARTS monitor reads the result.
 */
export const PARTS: readonly PartEntry[] = [
  { name: 'aux-skip', axis: 'regularizers', create: auxSkipPlugin },
  { name: 'beta-decay', axis: 'regularizers', create: betaDecayPlugin },
  { name: 'sdarts', axis: 'perturbations', create: sdartsPlugin },
  {
    name: 'pt',
    axis: 'selection',
    create: (config, env) => {
      if (config.selection !== 'pt') return null
      if (env.batchesPerEpoch === undefined) throw new Error('DARTS-PT selection needs the weight steps per epoch')
      return new PtSelection(config, env.net, env.batchesPerEpoch)
    },
  },
  { name: 'rdarts', axis: 'monitors', create: (config) => (config.hessian.every > 0 ? new RDartsMonitor(config) : null) },
]

/** The plugins of every part the config asks for (of the given axes), in composition order. */
export function partsFor(config: SearchConfig, env: PartEnv, axes?: readonly PartAxis[]): SearchPlugin[] {
  return PARTS.filter((p) => !axes || axes.includes(p.axis)).flatMap((p) => p.create(config, env) ?? [])
}

/** The axes that change the method itself (its losses and mixing), as opposed to the loop's. */
const METHOD_AXES: readonly PartAxis[] = ['regularizers', 'perturbations']

const choices = (): string =>
  (['darts', 'nb201'] as const)
    .map(
      (space) =>
        `${space}: ${METHODS.filter((e) => e.space === space)
          .map((e) => `${e.parametrization} (${e.label})`)
          .join(', ')}`,
    )
    .join('; ')

/** The registry's entry for the config's space and parametrization; a ConfigError naming the valid ones otherwise. */
export function methodEntry(config: Pick<SearchConfig, 'space' | 'parametrization'>): MethodEntry {
  const entry = METHODS.find((e) => e.space === config.space && e.parametrization === config.parametrization)
  if (!entry)
    throw new ConfigError(
      `no method has parametrization '${config.parametrization}' in search space '${config.space}'; registered: ${choices()}`,
    )
  return entry
}

/** The parametrization's method and the plugins of every part the config asks for, in order (uncomposed). */
export function buildSearchParts(
  config: SearchConfig,
  shape: readonly [number, number, number],
  numClasses: number,
  batchesPerEpoch: number,
): { method: SearchMethod; plugins: SearchPlugin[] } {
  const built = methodEntry(config).build(config, shape, numClasses)
  const plugins = [...(built.plugins ?? []), ...partsFor(config, { net: built.method.net, batchesPerEpoch })]
  checkPlugins(plugins)
  return { method: built.method, plugins }
}

/**
 * The method as its α and weight steps see it, outside a search loop: the parametrization with its
 * regularizers and perturbation composed on top (no selection or monitor).
 */
export function buildMethod(config: SearchConfig, shape: readonly [number, number, number], numClasses: number): SearchMethod {
  const built = methodEntry(config).build(config, shape, numClasses)
  return composeMethod(built.method, partsFor(config, { net: built.method.net }, METHOD_AXES))
}
