/**
 * A genotype drawn as DARTS-style cell figures: normal and reduce side by side (or one NB201 cell),
 * an optional A → B diff overlay, an "all mixing weights" view when α is given, and for HDARTS the
 * cell of motifs with click-to-drill-down into a motif. Parse errors show one line, never a crash.
 */
import { useMemo, useState } from 'react'
import type { HdartsGenotype } from '../../../../core/genotype/hdarts'
import { motifGraph } from '../../../../core/genotype/hdartsGraph'
import {
  type AnyGenotype,
  type CellName,
  type CellView,
  cellGraphOf,
  cellsOf,
  cellView,
  diffOverlay,
  mixingView,
  oneLineError,
  parsePaneText,
  pickEntry,
} from '../../shape/cells'
import { CellFigure } from './CellFigure'
import './cell.css'

export interface MixingWeights {
  readonly matrix: number[][]
  readonly ops: string[]
}

export interface CellGraphViewProps {
  readonly genotypeText: string
  readonly cell?: 'normal' | 'reduce' | 'both'
  /** Genotype text of A: the drawing becomes the A → B overlay with this text as A. */
  readonly diffAgainst?: string
  /** α of the cell shown (the normal cell when `cell` is 'both'). */
  readonly weights?: MixingWeights
  /** α of the reduce cell when `cell` is 'both'. */
  readonly reduceWeights?: MixingWeights
  readonly compact?: boolean
  /** Which named genotype of the text(s) to draw; the first by default. */
  readonly name?: string | null
  readonly diffName?: string | null
  /** File name stem for SVG export. */
  readonly exportName?: string
}

type Drill = { cell: 'normal' | 'reduce'; motif: number } | null

export function CellGraphView(props: CellGraphViewProps) {
  const { genotypeText, cell = 'both', diffAgainst, weights, reduceWeights, compact, name, diffName } = props
  const [mode, setMode] = useState<'derived' | 'mixing'>('derived')
  const [drill, setDrill] = useState<Drill>(null)
  const parsed = useMemo(() => parsePaneText(genotypeText), [genotypeText])
  const entry = pickEntry(parsed, name)
  const against = useMemo(() => {
    if (diffAgainst === undefined) return null
    const p = parsePaneText(diffAgainst)
    return p.status === 'error' ? { error: `A: ${p.error}` } : { entry: pickEntry(p, diffName) }
  }, [diffAgainst, diffName])

  if (parsed.status === 'empty')
    return <div className="cell-empty muted">No genotype yet: paste one, open a file or pick a run.</div>
  if (parsed.status === 'error' || !entry)
    return (
      <div className="cell-error" role="alert" data-testid="cell-error">
        {parsed.status === 'error' ? parsed.error : 'no genotype found'}
      </div>
    )
  const g = entry.genotype
  const cells: CellName[] = g.kind === 'nb201' ? ['cell'] : cell === 'both' ? cellsOf(g) : [cell]
  const weightsOf = (c: CellName) => (cell === 'both' && c === 'reduce' ? reduceWeights : weights)
  const canMix = g.kind !== 'hdarts' && cells.some((c) => weightsOf(c))
  const showMixing = canMix && mode === 'mixing'
  const diffing = !!against && !showMixing
  const drillOn = g.kind === 'hdarts' && drill && cells.includes(drill.cell) && !diffing ? drill : null

  return (
    <div className={`cell-graph-view${compact ? ' compact' : ''}`}>
      {(canMix || drillOn) && (
        <div className="cell-view-bar">
          {canMix && (
            <div className="segmented" role="group" aria-label="Cell view">
              <button aria-pressed={mode === 'derived'} onClick={() => setMode('derived')} data-testid="view-derived">
                Derived genotype
              </button>
              <button aria-pressed={mode === 'mixing'} onClick={() => setMode('mixing')} data-testid="view-mixing">
                All mixing weights
              </button>
            </div>
          )}
          {drillOn && (
            <nav className="breadcrumb" aria-label="Motif drill-down">
              <button className="ghost crumb-link" onClick={() => setDrill(null)} data-testid="drill-back">
                {drillOn.cell} cell
              </button>
              <span className="muted">›</span>
              <span className="mono">motif_{drillOn.motif}</span>
            </nav>
          )}
        </div>
      )}
      {against && 'error' in against && <div className="cell-error">{against.error}</div>}
      <div className="cell-figures">
        {cells.map((c) => {
          const fig = figureFor(g, c, {
            against: against && 'entry' in against ? against.entry?.genotype : undefined,
            showMixing,
            weights: weightsOf(c),
            drill: drillOn,
          })
          const hd = g.kind === 'hdarts' && drillOn?.cell !== c && !diffing
          return (
            <CellFigure
              key={c}
              cell={c}
              title={fig.title}
              result={fig.result}
              diff={fig.diff}
              weighted={fig.weighted}
              compact={compact}
              exportName={`${props.exportName ?? entry.name}-${c}`}
              onEdgeClick={
                hd
                  ? (e) =>
                      e.op &&
                      /^motif_\d+$/.test(e.op) &&
                      setDrill({ cell: c as 'normal' | 'reduce', motif: Number(e.op.slice(6)) })
                  : undefined
              }
              motifs={hd ? (g as HdartsGenotype)[c as 'normal' | 'reduce'].motifs.length : 0}
              onMotif={(k) => setDrill({ cell: c as 'normal' | 'reduce', motif: k })}
            />
          )
        })}
      </div>
    </div>
  )
}

interface FigureOpts {
  against?: AnyGenotype
  showMixing: boolean
  weights?: MixingWeights
  drill: Drill
}

function figureFor(
  g: AnyGenotype,
  c: CellName,
  o: FigureOpts,
): { title: string; result: CellView | { error: string }; diff: boolean; weighted: boolean } {
  const base = c === 'cell' ? 'NAS-Bench-201 cell' : `${c === 'normal' ? 'Normal' : 'Reduction'} cell`
  try {
    if (o.drill && g.kind === 'hdarts' && o.drill.cell === c) {
      const m = g[o.drill.cell].motifs[o.drill.motif]
      if (!m) return { title: base, result: { error: `motif_${o.drill.motif} does not exist` }, diff: false, weighted: false }
      return { title: `${base} · motif_${o.drill.motif}`, result: cellView(motifGraph(m)), diff: false, weighted: false }
    }
    if (o.showMixing && o.weights)
      return { title: `${base} · all mixing weights`, result: mixingView(o.weights), diff: false, weighted: true }
    if (o.against) {
      const ov = diffOverlay(o.against, g, c)
      return { title: `${base} · A → B`, result: cellView(ov.graph, ov.marks), diff: true, weighted: false }
    }
    return { title: base, result: cellView(cellGraphOf(g, c)), diff: false, weighted: false }
  } catch (err) {
    return { title: base, result: { error: oneLineError(err) }, diff: false, weighted: false }
  }
}
