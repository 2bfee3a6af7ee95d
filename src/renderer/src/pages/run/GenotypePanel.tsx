/** The genotype at the scrubbed epoch: the cell drawing and its text with a Copy button. */
import { memo } from 'react'
import type { AlphaSnapshotDto } from '../../../../shared/api'
import { CellGraphView } from '../../components/cell/CellGraphView'
import { copyText } from '../../components/common/clipboard'
import { useToast } from '../../components/common/Toast'

export const GenotypePanel = memo(function GenotypePanel({
  genotype,
  normal,
  reduce,
  caption,
}: {
  genotype?: { epoch: number; text: string; format: string | null }
  /** Replaces the 'epoch N · format' caption (an evaluation's genotype has no epoch). */
  caption?: string
  normal?: AlphaSnapshotDto
  reduce?: AlphaSnapshotDto
}) {
  const toast = useToast()
  const copy = () => {
    if (!genotype) return
    copyText(genotype.text).then(
      () => toast.show('Genotype copied', 'ok'),
      (err: unknown) => toast.error(err, 'Copy failed'),
    )
  }
  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Genotype</h2>
        <span className="small muted">
          {caption ?? (genotype ? `epoch ${genotype.epoch}${genotype.format ? ` · ${genotype.format}` : ''}` : '')}
        </span>
        <div className="grow" />
        <button onClick={copy} disabled={!genotype} data-testid="copy-genotype">
          Copy
        </button>
      </div>
      <div className="panel-body stack">
        {genotype ? (
          <>
            <CellGraphView
              genotypeText={genotype.text}
              cell="both"
              compact
              weights={normal ? { matrix: normal.matrix, ops: [...normal.ops] } : undefined}
              reduceWeights={reduce ? { matrix: reduce.matrix, ops: [...reduce.ops] } : undefined}
            />
            <pre className="genotype" data-testid="genotype-text">
              {genotype.text}
            </pre>
          </>
        ) : (
          <>
            <div className="state small">No genotype yet: one is derived after each epoch.</div>
            <pre className="genotype" data-testid="genotype-text" hidden />
          </>
        )}
      </div>
    </div>
  )
})
