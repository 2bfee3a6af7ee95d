/**
 * Data shaping for the cell-graph viewer (no React): genotype text → parsed pane (or a one-line
 * error), a genotype's cells as graphs, the A → B diff overlay (a union graph whose edges carry their
 * change), run/library → pane source, and the derived network's parameter count.
 */
import { type CellGraph, cellGraph, CELL_OUTPUT_ID, type GraphEdge, nb201Graph, stateId } from '../../../core/genotype/cellGraph'
import { diffEdgeId, diffGenotypes, type EdgeChange } from '../../../core/genotype/diff'
import type { HCellGenotype, HdartsGenotype } from '../../../core/genotype/hdarts'
import { hcellGraph } from '../../../core/genotype/hdartsGraph'
import { hdartsEvalCost } from '../../../core/genotype/hdartsParams'
import { type LaidEdge, type LaidNode, layoutCell, mixingGraph, opColor } from '../../../core/genotype/layout'
import {
  type CellGenotype,
  type DartsGenotype,
  effectiveConcat,
  type Genotype,
  GenotypeError,
} from '../../../core/genotype/model'
import { parseAnyGenotypes } from '../../../core/genotype/parse'
import { countNetworkCIFAR } from '../../../core/metrics/params'
import type { LibraryGenotype, RunDetail } from '../../../shared/api'

export type AnyGenotype = Genotype | HdartsGenotype
export type CellName = 'normal' | 'reduce' | 'cell'
export type { EdgeChange }

export interface ParsedEntry {
  readonly name: string
  readonly aliases: readonly string[]
  readonly genotype: AnyGenotype
  readonly format: string
}

export type PaneParse =
  | { readonly status: 'empty' }
  | { readonly status: 'error'; readonly error: string }
  | { readonly status: 'ok'; readonly entries: readonly ParsedEntry[] }

/** The one line to show for any failure: `3:17: message` for located genotype errors. */
export function oneLineError(err: unknown): string {
  const msg = err instanceof GenotypeError ? err.located : err instanceof Error ? err.message : String(err)
  return msg.split('\n')[0]!.trim() || 'could not read the genotype'
}

const parseCache = new Map<string, PaneParse>()

/** Parses pane text with the core parsers (every format, HDARTS included); never throws. Memoized. */
export function parsePaneText(text: string): PaneParse {
  if (text.trim() === '') return { status: 'empty' }
  const hit = parseCache.get(text)
  if (hit) return hit
  let out: PaneParse
  try {
    const list = parseAnyGenotypes(text)
    out = list.length
      ? { status: 'ok', entries: list.map((g) => ({ name: g.name, aliases: g.aliases, genotype: g.genotype, format: g.format })) }
      : { status: 'error', error: 'no genotype found' }
  } catch (err) {
    out = { status: 'error', error: oneLineError(err) }
  }
  if (parseCache.size > 200) parseCache.clear()
  parseCache.set(text, out)
  return out
}

/** The chosen entry of a parse (by name, else the first); null without one. */
export function pickEntry(parse: PaneParse, name?: string | null): ParsedEntry | null {
  if (parse.status !== 'ok') return null
  return parse.entries.find((e) => e.name === name) ?? parse.entries[0] ?? null
}

/** Cells a genotype has, in drawing order. */
export const cellsOf = (g: AnyGenotype): CellName[] => (g.kind === 'nb201' ? ['cell'] : ['normal', 'reduce'])

export const kindLabel = (g: AnyGenotype): string =>
  g.kind === 'nb201' ? 'NAS-Bench-201 cell' : g.kind === 'hdarts' ? 'HDARTS motif genotype' : 'DARTS-space genotype'

/** The graph of one cell; HDARTS cells carry motif names (`motif_0`) as op labels. */
export function cellGraphOf(g: AnyGenotype, cell: CellName): CellGraph {
  if (g.kind === 'nb201') return nb201Graph(g)
  return g.kind === 'hdarts'
    ? hcellGraph(g[cell === 'reduce' ? 'reduce' : 'normal'])
    : cellGraph(g[cell === 'reduce' ? 'reduce' : 'normal'])
}

