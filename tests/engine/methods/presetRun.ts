/** Runs a method preset's defining parts on the tiny synthetic search (tests/engine/search/helpers.ts). */
import * as tf from '@tensorflow/tfjs-core'
import { expect } from 'vitest'
import { getPreset, type SearchConfig } from '../../../src/core/config/search'
import type { RunEventBody } from '../../../src/core/events'
import { initBackend } from '../../../src/engine/backends'
import { disposeSearch, TINY, tinySearch } from '../search/helpers'

export const BACKENDS = ['wasm', 'cpu'] as const

/** TINY's sizes with the preset's method, parametrization, regularizers, gates and sigmoid settings. */
export function tinyOf(preset: string, overrides: Partial<SearchConfig> = {}): SearchConfig {
  const c = getPreset(preset).config
  const { method, parametrization, regularization, gates, sigmoid } = c
  return { ...TINY, method, parametrization, regularization, gates, sigmoid, ...overrides }
}

export type MethodEvent = Extract<RunEventBody, { type: 'method' }>

/**
 * `epochs` epochs of `config` on `backend`: checks that steps after the first leave the tensor count
 * flat, runs to the end and returns the events.
 */
export async function runTinyEpoch(
  config: SearchConfig,
  backend: (typeof BACKENDS)[number],
  epochs = 1,
): Promise<RunEventBody[]> {
  await initBackend(backend)
  const s = tinySearch({ ...config, epochs })
  try {
    s.trainStep()
    const n = tf.memory().numTensors
    for (let i = 0; i < 3; i++) s.trainStep()
    expect(tf.memory().numTensors).toBe(n)
    const events: RunEventBody[] = []
    await s.run({ emit: (e) => events.push(e), stopRequested: () => null, checkpoint: async () => {}, progressEveryMs: 0 })
    expect(tf.memory().numTensors).toBe(n)
    return events
  } finally {
    disposeSearch(s)
  }
}

export const methodEvent = (events: RunEventBody[], epoch = 0): MethodEvent => {
  const e = events.find((x): x is MethodEvent => x.type === 'method' && x.epoch === epoch)
  if (!e) throw new Error('no method event')
  return e
}
