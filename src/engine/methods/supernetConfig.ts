/** The supernet configuration of a search config, shared by every parametrization's builder. */
import type { SearchConfig } from '../../core/config/search'
import { DARTS_PRIMITIVES } from '../../core/searchSpaces'
import type { SupernetConfig } from '../types'

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