/** An HDARTS cell as a DARTS-shaped cell whose ops are motif names, so the edge diff applies to it. */
const asMotifCell = (c: HCellGenotype): CellGenotype => ({
  nodes: c.nodes.map((inputs) => inputs.map((e) => ({ op: `motif_${e.motif}`, from: e.from }))),
  concat: c.concat,
})
const diffable = (g: AnyGenotype): Genotype =>
  g.kind === 'hdarts'
    ? ({ kind: 'darts', normal: asMotifCell(g.normal), reduce: asMotifCell(g.reduce) } satisfies DartsGenotype)
    : g

const concatOf = (g: DartsGenotype | HdartsGenotype, which: 'normal' | 'reduce'): number[] =>
  effectiveConcat(g.kind === 'hdarts' ? asMotifCell(g[which]) : g[which])

export interface EdgeMark {
  readonly change: EdgeChange
  readonly opA: string | null
  readonly opB: string | null
}

export interface DiffCounts {
  readonly added: number
  readonly removed: number
  readonly changed: number
  readonly same: number
}

export interface DiffOverlay {
  /** B's graph plus A's removed edges (ids prefixed `removed:`) and nodes only A has. */
  readonly graph: CellGraph
  readonly marks: Readonly<Record<string, EdgeMark>>
  readonly counts: DiffCounts
  readonly concatChanged: boolean
}

/** `2 added · 2 removed · 1 changed` */
export const diffSummaryText = (c: DiffCounts): string => `${c.added} added · ${c.removed} removed · ${c.changed} changed`

/** Whole-genotype A → B counts (every cell), or an error line when the two cannot be compared. */
export function diffCounts(a: AnyGenotype, b: AnyGenotype): { counts: DiffCounts; concatChanged: boolean } | { error: string } {
  try {
    if ((a.kind === 'hdarts') !== (b.kind === 'hdarts'))
      throw new GenotypeError('cannot diff an HDARTS motif genotype against a DARTS-space or NAS-Bench-201 one')
    const d = diffGenotypes(diffable(a), diffable(b))
    return { counts: { added: d.added, removed: d.removed, changed: d.changed, same: d.same }, concatChanged: d.concatChanged }
  } catch (err) {
    return { error: oneLineError(err) }
  }
}

/**
 * The overlay of A → B for one cell: B's graph with each edge marked (same/added/changed) plus A's
 * removed edges, so both genotypes' edges are visible in one drawing. Concat edges are marked too.
 */
export function diffOverlay(a: AnyGenotype, b: AnyGenotype, cell: CellName): DiffOverlay {
  if ((a.kind === 'hdarts') !== (b.kind === 'hdarts'))
    throw new GenotypeError('cannot diff an HDARTS motif genotype against a DARTS-space or NAS-Bench-201 one')
  const d = diffGenotypes(diffable(a), diffable(b))
  const gb = cellGraphOf(b, cell)
  const ga = cellGraphOf(a, cell)
  const nodes = [...gb.nodes]
  const edges: GraphEdge[] = [...gb.edges]
  const marks: Record<string, EdgeMark> = {}
  const ensureNode = (id: string) => {
    if (nodes.some((n) => n.id === id)) return
    const fromA = ga.nodes.find((n) => n.id === id)
    if (!fromA) return
    // Keep the output last so layouts that use node order still put it at the right.
    const out = nodes.findIndex((n) => n.kind === 'output')
    nodes.splice(out < 0 ? nodes.length : out, 0, fromA)
  }
  const cellEdges = d.edges.filter((e) => e.cell === cell)
  let counts = { added: 0, removed: 0, changed: 0, same: 0 }
  for (const e of cellEdges) {
    counts = { ...counts, [e.change]: counts[e.change] + 1 }
    if (e.change === 'removed') {
      const id = `removed:${diffEdgeId(e, 'a')}`
      const source = cell === 'cell' ? String(e.input) : stateId(e.input)
      const target = cell === 'cell' ? String(e.node) : stateId(e.node)
      ensureNode(source)
      ensureNode(target)
      edges.push({ id, source, target, kind: 'op', op: e.opA ?? undefined })
      marks[id] = { change: 'removed', opA: e.opA, opB: null }
    } else {
      marks[diffEdgeId(e, 'b')] = { change: e.change, opA: e.opA, opB: e.opB }
    }
  }
  // Concat edges (DARTS/HDARTS): present in B only → added, in A only → removed.
  let concatChanged = false
  if (a.kind !== 'nb201' && b.kind !== 'nb201') {
    const which = cell === 'reduce' ? 'reduce' : 'normal'
    const ca = new Set(concatOf(a, which))
    const cb = new Set(concatOf(b, which))
    for (const s of cb) marks[`${stateId(s)}->${CELL_OUTPUT_ID}`] = { change: ca.has(s) ? 'same' : 'added', opA: null, opB: null }
    for (const s of ca) {
      if (cb.has(s)) continue
      concatChanged = true
      const id = `removed:${stateId(s)}->${CELL_OUTPUT_ID}`
      ensureNode(stateId(s))
      edges.push({ id, source: stateId(s), target: CELL_OUTPUT_ID, kind: 'concat' })
      marks[id] = { change: 'removed', opA: null, opB: null }
    }
    concatChanged ||= [...cb].some((s) => !ca.has(s))
  }
  return { graph: { nodes, edges }, marks, counts, concatChanged }
}

