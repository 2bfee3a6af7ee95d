/**
 * E2NAS's small MLP encoder (METHODS.md §3.3: EENAS's `model_linear_nn.pt`, 31→100→100→30), which maps
 * a discrete cell straight to a latent z and is trained to regress the VAE's μ. The search uses its
 * Jacobian: log|D| = Σ log of the top-6 singular values (the exploration novelty term).
 *
 * Input: the 6×5 one-hot of the cell, flattened edge-major (entry 5·e + op), 30 values. EENAS's input
 * has 31; what the 31st holds is not documented in the code we have, so it is left out.
 * Hidden layers use tanh (smooth, so the Jacobian is informative everywhere).
 */
import { checkCell, NB201_EDGE_COUNT, NB201_OP_COUNT } from './nb201Dag'
import { type E2nasWeightsFile, parseWeightsFile, readTensors } from './weights'

export const MLP_INPUT = NB201_EDGE_COUNT * NB201_OP_COUNT
export const MLP_HIDDEN = 100

export interface LatentMlp {
  forward(x: ArrayLike<number>): Float32Array
  /** ∂z/∂x, nz × 30 (rows: outputs), computed analytically. */
  jacobian(x: ArrayLike<number>): number[][]
}

export function mlpTensorShapes(nz: number): Record<string, number[]> {
  return {
    'mlp.l1.w': [MLP_HIDDEN, MLP_INPUT],
    'mlp.l1.b': [MLP_HIDDEN],
    'mlp.l2.w': [MLP_HIDDEN, MLP_HIDDEN],
    'mlp.l2.b': [MLP_HIDDEN],
    'mlp.l3.w': [nz, MLP_HIDDEN],
    'mlp.l3.b': [nz],
  }
}

/** The MLP's input for a cell: one-hot rows of 5 ops per edge, flattened (30 values). */
export function nb201OneHot(cell: readonly number[]): Float32Array {
  checkCell(cell)
  const x = new Float32Array(MLP_INPUT)
  cell.forEach((op, e) => (x[e * NB201_OP_COUNT + op] = 1))
  return x
}

class LatentMlpModel implements LatentMlp {
  private readonly w1: Float32Array
  private readonly b1: Float32Array
  private readonly w2: Float32Array
  private readonly b2: Float32Array
  private readonly w3: Float32Array
  private readonly b3: Float32Array

  constructor(
    t: Map<string, Float32Array>,
    private readonly nz: number,
  ) {
    this.w1 = t.get('mlp.l1.w')!
    this.b1 = t.get('mlp.l1.b')!
    this.w2 = t.get('mlp.l2.w')!
    this.b2 = t.get('mlp.l2.b')!
    this.w3 = t.get('mlp.l3.w')!
    this.b3 = t.get('mlp.l3.b')!
  }

  private hidden(x: ArrayLike<number>): [Float64Array, Float64Array] {
    if (x.length !== MLP_INPUT) throw new Error(`E2NAS MLP: input has ${x.length} values, expected ${MLP_INPUT}`)
    const a1 = dense(this.w1, this.b1, x, MLP_HIDDEN, MLP_INPUT)
    for (let i = 0; i < MLP_HIDDEN; i++) a1[i] = Math.tanh(a1[i]!)
    const a2 = dense(this.w2, this.b2, a1, MLP_HIDDEN, MLP_HIDDEN)
    for (let i = 0; i < MLP_HIDDEN; i++) a2[i] = Math.tanh(a2[i]!)
    return [a1, a2]
  }

  forward(x: ArrayLike<number>): Float32Array {
    const [, a2] = this.hidden(x)
    return Float32Array.from(dense(this.w3, this.b3, a2, this.nz, MLP_HIDDEN))
  }

  jacobian(x: ArrayLike<number>): number[][] {
    const [a1, a2] = this.hidden(x)
    // J = W3 · diag(1 − a2²) · W2 · diag(1 − a1²) · W1, built right to left.
    const A = new Float64Array(MLP_HIDDEN * MLP_INPUT) // diag(1 − a1²) W1
    for (let i = 0; i < MLP_HIDDEN; i++) {
      const d = 1 - a1[i]! * a1[i]!
      for (let j = 0; j < MLP_INPUT; j++) A[i * MLP_INPUT + j] = d * this.w1[i * MLP_INPUT + j]!
    }
    const B = new Float64Array(MLP_HIDDEN * MLP_INPUT) // diag(1 − a2²) W2 A
    for (let i = 0; i < MLP_HIDDEN; i++) {
      const d = 1 - a2[i]! * a2[i]!
      for (let k = 0; k < MLP_HIDDEN; k++) {
        const w = d * this.w2[i * MLP_HIDDEN + k]!
        if (w === 0) continue
        for (let j = 0; j < MLP_INPUT; j++) B[i * MLP_INPUT + j]! += w * A[k * MLP_INPUT + j]!
      }
    }
    const J: number[][] = []
    for (let o = 0; o < this.nz; o++) {
      const row = new Array<number>(MLP_INPUT).fill(0)
      for (let k = 0; k < MLP_HIDDEN; k++) {
        const w = this.w3[o * MLP_HIDDEN + k]!
        for (let j = 0; j < MLP_INPUT; j++) row[j]! += w * B[k * MLP_INPUT + j]!
      }
      J.push(row)
    }
    return J
  }
}

function dense(W: Float32Array, b: Float32Array, x: ArrayLike<number>, outDim: number, inDim: number): Float64Array {
  const out = new Float64Array(outDim)
  for (let o = 0; o < outDim; o++) {
    let s = b[o]!
    for (let i = 0; i < inDim; i++) s += W[o * inDim + i]! * x[i]!
    out[o] = s
  }
  return out
}

export function mlpFromFile(file: E2nasWeightsFile): LatentMlp {
  return new LatentMlpModel(readTensors(file, mlpTensorShapes(file.meta.nz)), file.meta.nz)
}

/** The latent MLP of a weights file (the VAE's file holds both); one-line error on bad data. */
export function mlpFromJson(json: unknown): LatentMlp {
  return mlpFromFile(parseWeightsFile(json))
}
