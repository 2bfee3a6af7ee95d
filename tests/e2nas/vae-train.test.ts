// E2NAS's VAE training (TF.js) against the core inference, the latent MLP's analytic Jacobian and the
// singular values behind the novelty term's log|D|.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { jacobiEigenvalues, topSingularValues } from '../../src/core/e2nas/linalg'
import { MLP_INPUT, mlpFromFile, nb201OneHot } from '../../src/core/e2nas/mlp'
import { enumerateNb201 } from '../../src/core/e2nas/nb201Dag'
import { vaeModelFromFile, vaeTensorShapes } from '../../src/core/e2nas/vae'
import type { E2nasWeightsFile } from '../../src/core/e2nas/weights'
import { Rng } from '../../src/core/rng'
import { initBackend } from '../../src/engine/backends/init'
import { paramsFromFile, trainNb201Vae, typeOneHots, VAE_DEFAULTS, vaeForwardTf } from '../../src/engine/e2nas/vaeTrain'

let file: E2nasWeightsFile
const progress: number[] = []

beforeAll(async () => {
  await initBackend('wasm')
  // A short training on a subset: 1,024 cells, 3 epochs of 16 steps.
  const cells = new Rng(7).shuffle(enumerateNb201()).slice(0, 1024)
  file = await trainNb201Vae({
    cells,
    epochs: 3,
    batchSize: 64,
    lr: 1e-2,
    mlpEpochs: 2,
    seed: 3,
    onProgress: (p) => void (p.phase === 'vae' && progress.push(p.loss)),
  })
}, 60_000)

describe('trainNb201Vae', () => {
  it('lowers the loss and reports progress every step', () => {
    const history = file.meta.history as { loss: number; reconAcc: number }[]
    expect(history).toHaveLength(3)
    expect(progress).toHaveLength(48)
    console.log(
      `short training: initial loss ${(file.meta.initialLoss as number).toFixed(3)}, per epoch ${history.map((h) => h.loss.toFixed(3))}`,
    )
    expect(history[2]!.loss).toBeLessThan((file.meta.initialLoss as number) - 0.3)
    expect(history[2]!.loss).toBeLessThan(history[0]!.loss)
    expect(file.meta.hidden).toBe(VAE_DEFAULTS.hidden)
    expect(file.meta.nz).toBe(30)
  })

  it('has a TF.js forward that matches the core inference (μ, log σ² and teacher-forced logits)', () => {
    const vae = vaeModelFromFile(file)
    const params = paramsFromFile(file, vaeTensorShapes(file.meta.hidden, file.meta.nz))
    const cells = [
      [0, 0, 0, 0, 0, 0],
      [3, 3, 3, 1, 3, 3],
      [4, 2, 1, 0, 3, 2],
      [1, 4, 4, 2, 0, 1],
    ]
    let maxErr = 0
    tf.tidy(() => {
      const f = vaeForwardTf(params, typeOneHots(cells), null)
      const mu = f.mu.arraySync() as number[][]
      const logvar = f.logvar.arraySync() as number[][]
      const logits = f.logits.map((l) => l.arraySync() as number[][])
      cells.forEach((cell, b) => {
        const coreMu = vae.encodeMean(cell)
        const coreLogvar = vae.encodeLogVar(cell)
        mu[b]!.forEach((v, k) => (maxErr = Math.max(maxErr, Math.abs(v - coreMu[k]!), Math.abs(logvar[b]![k]! - coreLogvar[k]!))))
        vae.typeLogits(coreMu, cell).forEach((row, node) => {
          row.forEach((v, o) => (maxErr = Math.max(maxErr, Math.abs(v - logits[node]![b]![o]!))))
        })
      })
    })
    tf.dispose(Object.values(params))
    expect(maxErr).toBeLessThan(1e-4)
  })
})

describe('latent MLP', () => {
  it('has an analytic Jacobian equal to central finite differences', () => {
    const mlp = mlpFromFile(file)
    const x = Array.from(nb201OneHot([3, 1, 4, 0, 2, 3]), (v, i) => v + 0.05 * Math.sin(i))
    const J = mlp.jacobian(x)
    expect(J).toHaveLength(30)
    expect(J[0]).toHaveLength(MLP_INPUT)
    const h = 1e-2 // float32 weights: a larger step keeps rounding below the tolerance
    let maxErr = 0
    for (let j = 0; j < MLP_INPUT; j++) {
      const up = mlp.forward(x.map((v, i) => (i === j ? v + h : v)))
      const down = mlp.forward(x.map((v, i) => (i === j ? v - h : v)))
      for (let o = 0; o < 30; o++) maxErr = Math.max(maxErr, Math.abs((up[o]! - down[o]!) / (2 * h) - J[o]![j]!))
    }
    expect(maxErr).toBeLessThan(2e-3)
  })
})

describe('topSingularValues', () => {
  it('finds the singular values of a known matrix, descending', () => {
    // U diag(5, 3, 0.5) Vᵀ with orthogonal U (3×3 Householder-like) and V (a rotation), so σ = 5, 3, 0.5.
    const c = Math.cos(0.7)
    const s = Math.sin(0.7)
    const U = [
      [2 / 3, -2 / 3, 1 / 3],
      [2 / 3, 1 / 3, -2 / 3],
      [1 / 3, 2 / 3, 2 / 3],
      [0, 0, 0],
    ]
    const V = [
      [c, -s, 0],
      [s, c, 0],
      [0, 0, 1],
    ]
    const S = [5, 3, 0.5]
    const M = U.map((row) => V.map((vrow) => row.reduce((acc, u, k) => acc + u * S[k]! * vrow[k]!, 0)))
    const sv = topSingularValues(M, 3)
    sv.forEach((v, i) => expect(v).toBeCloseTo(S[i]!, 10))
    expect(topSingularValues(M, 2)).toHaveLength(2)
    expect(
      topSingularValues(
        [
          [3, 0],
          [0, -4],
        ],
        6,
      ),
    ).toEqual([4, 3])
  })

  it('matches the trace and Frobenius norm on a random 30×30 matrix', () => {
    const rng = new Rng(11)
    const M = Array.from({ length: 30 }, () => Array.from({ length: 30 }, () => rng.normal()))
    const sv = topSingularValues(M, 30)
    const frob = M.flat().reduce((a, v) => a + v * v, 0)
    expect(sv.reduce((a, v) => a + v * v, 0)).toBeCloseTo(frob, 6)
    for (let i = 1; i < sv.length; i++) expect(sv[i]!).toBeLessThanOrEqual(sv[i - 1]!)
    const A = [new Float64Array([2, 1]), new Float64Array([1, 2])]
    expect(jacobiEigenvalues(A).sort()).toEqual([1, 3].map((v) => expect.closeTo(v, 12)))
  })
})
