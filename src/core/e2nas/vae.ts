/**
 * Inference of E2NAS's graph VAE for NAS-Bench-201 cells (METHODS.md §3.3), in plain TypeScript so the
 * search can decode z on every step (about 0.7 ms at hidden 64). The model follows D-VAE (Zhang et al., NeurIPS
 * 2019, `models.py: DVAE`), which EENAS trains on the NB201 cells, with these simplifications
 * (docs/e2nas.md, "The autoencoder"):
 * - The cell is the fixed 8-node DAG of nb201Dag.ts, so the decoder predicts only node types; D-VAE's
 *   edge decoder (`add_edge`) is dropped because every NB201 cell has the same topology.
 * - Type logits cover the 5 ops only: START and END can never occur at an op node.
 * - Hidden size 64 by default instead of D-VAE's 501, so training takes about ten minutes on two CPU
 *   cores; 6 five-way tokens need far less capacity than D-VAE's ENAS/NB101 graphs.
 * - add_vertex reads [d_{k−1}, h0] instead of d_{k−1} alone: h0 = tanh(fc3(z)) reaches every type
 *   prediction directly rather than through chains of GRU steps (faster to learn).
 * - The GRU input is [onehot(type), onehot(node id)], D-VAE's `vid` option (GRU_INPUT below).
 * - Unidirectional encoder (D-VAE's default; `bidirectional` is an option there).
 *
 * Encoder: nodes in topological order, h_v = GRU_e(x_v, Σ_{u∈pred(v)} σ(W_g h_u + b_g) ⊙ W_m h_u) with
 * x_v = [onehot(type_v), onehot(v)] (zero state for START); μ = fc1(h_END), log σ² = fc2(h_END).
 * Decoder: h0 = tanh(fc3(z)); d_START = GRU_d(x_START, h0); the type of op node k comes from
 * add_vertex([d_{k−1}, h0]), d_{k−1} being the state of the last node decoded (D-VAE's "graph state"
 * when decoding); then d_k = GRU_d(x_k, gated sum over pred(k)). As in D-VAE, the gate and
 * mapper are shared by the encoder and the decoder. The gated sum entering a node cannot pick its type
 * by itself: the op nodes of 1←0, 2←0 and 3←0 all have the input as their only predecessor, so it
 * would be the same for the three.
 */
import {
  checkCell,
  DAG_NODE_COUNT,
  DAG_OUTPUT,
  DAG_PREDECESSORS,
  DAG_START,
  DAG_TYPE_COUNT,
  dagTypes,
  NB201_EDGE_COUNT,
  NB201_OP_COUNT,
  opNodeType,
} from './nb201Dag'
import { type E2nasWeightsFile, parseWeightsFile, readTensors, type VaeMeta } from './weights'

export interface Nb201Vae {
  readonly nz: number
  /** μ of q(z | cell). */
  encodeMean(cell: readonly number[]): Float32Array
  /** Greedy argmax per op node: 6 op indices. */
  decode(z: ArrayLike<number>): number[]
}

/** Tensor names and shapes ([out, in] for weights, PyTorch's layout) of the VAE with hidden size H. */
export function vaeTensorShapes(hidden: number, nz: number): Record<string, number[]> {
  const H = hidden
  const gru = (p: string) => ({
    [`${p}.w_ih`]: [3 * H, GRU_INPUT],
    [`${p}.w_hh`]: [3 * H, H],
    [`${p}.b_ih`]: [3 * H],
    [`${p}.b_hh`]: [3 * H],
  })
  return {
    ...gru('enc.gru'),
    'gate.w': [H, H],
    'gate.b': [H],
    'mapper.w': [H, H],
    'fc1.w': [nz, H],
    'fc1.b': [nz],
    'fc2.w': [nz, H],
    'fc2.b': [nz],
    'fc3.w': [H, nz],
    'fc3.b': [H],
    ...gru('dec.gru'),
    // D-VAE's add_vertex, Linear(H, 2H) → ReLU → Linear(2H, types), here on [state, h0] (2H inputs).
    'add_vertex.w1': [2 * H, 2 * H],
    'add_vertex.b1': [2 * H],
    'add_vertex.w2': [NB201_OP_COUNT, 2 * H],
    'add_vertex.b2': [NB201_OP_COUNT],
  }
}

/**
 * GRU input: one-hot node type, then one-hot node id (D-VAE's `vid` option). Without the id, op nodes
 * with the same predecessors and type get the same state (1←0 and 2←0 after the input, 2←1 and 3←1
 * after 1←0), and the decoder could not tell which position it is predicting next.
 */