/** Label drawn on an edge: its op, `+ op` when added, `opA → opB` when changed. */
export function edgeLabel(op: string | undefined, mark: EdgeMark | undefined): string {
  if (!mark) return op ?? ''
  if (mark.change === 'changed') return `${mark.opA} → ${mark.opB}`
  if (mark.change === 'added') return mark.opB ? `+ ${mark.opB}` : ''
  if (mark.change === 'removed') return mark.opA ? `− ${mark.opA}` : ''
  return op ?? ''
}

// ── drawable views ─────────────────────────────────────────────────────────

export interface ViewEdge extends LaidEdge {
  readonly change: EdgeChange
  /** Op colour; null for concat and residual edges (drawn in the theme's muted colour). */
  readonly color: string | null
}

export interface CellView {
  readonly width: number
  readonly height: number
  readonly nodes: readonly LaidNode[]
  readonly edges: readonly ViewEdge[]
  /** Ops drawn, for the legend (first-appearance order). */
  readonly ops: readonly string[]
}

/** Viewer label sizes in px: the layout reserves boxes for them, and cell.css draws them at these sizes. */
export const VIEW_LABEL_PX = 10
export const VIEW_NODE_PX = 12

/**
 * Lays out a graph and decorates each edge with its diff mark (or 'same'), label and colour. The label
 * boxes are reserved for the text drawn (`opA → opB` in a diff); `labels: false` lays out without them
 * (the weighted view, which draws none).
 */
export function cellView(
  graph: CellGraph,
  marks?: Readonly<Record<string, EdgeMark>>,
  opts: { labels?: boolean } = {},
): CellView {
  const opOf = (e: GraphEdge) => (marks?.[e.id]?.change === 'removed' ? (marks[e.id]!.opA ?? e.op) : e.op)
  const layout = layoutCell(graph, {
    labelSize: opts.labels === false ? 0 : VIEW_LABEL_PX,
    nodeLabelSize: VIEW_NODE_PX,
    edgeLabel: (e) => edgeLabel(opOf(e), marks?.[e.id]),
    rankSep: 28,
    nodeSep: 12,
  })
  const ops: string[] = []
  const note = (op: string | null | undefined) => {
    if (op && op !== 'residual' && !ops.includes(op)) ops.push(op)
  }
  const edges = layout.edges.map((e): ViewEdge => {
    const mark = marks?.[e.id]
    const op = mark?.change === 'removed' ? (mark.opA ?? e.op) : e.op
    if (e.kind === 'op') {
      note(mark?.opA)
      note(op)
    }
    const color = e.kind === 'concat' || !op || op === 'residual' ? null : opColor(op)
    return {
      ...e,
      ...(op ? { op } : {}),
      change: mark?.change ?? 'same',
      color,
    }
  })
  return { width: layout.width, height: layout.height, nodes: layout.nodes, edges, ops }
}

/** The supernet cell with every mixing weight as an edge (width/opacity by weight); an error line if α does not fit. */
export function mixingView(weights: { matrix: number[][]; ops: readonly string[] }): CellView | { error: string } {
  try {
    return cellView(mixingGraph(weights.matrix, weights.ops, { dropNone: true }), undefined, { labels: false })
  } catch (err) {
    return { error: oneLineError(err) }
  }
}

