/**
 * Builds the engine's method for a search config: the supernet of its space and parametrization, and
 * the parametrization with its regularizers and perturbation composed on top (DESIGN.md §6). The
 * config has already passed `incompatibility()`, so every combination reaching here is defined.
 */
import type { SearchConfig } from '../../core/config/search'
import { DARTS_PRIMITIVES } from '../../core/searchSpaces'
import { createSupernet } from '../supernet/index'
import type { SupernetConfig } from '../types'
import { DartsMethod } from './darts'
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
  }
}

export function buildMethod(config: SearchConfig, shape: readonly [number, number, number], numClasses: number): SearchMethod {
  const p = config.parametrization
  if (config.space === 'darts' && p === 'softmax') {
    return new DartsMethod(createSupernet(supernetConfigOf(config, shape, numClasses)), config) as SearchMethod
  }
  throw new Error(`search space '${config.space}' with parametrization '${p}' is not implemented yet`)
}