export const GRU_INPUT = DAG_TYPE_COUNT + DAG_NODE_COUNT

/** Nodes whose message an op node reads; the others' (3←0, 3←1) only reach END, which is not decoded. */
const FEEDS_OP_NODE = Array.from({ length: DAG_NODE_COUNT }, (_, u) =>
  DAG_PREDECESSORS.slice(1, DAG_OUTPUT).some((p) => p.includes(u)),
)

interface Gru {
  wih: Float32Array
  whh: Float32Array
  bih: Float32Array
  bhh: Float32Array
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x))

/** out = W x + b for W [outDim, inDim] row-major (b optional). */
function linear(
  W: Float32Array,
  b: Float32Array | null,
  x: ArrayLike<number>,
  out: Float32Array,
  outDim: number,
  inDim: number,
): void {
  for (let o = 0; o < outDim; o++) {
    let s = b ? b[o]! : 0
    const row = o * inDim
    for (let i = 0; i < inDim; i++) s += W[row + i]! * x[i]!
    out[o] = s
  }
}

/** Core inference; the extra `typeLogits` (teacher forcing) serves the TF.js parity test. */
export class Nb201VaeModel implements Nb201Vae {
  readonly nz: number
  readonly hidden: number
  private readonly w: Map<string, Float32Array>
  private readonly enc: Gru
  private readonly dec: Gru
  // Scratch buffers: decode runs on every search step, so it allocates nothing but its result.
  private readonly gh: Float32Array
  private readonly agg: Float32Array
  private readonly gate: Float32Array
  private readonly hidden2: Float32Array
  private readonly h0: Float32Array
  /** add_vertex's input: [last decoded node's state, h0]. */
  private readonly cat: Float32Array
  private readonly logits = new Float32Array(NB201_OP_COUNT)
  private readonly h: Float32Array[]
  private readonly msg: Float32Array[]

  constructor(
    tensors: Map<string, Float32Array>,
    readonly meta: VaeMeta,
  ) {
    this.nz = meta.nz
    this.hidden = meta.hidden
    this.w = tensors
    const gru = (p: string): Gru => ({
      wih: this.t(`${p}.w_ih`),
      whh: this.t(`${p}.w_hh`),
      bih: this.t(`${p}.b_ih`),
      bhh: this.t(`${p}.b_hh`),
    })
    this.enc = gru('enc.gru')
    this.dec = gru('dec.gru')
    const H = this.hidden
    this.gh = new Float32Array(3 * H)
    this.agg = new Float32Array(H)
    this.gate = new Float32Array(H)
    this.hidden2 = new Float32Array(2 * H)
    this.h0 = new Float32Array(H)
    this.cat = new Float32Array(2 * H)
    this.h = Array.from({ length: DAG_NODE_COUNT }, () => new Float32Array(H))
    this.msg = Array.from({ length: DAG_NODE_COUNT }, () => new Float32Array(H))
  }

  private t(name: string): Float32Array {
    const v = this.w.get(name)
    if (!v) throw new Error(`E2NAS VAE: tensor '${name}' is missing`)
    return v
  }

  /** PyTorch GRUCell (gates r, z, n) on [onehot(type), onehot(node)], written into `out` (must not alias hPrev). */
  private gru(g: Gru, type: number, node: number, hPrev: Float32Array, out: Float32Array): void {
    const H = this.hidden
    const t = type
    const v = DAG_TYPE_COUNT + node
    linear(g.whh, g.bhh, hPrev, this.gh, 3 * H, H)
    for (let k = 0; k < H; k++) {
      // W_ih · x with a two-hot x is the sum of two columns of W_ih.
      const r0 = k * GRU_INPUT
      const z0 = (H + k) * GRU_INPUT
      const n0 = (2 * H + k) * GRU_INPUT
      const xr = g.wih[r0 + t]! + g.wih[r0 + v]! + g.bih[k]!
      const xz = g.wih[z0 + t]! + g.wih[z0 + v]! + g.bih[H + k]!
      const xn = g.wih[n0 + t]! + g.wih[n0 + v]! + g.bih[2 * H + k]!
      const r = sigmoid(xr + this.gh[k]!)
      const z = sigmoid(xz + this.gh[H + k]!)
      const n = Math.tanh(xn + r * this.gh[2 * H + k]!)
      out[k] = (1 - z) * n + z * hPrev[k]!
    }
  }

