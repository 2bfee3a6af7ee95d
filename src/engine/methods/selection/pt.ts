/**
 * DARTS-PT perturbation-based selection (METHODS.md §3.4; `darts-pt/sota/cnn/projection.py`,
 * `model_search_darts_proj.py`, `nasbench201/projection.py`), a search plugin whose extra epochs run
 * after the supernet epochs, for any method whose mixing holds `normal`/`reduce` matrices: softmax, partial-channel and
 * sigmoid in the DARTS space, and NAS-Bench-201 (one cell type, read from `normal`; no topology phase,
 * every edge stays, as its code does).
 *
 * The weight optimizer restarts (no momentum) at lr·lrFactor, cosine-annealed over the tuning length
 * (to min(lrMin, that lr)); α keeps training as in the base method. There are one decision per edge
 * (operation phase) and one per node with more than two inputs (topology phase), each made for both cell
 * types, `interval` epochs apart (fractions = that fraction of an epoch's steps); the tuning lasts
 * interval·(decisions − 1) + 1 epochs, the code's `proj_intv·(num_edges + len(nid2eids) − 1) + 1`.
 * - operation: a random undecided edge; for each op, that op's mixing weight is zeroed and the supernet's
 *   validation accuracy measured; the edge is fixed to the one-hot of the op whose removal hurts most.
 * - topology: a random undecided node; while it has more than two inputs, each remaining edge is zeroed
 *   in turn and the one whose removal leaves the highest accuracy is dropped (measured against the node's
 *   projection at the start of the decision, as the code does).
 * Decided rows replace the method's mixing (a projection on top of it) everywhere: α step, weight step
 * (after an SDARTS perturbation), evaluation. Accuracy is measured in train-mode BN (batch statistics,
 * as `infer(_eval=False)`), without updating the running statistics, on the first `pt.evalBatches`
 * batches of the in-order validation half (all when null). Ties in accuracy, common with few batches,
 * go to the higher (operation) or lower (topology) loss; full ties as in the code.
 *
 * The tuning steps are the plugin's extra epochs (the run has epochs + ceil(tuning length) epochs), and
 * the decision order, the projection and the log are its checkpoint state, so a resume anywhere in the
 * phase continues exactly.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { SearchConfig } from '../../../core/config/search'
import { deriveDarts, deriveNb201 } from '../../../core/genotype/derive'
import { countOp } from '../../../core/genotype/model'
import { toDartsText, toNb201String } from '../../../core/genotype/serialize'
import { countCorrect, crossEntropy } from '../../search/loss'
import type { ExtraEpochs, SearcherView, SearchPlugin } from '../../search/plugin'
import type { RawBatch } from '../../search/data'
import type { Supernet } from '../../types'
import { overrideMethod } from '../override'
import type { Derived, MethodContext, MethodState, SearchMethod } from '../types'

export const CELL_TYPES = ['normal', 'reduce'] as const
export type CellType = (typeof CELL_TYPES)[number]

/** Per cell type and edge: the fixed mixing row of a decided edge (one-hot, or zeros when dropped), or null. */
export type FixedRows = Record<CellType, (number[] | null)[]>

/** One line of the decision log: [decision, cell (0 normal, 1 reduce), kind (0 op, 1 edge), edge or node, op kept or edge dropped, acc, loss]. */
export type LogRow = [number, number, number, number, number, number, number]

export interface PtState {
  readonly started: boolean
  readonly decisionsDone: number
  /** Random order of the operation decisions (edges) and topology decisions (nodes), per cell type. */
  readonly order: Record<CellType, { edges: number[]; nodes: number[] }>
  readonly fixed: FixedRows
  readonly log: LogRow[]
}

/** Row index of node i's first input edge (DARTS edge order: node i, inputs j = 0..i+1). */
const nodeStart = (i: number): number => (i * (i + 3)) / 2

/** The decided rows laid over a mixing's `normal`/`reduce` matrices: W·free + F. */
export class Projection {
  fixed: FixedRows

  constructor(
    readonly edges: number,
    readonly ops: number,
  ) {
    this.fixed = { normal: Array(edges).fill(null), reduce: Array(edges).fill(null) }
  }

  get active(): boolean {
    return CELL_TYPES.some((c) => this.fixed[c].some((r) => r !== null))
  }

