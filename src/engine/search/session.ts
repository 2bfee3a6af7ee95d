/**
 * Builds a ready-to-run search from a config: the method (supernet + parametrization) and its plugins
 * from the registry, its initial weights and architecture parameters from the run's seed, BN running
 * statistics and the searcher.
 * The same seed gives the same initial state.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../core/config/search'
import { Rng } from '../../core/rng'
import { buildSearchParts } from '../methods/registry'
import type { SearchMethod } from '../methods/types'
import { initAlphas, initWeights } from '../supernet/index'
import type { SearchState } from '../types'
import type { SearchData } from './data'
import { Searcher } from './searcher'

export { supernetConfigOf } from '../methods/supernetConfig'

/** Fresh variables for a method: weights (PyTorch inits), architecture parameters, BN running statistics. */
export function initState(method: SearchMethod, rng: Rng): SearchState {
  const net = method.net
  const toVar = <T extends tf.Tensor>(t: T): tf.Variable => {
    const v = tf.variable(t, true)
    t.dispose()
    return v
  }
  const weights = initWeights(net.specs, rng).map(toVar)
  // Drawn after the weights, in spec order: DARTS draws alphas_normal then alphas_reduce.
  const arch = method.archSpecs.map((s) => toVar(initAlphas(s.shape[0], s.shape[1], rng, s.init)) as tf.Variable<tf.Rank.R2>)
  return {
    weights,
    arch,
    bnStats: new Map(
      net.bnSpecs.map((b) => [
        b.name,
        { mean: tf.variable(tf.zeros([b.channels]), false), variance: tf.variable(tf.ones([b.channels]), false) },
      ]),
    ),
  }
}

export function buildSearch(config: SearchConfig, data: SearchData, numClasses: number): Searcher {
  const { method, plugins } = buildSearchParts(config, data.shape, numClasses, data.train.batchesPerEpoch)
  const rng = new Rng(config.seed)
  const state = initState(method, rng)
  return new Searcher(config, method, state, data, rng.fork().getState(), plugins)
}

/** Frees every variable of a search (tests and benchmarks build many). */
export function disposeSearch(s: Searcher): void {
  s.dispose()
  tf.dispose([...s.state.weights, ...s.state.arch])
  for (const st of s.state.bnStats.values()) tf.dispose([st.mean, st.variance])
}
