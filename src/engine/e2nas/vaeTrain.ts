/**
 * TF.js training of E2NAS's NB201 graph VAE (the model of src/core/e2nas/vae.ts, same weight layout) and
 * of the latent MLP that regresses its μ. Every cell has the same 8-node DAG, so the D-VAE message
 * passing runs node by node over the whole batch instead of graph by graph.
 *
 * Loss per cell (D-VAE): Σ over the 6 op nodes of the type cross-entropy under teacher forcing,
 * plus β·KL(q(z|cell) ‖ N(0, I)) with β = 0.005, z = μ + σ·ε drawn with the seeded Rng. Adam with a
 * cosine learning-rate decay; PyTorch's default initialisation (uniform ±1/√fan_in), except that
 * log σ² starts at LOGVAR_INIT. Measured settings and figures: docs/e2nas.md, "The autoencoder".
 */
import * as tf from '@tensorflow/tfjs-core'
import { MLP_INPUT, mlpTensorShapes, nb201OneHot } from '../../core/e2nas/mlp'
import {
  DAG_END,
  DAG_OUTPUT,
  DAG_PREDECESSORS,
  DAG_START,
  DAG_TYPE_COUNT,
  enumerateNb201,
  NB201_EDGE_COUNT,
  NB201_OP_COUNT,
  opNodeType,
} from '../../core/e2nas/nb201Dag'
import { vaeTensorShapes } from '../../core/e2nas/vae'
import { type E2nasWeightsFile, encodeTensor, WEIGHTS_FORMAT } from '../../core/e2nas/weights'
import { Rng } from '../../core/rng'
import { Adam } from '../optim/adam'

export interface VaeTrainOptions {
  hidden?: number
  nz?: number
  epochs?: number
  batchSize?: number
  lr?: number
  beta?: number
  seed?: number
  /** Training cells; all 15,625 by default. */
  cells?: readonly (readonly number[])[]
  /** Epochs of the MLP fit to μ (0 leaves it at its initialisation). */
  mlpEpochs?: number
  /** Continue from these weights (hidden and nz are taken from them) instead of a fresh initialisation. */
  init?: E2nasWeightsFile
  onProgress?: (p: VaeTrainProgress) => void
}

export interface VaeTrainProgress {
  phase: 'vae' | 'mlp'
  /** 0-based. */
  epoch: number
  epochs: number
  /** 1-based within the epoch. */
  step: number
  stepsPerEpoch: number
  /** Mean loss over the epoch so far (VAE: recon + β·KL per cell; MLP: mean squared error). */
  loss: number
  /** VAE: teacher-forced whole-cell accuracy over the epoch so far; MLP: NaN. */
  reconAcc: number
}

type Params = Record<string, tf.Tensor>

const LOGVAR_INIT = -4

export const VAE_DEFAULTS = { hidden: 64, nz: 30, epochs: 20, batchSize: 64, lr: 5e-3, beta: 0.005, seed: 0, mlpEpochs: 20 }

/** PyTorch's default init: Linear and GRUCell weights and biases ~ U(±1/√fan_in) (GRUCell: 1/√hidden). */
function initParams(shapes: Record<string, number[]>, hidden: number, rng: Rng): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {}
  for (const [name, shape] of Object.entries(shapes)) {
    // A bias takes the fan-in of its weight: 'fc1.b' ↔ 'fc1.w', 'add_vertex.b1' ↔ 'add_vertex.w1'.
    const fanIn = name.includes('.gru.') ? hidden : shapes[name.replace(/\.b(\d?)$/, '.w$1')]![1]!
    const bound = 1 / Math.sqrt(fanIn)
    const size = shape.reduce((a, b) => a * b, 1)
    const data = Float32Array.from({ length: size }, () => (2 * rng.next() - 1) * bound)
    // log σ² starts near LOGVAR_INIT, not 0: with σ ≈ 1 the noise drowns the small initial μ and the
    // decoder learns to ignore z for many epochs before the KL-light objective shrinks σ.
    if (name === 'fc2.b') data.fill(LOGVAR_INIT)
    out[name] = tf.variable(tf.tensor(data, shape))
  }
  return out
}

/** Tensors of a weights file, for the TF.js forward (parity tests, further training). */
export function paramsFromFile(file: E2nasWeightsFile, shapes: Record<string, number[]>): Params {
  const out: Params = {}
  for (const [name, shape] of Object.entries(shapes)) {
    const bin = atob(file.tensors[name]!.data)
    const view = new DataView(Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer)
    out[name] = tf.tensor(
      Float32Array.from({ length: bin.length / 4 }, (_, i) => view.getFloat32(4 * i, true)),
      shape,
    )
  }
  return out
}

const linear = (x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor => {
  const y = tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D, false, true)
  return b ? tf.add(y, b) : y
}

