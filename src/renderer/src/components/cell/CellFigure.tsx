/** One captioned cell figure: title, SVG (or its one-line error), legend and SVG export. */
import { useRef } from 'react'
import type { CellView, ViewEdge } from '../../shape/cells'
import { CellSvg } from './CellSvg'
import { exportSvg } from './exportSvg'
import { OpLegend } from './OpLegend'

export interface CellFigureProps {
  readonly cell: string
  readonly title: string
  readonly result: CellView | { error: string }
  readonly diff: boolean
  readonly weighted: boolean
  readonly compact?: boolean
  readonly exportName: string
  readonly onEdgeClick?: (e: ViewEdge) => void
  /** HDARTS: number of motifs of this cell type, offered as drill-down chips. */
  readonly motifs?: number
  readonly onMotif?: (k: number) => void
}

export function CellFigure({
  cell,
  title,
  result,
  diff,
  weighted,
  compact,
  exportName,
  onEdgeClick,
  motifs = 0,
  onMotif,
}: CellFigureProps) {
  const ref = useRef<SVGSVGElement>(null)
  return (
    <figure
      className="cell-figure"
      // Wide (deep) cells take a row of their own rather than shrinking until labels are unreadable.
      style={'edges' in result && !compact ? { flexBasis: Math.round(result.width * 0.72) } : undefined}
    >
      <figcaption>
        <span className="cell-figure-title">{title}</span>
        {'edges' in result && !compact && (
          <button
            className="ghost icon small"
            title="Download this figure as SVG"
            onClick={() => exportSvg(ref.current, `${exportName}.svg`)}
          >
            ⤓ SVG
          </button>
        )}
      </figcaption>
      {'error' in result ? (
        <div className="cell-error" role="alert">
          {result.error}
        </div>
      ) : (
        <>
          <div className="cell-svg-wrap">
            <CellSvg
              view={result}
              cell={cell}
              title={title}
              diff={diff}
              weighted={weighted}
              compact={compact}
              svgRef={ref}
              onEdgeClick={onEdgeClick}
              isClickable={(e) => !!e.op && /^motif_\d+$/.test(e.op)}
            />
          </div>
          {!compact && <OpLegend ops={result.ops} diff={diff} />}
          {motifs > 0 && onMotif && (
            <div className="motif-chips">
              <span className="muted xs">Motifs (click an edge or a chip to open):</span>
              {Array.from({ length: motifs }, (_, k) => (
                <button key={k} className="chip-btn mono" onClick={() => onMotif(k)}>
                  motif_{k}
                </button>
              ))}
            </div>
          )}
        </>
      )}
    </figure>
  )
}