  /** The projected mixing (new tensors in the caller's scope); the mixing itself when nothing is decided. */
  apply<M>(m: M): M {
    if (!this.active) return m
    const out = { ...(m as Record<string, unknown>) }
    for (const cell of CELL_TYPES) {
      const rows = this.fixed[cell]
      if (rows.every((r) => r === null)) continue
      const w = out[cell]
      if (!(w instanceof tf.Tensor)) throw new Error(`DARTS-PT projects the mixing's '${cell}' matrix; this mixing has none`)
      const free = tf.tensor2d(
        rows.map((r) => [r ? 0 : 1]),
        [this.edges, 1],
      )
      const F = tf.tensor2d(
        rows.map((r) => r ?? Array<number>(this.ops).fill(0)),
        [this.edges, this.ops],
      )
      out[cell] = tf.add(tf.mul(w, free), F)
    }
    return out as M
  }

  /** The same projection on plain rows (heatmaps, genotypes). */
  applyRows(rows: readonly (readonly number[])[], cell: CellType): number[][] {
    return rows.map((r, e) => [...(this.fixed[cell][e] ?? r)])
  }
}

export class PtSelection implements SearchPlugin {
  readonly name = 'pt'
  readonly stateKey = 'pt'
  readonly projection: Projection
  /** The cell types decided: both in the DARTS space, `normal` only on NAS-Bench-201. */
  readonly cells: readonly CellType[]
  /** Nodes with more than two inputs (DARTS: nodes 1..steps−1; NAS-Bench-201: none, every edge stays). */
  readonly nodes: readonly number[]
  /** Decisions: one per edge, then one per node with more than two inputs (each for every cell type). */
  readonly decisions: number
  /** Weight steps of one epoch. */
  readonly stepsPerEpoch: number
  /** Tuning steps in all: round((interval·(decisions − 1) + 1)·stepsPerEpoch). */
  readonly tuneSteps: number
  /** Extra epochs the phase adds to the run. */
  readonly epochs: number
  started = false
  decisionsDone = 0
  order: PtState['order'] = { normal: { edges: [], nodes: [] }, reduce: { edges: [], nodes: [] } }
  log: LogRow[] = []
  /** Seconds spent deciding in this process (the searcher keeps them out of its step-time average). */
  decisionSeconds = 0
  /** The tuning phase, as the searcher runs it. */
  readonly extraEpochs: ExtraEpochs

  constructor(
    readonly config: SearchConfig,
    net: Pick<Supernet<unknown>, 'edges' | 'config'>,
    stepsPerEpoch: number,
  ) {
    const nb201 = config.space === 'nb201'
    this.cells = nb201 ? ['normal'] : CELL_TYPES
    this.nodes = nb201 ? [] : Array.from({ length: net.config.steps - 1 }, (_, i) => i + 1)
    this.projection = new Projection(net.edges, net.config.ops.length)
    this.decisions = net.edges + this.nodes.length
    this.stepsPerEpoch = stepsPerEpoch
    this.tuneSteps = Math.max(1, Math.round((config.pt.interval * (this.decisions - 1) + 1) * stepsPerEpoch))
    this.epochs = Math.ceil(this.tuneSteps / stepsPerEpoch)
    const seconds = () => this.decisionSeconds
    this.extraEpochs = {
      epochs: this.epochs,
      stepsInEpoch: (i) => this.stepsInEpoch(i),
      lr: (i) => this.lr(i),
      beforeStep: (s, i, step) => this.decideBefore(s, i * this.stepsPerEpoch + step),
      remainingCost: (valBatches) => this.remainingCost(valBatches),
      get overheadSeconds() {
        return seconds()
      },
    }
  }

  /** Tuning step before which decision k is made. */
  decisionStep(k: number): number {
    return Math.round(k * this.config.pt.interval * this.stepsPerEpoch)
  }

  /** Steps of tuning epoch i (the last one may be short). */
  stepsInEpoch(i: number): number {
    return Math.max(0, Math.min(this.stepsPerEpoch, this.tuneSteps - i * this.stepsPerEpoch))
  }

  /** Weight lr of tuning epoch i: cosine from lr·lrFactor over the tuning length, stepped after each epoch as in the code. */
  lr(i: number): number {
    const { lr, lrMin, pt } = this.config
    const top = lr * pt.lrFactor
    const floor = Math.min(lrMin, top)
    const length = this.tuneSteps / this.stepsPerEpoch
    return floor + ((top - floor) * (1 + Math.cos((Math.PI * i) / length))) / 2
  }