/**
 * PyTorch GRUCell (gates r, z, n) on [onehot(type), onehot(node)]: x is the type one-hot [1 or B, 7],
 * and the node id adds its column of W_ih (GRU_INPUT in core/e2nas/vae.ts).
 */
function gru(p: Params, prefix: string, x: tf.Tensor, node: number, h: tf.Tensor): tf.Tensor {
  const w = p[`${prefix}.w_ih`]!
  const rows = w.shape[0]!
  const vid = tf.reshape(tf.slice(w, [0, DAG_TYPE_COUNT + node], [rows, 1]), [rows])
  const gi = tf.add(linear(x, tf.slice(w, [0, 0], [rows, DAG_TYPE_COUNT]), p[`${prefix}.b_ih`]), vid)
  const gh = linear(h, p[`${prefix}.w_hh`]!, p[`${prefix}.b_hh`])
  const [ir, iz, inn] = tf.split(gi, 3, 1)
  const [hr, hz, hn] = tf.split(gh, 3, 1)
  const r = tf.sigmoid(tf.add(ir!, hr!))
  const z = tf.sigmoid(tf.add(iz!, hz!))
  const n = tf.tanh(tf.add(inn!, tf.mul(r, hn!)))
  return tf.add(n, tf.mul(z, tf.sub(h, n))) // (1 − z)·n + z·h
}

const message = (p: Params, h: tf.Tensor): tf.Tensor =>
  tf.mul(tf.sigmoid(linear(h, p['gate.w']!, p['gate.b'])), linear(h, p['mapper.w']!))
const sumOf = (xs: tf.Tensor[]): tf.Tensor => (xs.length === 1 ? xs[0]! : tf.addN(xs))

export interface TfForward {
  mu: tf.Tensor
  logvar: tf.Tensor
  /** Teacher-forced type logits per op node, 6 × [B, 5]. */
  logits: tf.Tensor[]
}

/** One-hot node types per op node, 6 × [B, 7]. */
export function typeOneHots(cells: readonly (readonly number[])[]): tf.Tensor[] {
  return Array.from({ length: NB201_EDGE_COUNT }, (_, e) =>
    tf
      .oneHot(
        tf.tensor1d(
          cells.map((c) => opNodeType(c[e]!)),
          'int32',
        ),
        DAG_TYPE_COUNT,
      )
      .toFloat(),
  )
}

/** The batched forward; `eps` null decodes from z = μ (as the core inference does). Call inside a tidy. */
export function vaeForwardTf(p: Params, types: tf.Tensor[], eps: tf.Tensor | null): TfForward {
  const B = types[0]!.shape[0]!
  const H = p['gate.w']!.shape[0]!
  const start = tf.oneHot(tf.tensor1d([DAG_START], 'int32'), DAG_TYPE_COUNT).toFloat()
  const end = tf.oneHot(tf.tensor1d([DAG_END], 'int32'), DAG_TYPE_COUNT).toFloat()
  // Encoder: asynchronous message passing in topological order.
  const msg: tf.Tensor[] = []
  let hEnd: tf.Tensor | null = null
  for (let v = 0; v <= DAG_OUTPUT; v++) {
    const preds = DAG_PREDECESSORS[v]!
    const agg = preds.length ? sumOf(preds.map((u) => msg[u]!)) : tf.zeros([B, H])
    const x = v === 0 ? start : v === DAG_OUTPUT ? end : types[v - 1]!
    const h = gru(p, 'enc.gru', x, v, agg)
    if (v === DAG_OUTPUT) hEnd = h
    else msg.push(message(p, h))
  }
  const mu = linear(hEnd!, p['fc1.w']!, p['fc1.b'])
  const logvar = linear(hEnd!, p['fc2.w']!, p['fc2.b'])
  const z = eps ? tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) : mu
  // Decoder with teacher forcing: node k's type from the last decoded node's state.
  const h0 = tf.tanh(linear(z, p['fc3.w']!, p['fc3.b']))
  let last = gru(p, 'dec.gru', start, 0, h0)
  const dmsg = [message(p, last)]
  const logits: tf.Tensor[] = []
  for (let v = 1; v <= NB201_EDGE_COUNT; v++) {
    const state = tf.concat([last, h0], 1)
    logits.push(linear(tf.relu(linear(state, p['add_vertex.w1']!, p['add_vertex.b1'])), p['add_vertex.w2']!, p['add_vertex.b2']))
    if (v === NB201_EDGE_COUNT) break
    last = gru(p, 'dec.gru', types[v - 1]!, v, sumOf(DAG_PREDECESSORS[v]!.map((u) => dmsg[u]!)))
    dmsg.push(message(p, last))
  }
  return { mu, logvar, logits }
}

