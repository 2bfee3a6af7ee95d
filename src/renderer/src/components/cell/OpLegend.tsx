/** The ops drawn in a figure, each with its colour (or the diff classes in diff mode). */
import { opColor } from '../../../../core/genotype/layout'

export function OpLegend({ ops, diff }: { ops: readonly string[]; diff?: boolean }) {
  if (diff)
    return (
      <ul className="op-legend" aria-label="Diff legend">
        <li>
          <span className="swatch" style={{ background: 'var(--ok)' }} /> added
        </li>
        <li>
          <span className="swatch dashed" style={{ borderColor: 'var(--danger)' }} /> removed
        </li>
        <li>
          <span className="swatch" style={{ background: 'var(--warn)' }} /> changed (A → B)
        </li>
        <li>
          <span className="swatch" style={{ background: 'var(--muted)' }} /> same
        </li>
      </ul>
    )
  if (ops.length === 0) return null
  return (
    <ul className="op-legend" aria-label="Operations">
      {ops.map((op) => (
        <li key={op}>
          <span className="swatch" style={{ background: opColor(op) }} />
          <span className="mono">{op}</span>
        </li>
      ))}
    </ul>
  )
}