// ── pane sources ───────────────────────────────────────────────────────────

export interface PaneSource {
  readonly kind: 'text' | 'file' | 'run' | 'library'
  /** What the pane header says the text came from. */
  readonly label: string
  readonly text: string
  readonly runId?: string
  readonly epoch?: number | null
}

/** A library entry as pane text: `NAME = Genotype(...)`, so the parsed entry keeps the published name. */
export function librarySource(g: LibraryGenotype): PaneSource {
  const t = g.text.trim()
  const named = /^[A-Za-z_]\w*\s*=/.test(t) || t.startsWith('{') || t.startsWith('[') ? t : `${g.name} = ${t}`
  return { kind: 'library', label: `${g.name} (${g.file})`, text: named }
}

export const libraryKey = (g: LibraryGenotype): string => `${g.file}:${g.name}`

/** Epochs at which a run logged a genotype, ascending and distinct. */
export const genotypeEpochs = (d: Pick<RunDetail, 'genotypes'>): number[] =>
  [...new Set(d.genotypes.map((g) => g.epoch))].sort((x, y) => x - y)

/** The run's genotype at `epoch` (the latest logged at or before it), or its final genotype for null. */
export function genotypeAt(
  d: Pick<RunDetail, 'genotypes' | 'run'> & { readonly evaluation?: RunDetail['evaluation'] },
  epoch: number | null,
): { epoch: number | null; text: string } | null {
  if (epoch === null) {
    if (d.run.finalGenotype) return { epoch: null, text: d.run.finalGenotype }
    // An evaluation trains one fixed genotype from its start.
    if (d.evaluation) return { epoch: null, text: d.evaluation.genotype.text }
    const lastG = [...d.genotypes].sort((x, y) => x.epoch - y.epoch).pop()
    return lastG ? { epoch: lastG.epoch, text: lastG.text } : null
  }
  const hit = d.genotypes
    .filter((g) => g.epoch <= epoch)
    .sort((x, y) => x.epoch - y.epoch)
    .pop()
  return hit ? { epoch: hit.epoch, text: hit.text } : null
}

export function runSource(d: Pick<RunDetail, 'genotypes' | 'run'>, epoch: number | null): PaneSource | null {
  const g = genotypeAt(d, epoch)
  if (!g) return null
  const at = epoch === null ? 'final' : `epoch ${g.epoch}`
  return { kind: 'run', label: `${d.run.id} · ${at}`, text: g.text, runId: d.run.id, epoch }
}

/** The α snapshot of one cell at `epoch` (latest at or before it; the last one for null). */
export function alphasAt(
  d: Pick<RunDetail, 'alphas'>,
  epoch: number | null,
  cell: 'normal' | 'reduce',
): { matrix: number[][]; ops: string[]; epoch: number } | undefined {
  const hit = d.alphas
    .filter((a) => a.cell === cell && (epoch === null || a.epoch <= epoch))
    .sort((x, y) => x.epoch - y.epoch)
    .pop()
  return hit ? { matrix: hit.matrix, ops: [...hit.ops], epoch: hit.epoch } : undefined
}

// ── parameters of the derived network ──────────────────────────────────────

const paramsCache = new Map<string, number | null>()

/**
 * Parameters (millions) of the derived evaluation network at DARTS's CIFAR setting (C = 36, 20
 * layers, no auxiliary head); null for NB201 cells or text that does not parse. Memoized by text.
 */
export function derivedParamsM(text: string): number | null {
  const hit = paramsCache.get(text)
  if (hit !== undefined) return hit
  let out: number | null = null
  const parse = parsePaneText(text)
  const g = parse.status === 'ok' ? parse.entries[parse.entries.length - 1]!.genotype : null
  try {
    if (g?.kind === 'darts') out = countNetworkCIFAR(g, { channels: 36, layers: 20 }).params / 1e6
    else if (g?.kind === 'hdarts') out = hdartsEvalCost(g, { channels: 36, layers: 20 }).params / 1e6
  } catch {
    out = null
  }
  paramsCache.set(text, out)
  return out
}