/** μ of every cell, [N, nz], computed in batches. */
export function encodeMeansTf(p: Params, cells: readonly (readonly number[])[], batch = 1024): Float32Array {
  const nz = p['fc1.w']!.shape[0]!
  const out = new Float32Array(cells.length * nz)
  for (let i = 0; i < cells.length; i += batch) {
    const part = cells.slice(i, i + batch)
    out.set(
      tf.tidy(() => vaeForwardTf(p, typeOneHots(part), null).mu.dataSync() as Float32Array),
      i * nz,
    )
  }
  return out
}

function toFile(params: Record<string, tf.Variable>, meta: E2nasWeightsFile['meta']): E2nasWeightsFile {
  const tensors: E2nasWeightsFile['tensors'] = {}
  for (const [name, v] of Object.entries(params)) tensors[name] = encodeTensor(v.dataSync() as Float32Array, v.shape)
  return { format: WEIGHTS_FORMAT, version: 1, meta, tensors }
}

/** Trains the VAE, then fits the MLP to μ; returns the weights file (metadata without the whole-space evaluation). */
export async function trainNb201Vae(options: VaeTrainOptions = {}): Promise<E2nasWeightsFile> {
  const o = { ...VAE_DEFAULTS, ...options }
  if (options.init) Object.assign(o, { hidden: options.init.meta.hidden, nz: options.init.meta.nz })
  const cells = options.cells ?? enumerateNb201()
  const rng = new Rng(o.seed)
  const started = performance.now()
  const fresh = (shapes: Record<string, number[]>) =>
    options.init
      ? Object.fromEntries(Object.entries(paramsFromFile(options.init, shapes)).map(([k, t]) => [k, tf.variable(t)]))
      : initParams(shapes, o.hidden, rng)
  const vaeParams = fresh(vaeTensorShapes(o.hidden, o.nz))
  const mlpParams = fresh(mlpTensorShapes(o.nz))
  const vars = Object.values(vaeParams)
  const adam = new Adam({ lr: o.lr, beta1: 0.9, beta2: 0.999, weightDecay: 0 })
  const steps = Math.ceil(cells.length / o.batchSize)
  const history: { epoch: number; loss: number; reconAcc: number }[] = []
  let initialLoss = NaN
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = rng.shuffle(Array.from(cells.keys()))
    let lossSum = 0
    let correct = 0
    let seen = 0
    for (let s = 0; s < steps; s++) {
      const batch = order.slice(s * o.batchSize, (s + 1) * o.batchSize).map((i) => cells[i]!)
      const B = batch.length
      const eps = Float32Array.from({ length: B * o.nz }, () => rng.normal())
      const lr = cosine(o.lr, o.lr * 0.02, epoch * steps + s, o.epochs * steps)
      let right: tf.Tensor | null = null
      const { value, grads } = tf.tidy(() => {
        const types = typeOneHots(batch)
        // The op one-hot is the type one-hot without its START and END columns.
        const labels = types.map((t) => t.slice([0, 2], [B, NB201_OP_COUNT]))
        return tf.variableGrads(() => {
          const f = vaeForwardTf(vaeParams, types, tf.tensor(eps, [B, o.nz]))
          const ce = f.logits.map((l, e) => tf.neg(tf.sum(tf.mul(labels[e]!, tf.logSoftmax(l)), 1)))
          const recon = tf.mean(tf.addN(ce))
          const kl = tf.mean(tf.mul(tf.sum(tf.sub(tf.add(f.logvar, 1), tf.add(tf.square(f.mu), tf.exp(f.logvar))), 1), -0.5))
          const hits = f.logits.map((l, e) => tf.cast(tf.equal(tf.argMax(l, 1), tf.argMax(labels[e]!, 1)), 'float32'))
          right = tf.keep(tf.sum(tf.prod(tf.stack(hits, 1), 1)))
          return tf.add(recon, tf.mul(kl, o.beta)) as tf.Scalar
        }, vars)
      })
      adam.step(
        vars,
        vars.map((v) => grads[v.name]!),
        lr,
      )
      const loss = value.dataSync()[0]!
      if (Number.isNaN(initialLoss)) initialLoss = loss
      lossSum += loss * B
      correct += (right as tf.Tensor | null)!.dataSync()[0]!
      seen += B
      tf.dispose([value, right!, ...Object.values(grads)])
      o.onProgress?.({
        phase: 'vae',
        epoch,
        epochs: o.epochs,
        step: s + 1,
        stepsPerEpoch: steps,
        loss: lossSum / seen,
        reconAcc: correct / seen,
      })
      if (s % 16 === 15) await new Promise((r) => setImmediate(r)) // let signals and timers through
    }
    history.push({ epoch, loss: lossSum / seen, reconAcc: correct / seen })
  }
  adam.dispose()
  const vaeSeconds = (performance.now() - started) / 1000
  const mlpFit = await fitMlp(mlpParams, vaeParams, cells, o, rng)
  const meta = {
    hidden: o.hidden,
    nz: o.nz,
    epochs: o.epochs + ((options.init?.meta.epochs as number | undefined) ?? 0),
    ...(options.init ? { continuedFrom: { date: options.init.meta.date, epochs: options.init.meta.epochs } } : {}),
    batchSize: o.batchSize,
    lr: o.lr,
    beta: o.beta,
    seed: o.seed,
    trainCells: cells.length,
    date: new Date().toISOString(),
    backend: tf.getBackend(),
    initialLoss,
    history,
    vaeTrainSeconds: round(vaeSeconds),
    mlp: { input: MLP_INPUT, epochs: o.mlpEpochs, ...mlpFit },
    trainSeconds: round((performance.now() - started) / 1000),
  }
  const file = toFile({ ...vaeParams, ...mlpParams }, meta)
  tf.dispose([...Object.values(vaeParams), ...Object.values(mlpParams)])
  return file
}

