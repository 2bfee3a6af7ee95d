/**
 * The full search state as one flat float32 buffer plus JSON metadata: weights, α, BN running
 * statistics, optimizer slots, schedule position, epoch accumulators and every RNG/loader state, so a
 * resumed search continues exactly where it stopped (DESIGN.md §2). Version 3 adds the state of the
 * search plugins (plugin.ts), each under its `stateKey` ('rdarts': R-DARTS monitor, with its DARTS-ADA
 * rollback states as `rollbacks`; 'pt': DARTS-PT selection; 'method': E2NAS's archive); version 2
 * checkpoints, which have none, still restore.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { RngState } from '../../core/rng'
import type { EpochSums, Position } from './progress'
import type { Searcher } from './searcher'

export const SNAPSHOT_VERSION = 3
const READABLE_VERSIONS = [2, 3]

export interface TensorEntry {
  readonly name: string
  readonly shape: readonly number[]
  readonly offset: number
}

export interface SnapshotMeta {
  readonly version: number
  readonly position: Position
  /** The epoch's running sums (the Searcher's `sums`; the key is the format's). */
  readonly acc: EpochSums
  readonly rng: RngState
  readonly loaders: { train: unknown; val: unknown }
  /** Adam step count per optimizer group. */
  readonly adamSteps: number[]
  readonly lastValAcc: number
  readonly tensors: readonly TensorEntry[]
  /**
   * A plugin's nested states (DARTS-ADA's rollbacks: each a whole snapshot of an epoch end), their
   * tensors stored after the main ones in `data`. Absent in those nested snapshots themselves.
   */
  readonly rollbacks?: readonly RollbackEntry[]
  /** Plugin states by `SearchPlugin.stateKey` (JSON). */
  readonly [stateKey: string]: unknown
}

export interface RollbackEntry {
  readonly epoch: number
  readonly meta: SnapshotMeta
  readonly offset: number
  readonly length: number
}

export interface Snapshot {
  readonly meta: SnapshotMeta
  readonly data: Float32Array
}

/** Named tensors of the state, in a fixed order. */
function namedTensors(s: Searcher): [string, tf.Tensor][] {
  const out: [string, tf.Tensor][] = []
  s.net.specs.forEach((spec, i) => out.push([`w:${spec.name}`, s.state.weights[i]!]))
  s.method.archSpecs.forEach((spec, i) => out.push([`arch:${spec.name}`, s.state.arch[i]!]))
  for (const [name, st] of s.state.bnStats) out.push([`bn:${name}:mean`, st.mean], [`bn:${name}:var`, st.variance])
  s.sgd.momentumBuffers?.forEach((b, i) => out.push([`sgd:${s.net.specs[i]!.name}`, b]))
  s.adams.forEach((adam, g) => {
    adam.m?.forEach((m, i) => out.push([`adam:${g}:m:${i}`, m]))
    adam.v?.forEach((v, i) => out.push([`adam:${g}:v:${i}`, v]))
  })
  return out
}

/** The state of a searcher. `nested`: a DARTS-ADA rollback state, which carries no rollback states itself. */
export function takeSnapshot(s: Searcher, opts: { nested?: boolean } = {}): Snapshot {
  const named = namedTensors(s)
  const nesting = s.plugins.find((p) => p.nestedSnapshots)
  const rollbacks = opts.nested || !nesting ? [] : [...nesting.nestedSnapshots!()].sort(([a], [b]) => a - b)
  const total = named.reduce((n, [, t]) => n + t.size, 0) + rollbacks.reduce((n, [, r]) => n + r.data.length, 0)
  const data = new Float32Array(total)
  const tensors: TensorEntry[] = []
  let offset = 0
  for (const [name, t] of named) {
    data.set(t.dataSync() as Float32Array, offset)
    tensors.push({ name, shape: [...t.shape], offset })
    offset += t.size
  }
  const entries: RollbackEntry[] = rollbacks.map(([epoch, r]) => {
    data.set(r.data, offset)
    offset += r.data.length
    return { epoch, meta: r.meta, offset: offset - r.data.length, length: r.data.length }
  })
  const states: Record<string, unknown> = {}
  for (const p of s.plugins) if (p.stateKey !== undefined && p.getState) states[p.stateKey] = p.getState()
  return {
    meta: {
      version: SNAPSHOT_VERSION,
      position: { ...s.position },
      acc: { ...s.sums },
      rng: s.rng.getState(),
      loaders: { train: s.data.train.getState(), val: s.data.val.getState() },
      adamSteps: s.adams.map((a) => a.t),
      lastValAcc: s.lastValAcc,
      tensors,
      ...states,
      ...(nesting && !opts.nested ? { rollbacks: entries } : {}),
    },
    data,
  }
}