  /** A node's message to its successors: σ(W_g h + b_g) ⊙ (W_m h). */
  private message(h: Float32Array, out: Float32Array): void {
    const H = this.hidden
    linear(this.t('gate.w'), this.t('gate.b'), h, this.gate, H, H)
    linear(this.t('mapper.w'), null, h, out, H, H)
    for (let k = 0; k < H; k++) out[k] = out[k]! * sigmoid(this.gate[k]!)
  }

  /** The gated sum over a node's predecessors, into `this.agg`. */
  private aggregate(v: number): Float32Array {
    this.agg.fill(0)
    for (const u of DAG_PREDECESSORS[v]!) {
      const m = this.msg[u]!
      for (let k = 0; k < this.hidden; k++) this.agg[k]! += m[k]!
    }
    return this.agg
  }

  encodeMean(cell: readonly number[]): Float32Array {
    const types = dagTypes(cell)
    for (let v = 0; v < DAG_NODE_COUNT; v++) {
      this.gru(this.enc, types[v]!, v, this.aggregate(v), this.h[v]!)
      if (v !== DAG_OUTPUT) this.message(this.h[v]!, this.msg[v]!)
    }
    const mu = new Float32Array(this.nz)
    linear(this.t('fc1.w'), this.t('fc1.b'), this.h[DAG_OUTPUT]!, mu, this.nz, this.hidden)
    return mu
  }

  /** log σ² of q(z | cell) (for tests and diagnostics). */
  encodeLogVar(cell: readonly number[]): Float32Array {
    this.encodeMean(cell)
    const lv = new Float32Array(this.nz)
    linear(this.t('fc2.w'), this.t('fc2.b'), this.h[DAG_OUTPUT]!, lv, this.nz, this.hidden)
    return lv
  }

  decode(z: ArrayLike<number>): number[] {
    return this.run(z, null, null)
  }

  /** Teacher-forced type logits [6][5]: node k's logits given the true ops of nodes before it. */
  typeLogits(z: ArrayLike<number>, cell: readonly number[]): number[][] {
    checkCell(cell)
    const logits: number[][] = []
    this.run(z, cell, logits)
    return logits
  }

  private run(z: ArrayLike<number>, forced: readonly number[] | null, logitsOut: number[][] | null): number[] {
    if (z.length !== this.nz) throw new Error(`E2NAS VAE: z has ${z.length} dimensions, expected ${this.nz}`)
    const H = this.hidden
    const h0 = this.h0
    linear(this.t('fc3.w'), this.t('fc3.b'), z, h0, H, this.nz)
    for (let k = 0; k < H; k++) h0[k] = Math.tanh(h0[k]!)
    this.gru(this.dec, DAG_START, 0, h0, this.h[0]!)
    this.message(this.h[0]!, this.msg[0]!)
    const cell: number[] = []
    for (let v = 1; v <= NB201_EDGE_COUNT; v++) {
      const op = this.addVertex(this.h[v - 1]!)
      if (logitsOut) logitsOut.push(Array.from(this.logits))
      cell.push(forced ? forced[v - 1]! : op)
      if (v === NB201_EDGE_COUNT) break // the last op node's state would only feed END, which is not decoded
      this.gru(this.dec, opNodeType(cell[v - 1]!), v, this.aggregate(v), this.h[v]!)
      if (FEEDS_OP_NODE[v]) this.message(this.h[v]!, this.msg[v]!)
    }
    return cell
  }

  /** add_vertex MLP on [last decoded node's state, h0]; returns the argmax op (first on ties). */
  private addVertex(state: Float32Array): number {
    const H = this.hidden
    this.cat.set(state, 0)
    this.cat.set(this.h0, H)
    linear(this.t('add_vertex.w1'), this.t('add_vertex.b1'), this.cat, this.hidden2, 2 * H, 2 * H)
    for (let k = 0; k < 2 * H; k++) if (this.hidden2[k]! < 0) this.hidden2[k] = 0
    linear(this.t('add_vertex.w2'), this.t('add_vertex.b2'), this.hidden2, this.logits, NB201_OP_COUNT, 2 * H)
    let best = 0
    for (let o = 1; o < NB201_OP_COUNT; o++) if (this.logits[o]! > this.logits[best]!) best = o
    return best
  }
}

/** The VAE of a parsed weights file. */
export function vaeModelFromFile(file: E2nasWeightsFile): Nb201VaeModel {
  return new Nb201VaeModel(readTensors(file, vaeTensorShapes(file.meta.hidden, file.meta.nz)), file.meta)
}

/** Validates the weights JSON (one-line error on bad data) and returns the inference model. */
export function vaeFromJson(json: unknown): Nb201Vae {
  return vaeModelFromFile(parseWeightsFile(json))
}
