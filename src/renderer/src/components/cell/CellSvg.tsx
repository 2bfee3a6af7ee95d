/** One laid-out cell as SVG, in the DARTS figure style: input, intermediate and output boxes, op-coloured edges. */
import { memo, type Ref, useMemo } from 'react'
import type { CellView, ViewEdge } from '../../shape/cells'

const CHANGE_COLOR: Record<ViewEdge['change'], string> = {
  same: 'var(--muted)',
  added: 'var(--ok)',
  removed: 'var(--danger)',
  changed: 'var(--warn)',
}

const NODE_FILL: Record<string, string> = {
  input: 'color-mix(in srgb, var(--ok) 22%, var(--panel))',
  intermediate: 'color-mix(in srgb, var(--info) 20%, var(--panel))',
  output: 'color-mix(in srgb, var(--warn) 24%, var(--panel))',
}

export interface CellSvgProps {
  readonly view: CellView
  readonly cell: string
  readonly title?: string
  /** Diff mode: colour by change instead of op. */
  readonly diff?: boolean
  /** Mixing-weights mode: width and opacity by weight, no labels. */
  readonly weighted?: boolean
  readonly compact?: boolean
  readonly onEdgeClick?: (edge: ViewEdge) => void
  readonly isClickable?: (edge: ViewEdge) => boolean
  readonly svgRef?: Ref<SVGSVGElement>
}

function edgeStyle(e: ViewEdge, diff: boolean, weighted: boolean, maxW: number) {
  if (e.kind === 'concat')
    return {
      stroke: diff && e.change !== 'same' ? CHANGE_COLOR[e.change] : 'var(--muted)',
      width: 1.2,
      opacity: diff && e.change === 'same' ? 0.45 : 0.7,
      dash: e.change === 'removed' ? '5 4' : '2 3',
    }
  if (weighted) {
    // Squared so the dominant ops stand out of a near-uniform softmax.
    const w = maxW > 0 ? ((e.weight ?? 0) / maxW) ** 2 : 0
    return { stroke: e.color ?? 'var(--fg)', width: 0.5 + 4.5 * w, opacity: 0.06 + 0.94 * w, dash: undefined }
  }
  if (diff) {
    const dash = e.change === 'removed' ? '6 4' : undefined
    return {
      stroke: CHANGE_COLOR[e.change],
      width: e.change === 'same' ? 1.4 : 2.4,
      opacity: e.change === 'same' ? 0.55 : 1,
      dash,
    }
  }
  return { stroke: e.color ?? 'var(--fg)', width: 2, opacity: 1, dash: e.op === 'residual' ? '4 3' : undefined }
}

export const CellSvg = memo(function CellSvg({
  view,
  cell,
  title,
  diff = false,
  weighted = false,
  compact,
  onEdgeClick,
  isClickable,
  svgRef,
}: CellSvgProps) {
  const maxW = Math.max(0, ...view.edges.map((e) => e.weight ?? 0))
  const markerId = `arrow-${cell}-${diff ? 'd' : weighted ? 'w' : 'n'}`
  // Draw muted edges first so changes sit on top.
  const order = (e: ViewEdge) => (e.kind === 'concat' ? 0 : e.change === 'same' ? 1 : 2)
  const edges = useMemo(() => {
    return [...view.edges].sort((a, b) => order(a) - order(b) || (a.weight ?? 0) - (b.weight ?? 0))
  }, [view, weighted])
  return (
    <svg
      ref={svgRef}
      data-testid="cell-svg"
      data-cell={cell}
      className={`cell-svg${compact ? ' compact' : ''}`}
      viewBox={`0 0 ${view.width} ${view.height}`}
      width={view.width}
      height={view.height}
      style={{ minWidth: compact ? undefined : Math.min(view.width, 560) }}
      role="img"
      aria-label={title ?? `${cell} cell`}
      xmlns="http://www.w3.org/2000/svg"
    >
      <defs>
        <marker
          id={markerId}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerUnits="userSpaceOnUse"
          markerWidth="9"
          markerHeight="9"
          orient="auto-start-reverse"
        >
          <path d="M 0 1 L 10 5 L 0 9 z" fill="context-stroke" />
        </marker>
      </defs>
      {edges.map((e) => {
        const s = edgeStyle(e, diff, weighted, maxW)
        const clickable = !!onEdgeClick && (isClickable?.(e) ?? true) && e.kind === 'op'
        const tip = weighted ? `${e.op} · ${(e.weight ?? 0).toFixed(3)}` : e.kind === 'concat' ? 'concat' : e.label
        return (
          <g
            key={e.id}
            // Op edges are the genotype's edges; concat edges into c_{k} are told apart so counts match the genotype.
            data-testid={e.kind === 'concat' ? 'cell-concat' : 'cell-edge'}
            data-op={e.kind === 'concat' ? 'concat' : (e.op ?? '')}
            data-change={e.change}
            data-edge={e.id}
            className={clickable ? 'cell-edge clickable' : 'cell-edge'}
            onClick={clickable ? () => onEdgeClick!(e) : undefined}
          >
            <title>{tip}</title>
            {clickable && <path d={e.path} stroke="transparent" strokeWidth={12} fill="none" />}
            <path
              d={e.path}
              fill="none"
              stroke={s.stroke}
              strokeWidth={s.width}
              strokeOpacity={s.opacity}
              strokeDasharray={s.dash}
              markerEnd={`url(#${markerId})`}
            />
            {!weighted && e.label && (
              <text
                x={e.labelX}
                y={e.labelY}
                className="cell-edge-label"
                fill={diff ? (e.change === 'same' ? 'var(--muted)' : s.stroke) : 'var(--fg)'}
              >
                {e.label}
              </text>
            )}
          </g>
        )
      })}
      {view.nodes.map((n) => (
        <g key={n.id} className={`cell-node ${n.kind}`} data-node={n.id}>
          <rect
            x={n.x}
            y={n.y}
            width={n.width}
            height={n.height}
            rx={n.kind === 'intermediate' ? n.height / 2 : 6}
            fill={NODE_FILL[n.kind]}
            stroke="var(--border)"
          />
          <text x={n.x + n.width / 2} y={n.y + n.height / 2} className="cell-node-label" fill="var(--fg)">
            {nodeLabel(n.label)}
          </text>
        </g>
      ))}
    </svg>
  )
})

/** `c_{k-2}` → `c_{k−2}` with a subscript, the way the paper typesets it. */
function nodeLabel(label: string) {
  const m = /^c_\{(.*)\}$/.exec(label)
  if (!m) return label
  return (
    <>
      c
      <tspan baselineShift="sub" fontSize="0.75em">
        {m[1]!.replace('-', '−')}
      </tspan>
    </>
  )
}
