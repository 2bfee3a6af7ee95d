/**
 * Builds a ready-to-run search from a config: the supernet, its initial weights and α from the run's
 * seed, BN running statistics and the searcher. The same seed gives the same initial state.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../core/config/search'
import { Rng } from '../../core/rng'
import { DARTS_PRIMITIVES } from '../../core/searchSpaces'
import { createSupernet, initAlphas, initWeights } from '../supernet/index'
import type { SearchState, SupernetConfig } from '../types'
import { type SearchData, Searcher } from './searcher'

export function supernetConfigOf(
  config: SearchConfig,
  shape: readonly [number, number, number],
  numClasses: number,
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
    ops: DARTS_PRIMITIVES,
  }
}

export function buildSearch(config: SearchConfig, data: SearchData, numClasses: number): Searcher {
  const net = createSupernet(supernetConfigOf(config, data.shape, numClasses))
  const rng = new Rng(config.seed)
  const weights = initWeights(net.specs, rng).map((t, i) => {
    const v = tf.variable(t, true)
    t.dispose()
    return v
  })
  const [aN, aR] = [
    initAlphas(net.edges, net.config.ops.length, rng, config.alphaInit),
    initAlphas(net.edges, net.config.ops.length, rng, config.alphaInit),
  ]
  const state: SearchState = {
    weights,
    alphasNormal: tf.variable(aN!, true) as tf.Variable<tf.Rank.R2>,
    alphasReduce: tf.variable(aR!, true) as tf.Variable<tf.Rank.R2>,
    bnStats: new Map(
      net.bnSpecs.map((b) => [
        b.name,
        { mean: tf.variable(tf.zeros([b.channels]), false), variance: tf.variable(tf.ones([b.channels]), false) },
      ]),
    ),
  }
  tf.dispose([aN!, aR!])
  return new Searcher(config, net, state, data, rng.fork().getState())
}
