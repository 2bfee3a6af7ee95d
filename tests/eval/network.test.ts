// NetworkCIFAR in TF.js against the reference parameter counts (built from specs only: no tensors),
// and the drop-path / auxiliary-head wiring against finite differences on a tiny net.
import { readdirSync, readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DartsGenotype } from '../../src/core/genotype/model'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { countNetworkCIFAR } from '../../src/core/metrics/params'
import { Rng } from '../../src/core/rng'
import { countEvalParams, createNetworkCIFAR, type NetworkCIFARConfig } from '../../src/engine/eval/network'
import { crossEntropy } from '../../src/engine/search/loss'
import { initWeights } from '../../src/engine/ops/index'
import { DARTS_V2, FIXTURE_GENOTYPES } from '../core/helpers/fixtureGenotypes'
import { gradCheck, randn4, useCpu } from '../engine/ops/helpers'

const counts = JSON.parse(readFileSync(new URL('../fixtures/genotypes/param-counts.json', import.meta.url), 'utf8')) as {
  cifar10: Record<string, number>
  cifar100: Record<string, number>
  aux_head_cifar10: number
}

const full = (genotype: DartsGenotype, numClasses = 10): NetworkCIFARConfig => ({
  genotype,
  C: 36,
  layers: 20,
  numClasses,
  auxiliary: true,
  inputChannels: 3,
  inputSize: 32,
})

describe('NetworkCIFAR parameter parity (C=36, 20 layers)', () => {
  it.each(Object.entries(counts.cifar10))('CIFAR-10 %s = %i (aux head apart)', (name, expected) => {
    const g = FIXTURE_GENOTYPES[name]!
    const c = countEvalParams(createNetworkCIFAR(full(g)))
    expect(c.params).toBe(expected)
    expect(c.auxParams).toBe(counts.aux_head_cifar10)
  })

  it.each(Object.entries(counts.cifar100))('CIFAR-100 %s = %i', (name, expected) => {
    const c = countEvalParams(createNetworkCIFAR(full(FIXTURE_GENOTYPES[name]!, 100)))
    expect(c.params).toBe(expected)
    expect(c.auxParams).toBe(countNetworkCIFAR(FIXTURE_GENOTYPES[name]!, { classes: 100, auxiliary: true }).auxParams)
  })

  const dirs = [new URL('../../resources/genotypes/', import.meta.url).pathname, '/work/shared/fixtures/genotypes/']
  const files = dirs.flatMap((d) => {
    try {
      return readdirSync(d)
        .filter((f) => f.endsWith('.py'))
        .map((f) => d + f)
    } catch {
      return []
    }
  })
  it.each(files)('every DARTS genotype in %s matches countNetworkCIFAR', (file) => {
    const list = parseGenotypes(readFileSync(file, 'utf8')).filter((n) => n.genotype.kind === 'darts')
    expect(list.length).toBeGreaterThan(0)
    for (const { name, genotype } of list) {
      const g = genotype as DartsGenotype
      const ref = countNetworkCIFAR(g, { auxiliary: true })
      const got = countEvalParams(createNetworkCIFAR(full(g)))
      expect({ name, ...got }).toEqual({ name, params: ref.params, auxParams: ref.auxParams })
    }
  })
})

describe('NetworkCIFAR forward and gradients (tiny)', () => {
  beforeAll(useCpu)
  // 3 layers: reductions at cells 1 and 2, the head on cell 2 (an 8×8 map from a 32×32 input).
  const tiny: NetworkCIFARConfig = {
    genotype: DARTS_V2,
    C: 2,
    layers: 3,
    numClasses: 4,
    auxiliary: true,
    inputChannels: 1,
    inputSize: 32,
  }

  it('returns aux logits only in training, and drop path only acts in training', () => {
    const net = createNetworkCIFAR(tiny)
    const w = initWeights(net.specs, new Rng(1))
    const x = randn4([3, 32, 32, 1], new Rng(2))
    const stats = new Map(net.bnSpecs.map((b) => [b.name, { mean: tf.zeros([b.channels]), variance: tf.ones([b.channels]) }]))
    const train = net.forward(w, x, { training: true, dropPathProb: 0.5, rng: new Rng(3) })
    expect(train.logits.shape).toEqual([3, 4])
    expect(train.logitsAux?.shape).toEqual([3, 4])
    const noDrop = net.forward(w, x, { training: true, dropPathProb: 0, rng: new Rng(3) })
    expect(tf.max(tf.abs(tf.sub(train.logits, noDrop.logits))).dataSync()[0]).toBeGreaterThan(1e-4)
    const a = net.forward(w, x, { training: false, bnStats: stats, dropPathProb: 0.5, rng: new Rng(3) })
    const b = net.forward(w, x, { training: false, bnStats: stats })
    expect(a.logitsAux).toBeUndefined()
    expect(Array.from(a.logits.dataSync())).toEqual(Array.from(b.logits.dataSync()))
  })

  it('CE + 0.4·CE_aux gradients with drop path match finite differences', () => {
    const net = createNetworkCIFAR(tiny)
    const w = initWeights(net.specs, new Rng(4))
    const x = randn4([4, 32, 32, 1], new Rng(5))
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32')
    const pick = ['stem.conv', 'cells.2.preprocess1.conv', 'auxiliary.conv1', 'auxiliary.classifier.weight']
    const idx = pick.map((n) => net.specs.findIndex((s) => s.name === n))
    expect(idx.every((i) => i >= 0)).toBe(true)
    const loss = (...sel: tf.Tensor[]) => {
      const ws = w.map((t, i) => (idx.includes(i) ? sel[idx.indexOf(i)]! : t))
      // A fresh rng per call: every evaluation draws the same drop-path masks.
      const out = net.forward(ws, x, { training: true, dropPathProb: 0.3, rng: new Rng(9) })
      return tf.add(crossEntropy(out.logits, labels), tf.mul(crossEntropy(out.logitsAux!, labels), 0.4))
    }
    const checks = gradCheck(
      loss,
      idx.map((i) => w[i]!),
      11,
    )
    // The head's weights sit two layers from the loss (tight); the stem's gradient crosses every cell's
    // train-mode BNs and ReLU kinks in float32, which leaves a few per cent of round-off.
    checks.forEach((r, k) => expect(r.relError).toBeLessThan(pick[k]!.startsWith('auxiliary') ? 5e-3 : 5e-2))
  })
})