/** Cosine decay from lr to lrMin over `total` steps. */
const cosine = (lr: number, lrMin: number, t: number, total: number): number =>
  lrMin + ((lr - lrMin) * (1 + Math.cos((Math.PI * t) / total))) / 2

const round = (x: number, digits = 1): number => Number(x.toFixed(digits))

const mlpForwardTf = (p: Params, x: tf.Tensor): tf.Tensor =>
  linear(
    tf.tanh(linear(tf.tanh(linear(x, p['mlp.l1.w']!, p['mlp.l1.b'])), p['mlp.l2.w']!, p['mlp.l2.b'])),
    p['mlp.l3.w']!,
    p['mlp.l3.b'],
  )

/** Fits the MLP to the VAE's μ by mean squared error; returns the final MSE and R² over the cells. */
async function fitMlp(
  mlp: Record<string, tf.Variable>,
  vae: Params,
  cells: readonly (readonly number[])[],
  o: typeof VAE_DEFAULTS & VaeTrainOptions,
  rng: Rng,
): Promise<{ mse: number; r2: number }> {
  const mu = encodeMeansTf(vae, cells)
  const X = new Float32Array(cells.length * MLP_INPUT)
  cells.forEach((c, i) => X.set(nb201OneHot(c), i * MLP_INPUT))
  const vars = Object.values(mlp)
  const adam = new Adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999, weightDecay: 0 })
  const steps = Math.ceil(cells.length / o.batchSize)
  for (let epoch = 0; epoch < o.mlpEpochs; epoch++) {
    const order = rng.shuffle(Array.from(cells.keys()))
    let lossSum = 0
    let seen = 0
    for (let s = 0; s < steps; s++) {
      const idx = order.slice(s * o.batchSize, (s + 1) * o.batchSize)
      const xb = new Float32Array(idx.length * MLP_INPUT)
      const yb = new Float32Array(idx.length * o.nz)
      idx.forEach((i, r) => {
        xb.set(X.subarray(i * MLP_INPUT, (i + 1) * MLP_INPUT), r * MLP_INPUT)
        yb.set(mu.subarray(i * o.nz, (i + 1) * o.nz), r * o.nz)
      })
      const lr = cosine(1e-3, 1e-5, epoch * steps + s, o.mlpEpochs * steps)
      const { value, grads } = tf.tidy(() => {
        const x = tf.tensor(xb, [idx.length, MLP_INPUT])
        const y = tf.tensor(yb, [idx.length, o.nz])
        return tf.variableGrads(() => tf.mean(tf.square(tf.sub(mlpForwardTf(mlp, x), y))) as tf.Scalar, vars)
      })
      adam.step(
        vars,
        vars.map((v) => grads[v.name]!),
        lr,
      )
      lossSum += value.dataSync()[0]! * idx.length
      seen += idx.length
      tf.dispose([value, ...Object.values(grads)])
      o.onProgress?.({
        phase: 'mlp',
        epoch,
        epochs: o.mlpEpochs,
        step: s + 1,
        stepsPerEpoch: steps,
        loss: lossSum / seen,
        reconAcc: NaN,
      })
      if (s % 16 === 15) await new Promise((r) => setImmediate(r))
    }
  }
  adam.dispose()
  // Final fit over all cells: MSE and the fraction of μ's variance the MLP explains.
  return tf.tidy(() => {
    const y = tf.tensor(mu, [cells.length, o.nz])
    const pred = mlpForwardTf(mlp, tf.tensor(X, [cells.length, MLP_INPUT]))
    const mse = tf.mean(tf.square(tf.sub(pred, y))).dataSync()[0]!
    const variance = tf.mean(tf.square(tf.sub(y, tf.mean(y, 0)))).dataSync()[0]!
    return { mse: Number(mse.toPrecision(4)), r2: Number((1 - mse / variance).toFixed(4)) }
  })
}