/** Restores a snapshot into a freshly built searcher of the same configuration. Throws on any mismatch. */
export function restoreSnapshot(s: Searcher, snap: Snapshot): void {
  if (!READABLE_VERSIONS.includes(snap.meta.version))
    throw new Error(`checkpoint format version ${snap.meta.version} is not supported`)
  const byName = new Map(snap.meta.tensors.map((t) => [t.name, t]))
  const read = (name: string, shape: readonly number[]): tf.Tensor => {
    const e = byName.get(name)
    if (!e) throw new Error(`checkpoint has no tensor ${name}`)
    if (e.shape.join(',') !== shape.join(','))
      throw new Error(`checkpoint tensor ${name} has shape [${e.shape}], expected [${shape}]`)
    const size = shape.reduce((a, b) => a * b, 1)
    return tf.tensor(snap.data.subarray(e.offset, e.offset + size), [...shape])
  }
  const assign = (v: tf.Variable, name: string) => {
    const t = read(name, v.shape)
    v.assign(t)
    t.dispose()
  }
  s.net.specs.forEach((spec, i) => assign(s.state.weights[i]!, `w:${spec.name}`))
  s.method.archSpecs.forEach((spec, i) => assign(s.state.arch[i]!, `arch:${spec.name}`))
  for (const [name, st] of s.state.bnStats) {
    assign(st.mean, `bn:${name}:mean`)
    assign(st.variance, `bn:${name}:var`)
  }
  s.sgd.dispose()
  if (byName.has(`sgd:${s.net.specs[0]!.name}`))
    s.sgd.momentumBuffers = s.net.specs.map((spec, i) => read(`sgd:${spec.name}`, s.state.weights[i]!.shape))
  s.adams.forEach((adam, g) => {
    adam.dispose()
    if (byName.has(`adam:${g}:m:0`)) {
      const params = s.method.archSpecs.flatMap((spec, i) => (spec.group === g ? [s.state.arch[i]!] : []))
      adam.m = params.map((a, i) => read(`adam:${g}:m:${i}`, a.shape))
      adam.v = params.map((a, i) => read(`adam:${g}:v:${i}`, a.shape))
    }
    adam.t = snap.meta.adamSteps[g] ?? 0
  })
  s.position = { ...snap.meta.position }
  s.sums = { ...snap.meta.acc }
  s.rng.setState(snap.meta.rng)
  s.data.train.setState(snap.meta.loaders.train)
  s.data.val.setState(snap.meta.loaders.val)
  s.lastValAcc = snap.meta.lastValAcc
  // Copies: the rollback states outlive the checkpoint buffer they were read from.
  const rollbacks = snap.meta.rollbacks?.map(
    (r) => [r.epoch, { meta: r.meta, data: snap.data.slice(r.offset, r.offset + r.length) }] as const,
  )
  const nested = rollbacks ? new Map(rollbacks) : undefined
  for (const p of s.plugins)
    if (p.stateKey !== undefined) p.setState?.(snap.meta[p.stateKey] ?? null, s, p.nestedSnapshots ? nested : undefined)
}