  /** The method with the projection on top; the searcher runs this one from the start (a no-op until the first decision). */
  wrapMethod<M>(base: SearchMethod<M>): SearchMethod<M> {
    const proj = this.projection
    const ops = base.net.config.ops
    const snapshot = (arch: readonly number[][][]) => {
      const s = base.alphaSnapshot(arch)
      return { ops: s.ops, normal: proj.applyRows(s.normal, 'normal'), reduce: proj.applyRows(s.reduce, 'reduce') }
    }
    const overrides: Partial<SearchMethod<M>> = {
      mixing: (arch: readonly tf.Tensor2D[], ctx: MethodContext) => proj.apply(base.mixing(arch, ctx)),
      alphaSnapshot: (arch: readonly number[][][]) => (proj.active ? snapshot(arch) : base.alphaSnapshot(arch)),
      // DARTS-PT's `genotype()`: the space's rule on the projected weights (DARTS: `none` excluded).
      derive: (arch: readonly number[][][]): Derived => {
        if (!proj.active) return base.derive(arch)
        const w = snapshot(arch)
        if (this.config.space === 'nb201') {
          const g = deriveNb201(w.normal, { ops })
          return { text: toNb201String(g), format: 'nb201', skipsNormal: countOp(g), skipsReduce: 0 }
        }
        const { steps, multiplier } = base.net.config
        const g = deriveDarts(w.normal, w.reduce, { ops, steps, multiplier, weights: 'normalized' })
        return { text: toDartsText(g), format: 'darts', skipsNormal: countOp(g.normal), skipsReduce: countOp(g.reduce) }
      },
      epochState: (arch: readonly number[][][], ctx: MethodContext): MethodState => {
        const inner = base.epochState?.(arch, ctx) ?? { scalars: {}, matrices: {} }
        return this.started ? this.stateFields(inner) : inner
      },
    }
    const bw = base.weightMixing?.bind(base)
    // After the method's own perturbation (SDARTS), whose attack also sees the projected supernet.
    if (bw) overrides.weightMixing = (arch, ctx, loss) => proj.apply(bw(arch, ctx, (m) => loss(proj.apply(m))))
    return overrideMethod(base, overrides)
  }

  /** `ptDecisions`, the masks (the fixed row of a decided edge, −1 for an undecided one) and the log. */
  private stateFields(inner: MethodState): MethodState {
    const mask = (cell: CellType) => this.projection.fixed[cell].map((r) => r ?? Array<number>(this.projection.ops).fill(-1))
    return {
      scalars: { ...inner.scalars, ptDecisions: this.decisionsDone, ptDecisionsTotal: this.decisions },
      matrices: {
        ...inner.matrices,
        ptMaskNormal: mask('normal'),
        ...(this.cells.includes('reduce') ? { ptMaskReduce: mask('reduce') } : {}),
        ...(this.log.length ? { ptLog: this.log.map((r) => [...r]) } : {}),
      },
    }
  }

  /** Before tuning step t of the phase: starts it, makes the decisions due. False once the tuning is done. */
  decideBefore(s: SearcherView, t: number): boolean {
    if (t >= this.tuneSteps) return false
    if (!this.started) this.start(s)
    while (this.decisionsDone < this.decisions && this.decisionStep(this.decisionsDone) <= t) {
      const start = performance.now()
      this.decide(s, this.decisionsDone)
      this.decisionsDone += 1
      this.decisionSeconds += (performance.now() - start) / 1000
    }
    return true
  }

  /** Step-equivalents of the decisions still to come, for the ETA: a tape-free forward of one batch ≈ 0.1 step (0.08 measured, quick preset). */
  remainingCost(valBatches: number): number {
    const batches = Math.min(valBatches, this.config.pt.evalBatches ?? Infinity)
    let evals = 0
    for (let k = this.decisionsDone; k < this.decisions; k++) {
      const edges = this.projection.edges
      if (k < edges) evals += this.cells.length * this.projection.ops
      else for (let n = k - edges + 3; n > 2; n--) evals += this.cells.length * n // a node with k − edges + 3 inputs stands in
    }
    return evals * batches * 0.1
  }

  private start(s: SearcherView): void {
    // `model.reset_optimizer(lr/10, …)`: a fresh SGD, so no momentum carries over.
    s.resetWeightOptimizer()
    const edges = this.projection.edges
    for (const cell of this.cells)
      this.order[cell] = {
        edges: s.rng.shuffle(Array.from({ length: edges }, (_, e) => e)),
        nodes: s.rng.shuffle([...this.nodes]),
      }
    this.started = true
  }

  private decide(s: SearcherView, k: number): void {
    const edges = this.projection.edges
    const batches = this.readBatches(s)
    this.cells.forEach((cell, c) => {
      if (k < edges) this.decideOp(s, batches, k, c, cell, this.order[cell].edges[k]!)
      else this.decideNode(s, batches, k, c, cell, this.order[cell].nodes[k - edges]!)
    })
  }

