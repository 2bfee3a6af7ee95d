/**
 * Builds the engine's method for a search config: the supernet of its space and parametrization, and
 * the parametrization with its regularizers and perturbation composed on top (DESIGN.md §6). The
 * config has already passed `incompatibility()`, so every combination reaching here is defined.
 */
import type { SearchConfig } from '../../core/config/search'
import { DARTS_PRIMITIVES, FAIRDARTS_PRIMITIVES, NB201_OPS } from '../../core/searchSpaces'
import { createSupernet } from '../supernet/index'
import type { SupernetConfig } from '../types'
import { createNb201Supernet } from '../supernet/nb201'
import { withAuxSkip, type WithAuxSkip } from './auxSkip'
import { loadNb201Vae } from '../e2nas/resources'
import { DartsMethod } from './darts'
import { E2nasMethod } from './e2nas'
import { FAIR_NB201_OPS, FairDartsMethod, FairNb201Method } from './fairDarts'
import { createHdartsSupernet, HdartsMethod } from './hdarts'
import { Nb201Method } from './nb201'
import { PcDartsMethod } from './pcDarts'
import { withPerturbation } from './perturbation'
import { PrDartsMethod } from './prDarts'
import { withBetaDecay } from './regularizers/betaDecay'
import type { SearchMethod } from './types'

export type { ArchParamSpec, Derived, MethodContext, MethodState, RegTerm, SearchMethod } from './types'

export function supernetConfigOf(
  config: SearchConfig,
  shape: readonly [number, number, number],
  numClasses: number,
  ops: readonly string[] = DARTS_PRIMITIVES,
): SupernetConfig {
  return {
    C: config.C,
    numClasses,
    layers: config.layers,
    steps: config.steps,
    multiplier: config.multiplier,
    stemMultiplier: config.stemMultiplier,
    inputChannels: shape[2],
    inputSize: shape[0],
    ops,
    // PC-DARTS's partial channels and DARTS-'s auxiliary skip are built into the supernet.
    ...(config.parametrization === 'partial-channel' ? { partialChannels: config.partialChannel.K } : {}),
    ...(config.regularization.auxSkip.beta > 0 ? { auxSkip: true } : {}),
  }
}

export function buildMethod(config: SearchConfig, shape: readonly [number, number, number], numClasses: number): SearchMethod {
  // DARTS-'s auxiliary skip adds β_t to the mixing of any parametrization incompatibility() allows it with.
  const base = withAuxSkip(buildBaseMethod(config, shape, numClasses) as SearchMethod<WithAuxSkip>, config) as SearchMethod
  // β-decay composes onto any parametrization incompatibility() allows it with (softmax-normalized rows).
  const { lambdaMax } = config.regularization.betaDecay
  const regularized = lambdaMax > 0 ? withBetaDecay(base, lambdaMax) : base
  // SDARTS perturbs the mixing all of the above produce, for the weight step only.
  return withPerturbation(regularized, config.perturbation)
}

function buildBaseMethod(config: SearchConfig, shape: readonly [number, number, number], numClasses: number): SearchMethod {
  const p = config.parametrization
  if (config.space === 'darts' && p === 'hard-concrete') {
    return new PrDartsMethod(createSupernet(supernetConfigOf(config, shape, numClasses)), config) as SearchMethod
  }
  if (config.space === 'darts' && p === 'sigmoid') {
    const net = createSupernet(supernetConfigOf(config, shape, numClasses, FAIRDARTS_PRIMITIVES))
    return new FairDartsMethod(net, config) as SearchMethod
  }
  if (config.space === 'darts' && p === 'partial-channel') {
    return new PcDartsMethod(createSupernet(supernetConfigOf(config, shape, numClasses)), config) as SearchMethod
  }
  if (config.space === 'nb201' && p === 'sigmoid') {
    const net = createNb201Supernet(supernetConfigOf(config, shape, numClasses, FAIR_NB201_OPS))
    return new FairNb201Method(net, config) as SearchMethod
  }
  if (config.space === 'nb201' && p === 'softmax') {
    return new Nb201Method(createNb201Supernet(supernetConfigOf(config, shape, numClasses, NB201_OPS)), config) as SearchMethod
  }
  if (config.space === 'nb201' && p === 'latent') {
    const net = createNb201Supernet(supernetConfigOf(config, shape, numClasses, NB201_OPS))
    return new E2nasMethod(net, config, loadNb201Vae()) as SearchMethod
  }
  if (config.space === 'darts' && p === 'hierarchical') {
    return new HdartsMethod(createHdartsSupernet(supernetConfigOf(config, shape, numClasses), config), config) as SearchMethod
  }
  if (config.space === 'darts' && p === 'softmax') {
    return new DartsMethod(createSupernet(supernetConfigOf(config, shape, numClasses)), config) as SearchMethod
  }
  throw new Error(`search space '${config.space}' with parametrization '${p}' is not implemented yet`)
}