  private decideOp(s: SearcherView, batches: EvalBatches, k: number, c: number, cell: CellType, e: number): void {
    const ops = this.projection.ops
    let best: { o: number; acc: number; loss: number } | null = null
    tf.tidy(() => {
      const base = s.method.mixing(s.state.arch, s.ctx('eval'))
      for (let o = 0; o < ops; o++) {
        const mask = this.ones()
        mask[e]![o] = 0
        const r = this.measure(s, batches, masked(base, cell, mask))
        if (!best || r.acc < best.acc || (r.acc === best.acc && r.loss > best.loss)) best = { o, ...r }
      }
    })
    const chosen = best! as { o: number; acc: number; loss: number }
    this.projection.fixed[cell][e] = Array.from({ length: ops }, (_, o) => (o === chosen.o ? 1 : 0))
    this.log.push([k, c, 0, e, chosen.o, chosen.acc, chosen.loss])
  }

  private decideNode(s: SearcherView, batches: EvalBatches, k: number, c: number, cell: CellType, node: number): void {
    let eids = Array.from({ length: node + 2 }, (_, j) => nodeStart(node) + j)
    const dropped: LogRow[] = []
    tf.tidy(() => {
      const base = s.method.mixing(s.state.arch, s.ctx('eval'))
      while (eids.length > 2) {
        let worst: { e: number; acc: number; loss: number } | null = null
        for (const e of eids) {
          const mask = this.ones()
          mask[e]!.fill(0)
          const r = this.measure(s, batches, masked(base, cell, mask))
          if (!worst || r.acc > worst.acc || (r.acc === worst.acc && r.loss <= worst.loss)) worst = { e, ...r }
        }
        const w = worst! as { e: number; acc: number; loss: number }
        eids = eids.filter((x) => x !== w.e)
        dropped.push([k, c, 1, node, w.e, w.acc, w.loss])
      }
    })
    for (const row of dropped) this.projection.fixed[cell][row[4]] = Array<number>(this.projection.ops).fill(0)
    this.log.push(...dropped)
  }

  private ones(): number[][] {
    return Array.from({ length: this.projection.edges }, () => Array<number>(this.projection.ops).fill(1))
  }

  /** The first `evalBatches` validation batches, read once per decision (null: stream the whole split each time). */
  private readBatches(s: SearcherView): EvalBatches {
    const max = this.config.pt.evalBatches
    if (max === null) return null
    const out: Raw[] = []
    for (let b = s.data.valEval.next(); b; b = s.data.valEval.next()) if (out.length < max) out.push(b)
    return out
  }

  /** Supernet accuracy and loss under `mixing`, train-mode BN, running statistics untouched. */
  private measure(s: SearcherView, batches: EvalBatches, mixing: unknown): { acc: number; loss: number } {
    const [H, W, C] = s.data.shape
    let [loss, correct, seen] = [0, 0, 0]
    const one = (b: Raw) => {
      tf.tidy(() => {
        const x = tf.tensor4d(b.x, [b.size, H, W, C])
        const y = tf.tensor1d(b.y, 'int32')
        const logits = s.net.forward(s.state.weights, mixing, x, { training: true })
        loss += crossEntropy(logits, y).dataSync()[0]! * b.size
        correct += countCorrect(logits, y)
        seen += b.size
      })
      s.heartbeat()
    }
    if (batches) batches.forEach(one)
    else for (let b = s.data.valEval.next(); b; b = s.data.valEval.next()) one(b)
    return { acc: correct / Math.max(1, seen), loss: loss / Math.max(1, seen) }
  }

  getState(): PtState {
    return {
      started: this.started,
      decisionsDone: this.decisionsDone,
      order: structuredClone(this.order),
      fixed: structuredClone(this.projection.fixed),
      log: this.log.map((r) => [...r] as LogRow),
    }
  }

  setState(saved: unknown): void {
    const state = saved as PtState | null
    const fresh = new Projection(this.projection.edges, this.projection.ops)
    this.started = state?.started ?? false
    this.decisionsDone = state?.decisionsDone ?? 0
    this.order = state ? structuredClone(state.order) : { normal: { edges: [], nodes: [] }, reduce: { edges: [], nodes: [] } }
    this.projection.fixed = state ? structuredClone(state.fixed) : fresh.fixed
    this.log = state ? state.log.map((r) => [...r] as LogRow) : []
  }
}

type Raw = RawBatch
type EvalBatches = Raw[] | null

/** `mixing` with one cell type's matrix multiplied by a 0/1 mask. */
function masked(mixing: unknown, cell: CellType, mask: number[][]): unknown {
  const m = mixing as Record<string, unknown>
  const w = m[cell] as tf.Tensor2D
  return { ...m, [cell]: tf.mul(w, tf.tensor2d(mask, w.shape)) }
}
