/** The final table: mean ± std per group and metric (n and Welch p vs the baseline on hover and below), copy as Markdown/CSV. */
import { useState } from 'react'
import { formatMeanStd, formatP } from '../../../../core/metrics/grouping'
import {
  FINAL_COLUMNS,
  type FinalColumn,
  type FinalRow,
  finalTableCells,
  type SummaryCell,
  toCsv,
  toMarkdown,
} from '../../shape/compare'

const fmtCell = (c: SummaryCell, col: FinalColumn) => formatMeanStd(c, col.digits, col.scale)

export function SummaryTable({
  rows,
  baseline,
  columns = FINAL_COLUMNS,
}: {
  rows: readonly FinalRow[]
  baseline: string | null
  /** FINAL_COLUMNS, with the NB201 benchmark columns first when the runs have lookups. */
  columns?: readonly FinalColumn[]
}) {
  const bench = columns.some((c) => c.metric === 'nb201Final')
  const [picked, setPMetric] = useState<string | null>(null)
  // With benchmark numbers the found cell is what is compared, so its p-value is the default.
  const pMetric = picked && columns.some((c) => c.metric === picked) ? picked : bench ? 'nb201Final' : 'valAcc'
  const [copied, setCopied] = useState<string | null>(null)
  const copy = async (kind: 'Markdown' | 'CSV') => {
    const t = finalTableCells(rows, baseline, pMetric, fmtCell, formatP, columns)
    try {
      await navigator.clipboard.writeText(kind === 'CSV' ? toCsv(t) : toMarkdown(t))
      setCopied(`Copied as ${kind}`)
    } catch {
      setCopied('Clipboard not available')
    }
    setTimeout(() => setCopied(null), 1800)
  }
  return (
    <section className="panel summary-panel">
      <div className="panel-head">
        <h3>Final results</h3>
        <div className="row small">
          <label className="row">
            <span className="muted">p-value of</span>
            <select
              value={pMetric}
              onChange={(e) => setPMetric(e.target.value)}
              data-testid="p-metric"
              aria-label="Metric tested for the p column"
            >
              {columns.map((c) => (
                <option key={c.metric} value={c.metric}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <button onClick={() => copy('Markdown')} data-testid="copy-markdown">
            Copy Markdown
          </button>
          <button onClick={() => copy('CSV')} data-testid="copy-csv">
            Copy CSV
          </button>
          {copied && (
            <span className="muted" role="status">
              {copied}
            </span>
          )}
        </div>
      </div>
      <div className="table-scroll">
        <table className="summary-table" data-testid="summary-table">
          <thead>
            <tr>
              <th>Group</th>
              <th className="num">n</th>
              {columns.map((c) => (
                <th key={c.metric} className="num" title={c.better ? `${c.better} is better` : undefined}>
                  {c.label}
                  {c.better && <span className="muted"> {c.better === 'higher' ? '↑' : '↓'}</span>}
                </th>
              ))}
              <th className="num" title="Two-sided Welch's t-test vs the baseline group">
                p vs baseline
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const p = r.cells[pMetric]?.p ?? null
              const pWhy = r.cells[pMetric]?.pUndefined
              const isBase = r.group === baseline
              return (
                <tr key={r.group} data-testid="summary-row" data-group={r.group} className={isBase ? 'baseline' : undefined}>
                  <th scope="row">
                    <span className="swatch" style={{ background: r.color }} />
                    <span className="group-name">{r.label}</span>
                    {isBase && <span className="base-tag">baseline</span>}
                  </th>
                  <td className="num" data-metric="n">
                    {r.n}
                  </td>
                  {columns.map((c) => {
                    const cell = r.cells[c.metric] ?? { mean: null, std: null, n: 0, p: null }
                    const note = [
                      cell.n !== r.n ? `n=${cell.n}` : '',
                      !isBase && cell.p !== null ? `p ${formatP(cell.p)}` : '',
                      !isBase && cell.pUndefined ? cell.pUndefined : '',
                    ]
                      .filter(Boolean)
                      .join(' · ')
                    return (
                      <td
                        key={c.metric}
                        className={`num mono${cell.p !== null && cell.p < 0.05 ? ' sig' : ''}`}
                        data-metric={c.metric}
                        data-note={note || undefined}
                        title={`n = ${cell.n}${cell.p !== null ? ` · Welch p = ${formatP(cell.p)} vs ${baseline}` : cell.pUndefined ? ` · Welch test vs ${baseline}: ${cell.pUndefined}` : ''}`}
                      >
                        {fmtCell(cell, c)}
                      </td>
                    )
                  })}
                  <td className={`num mono${p !== null && p < 0.05 ? ' sig' : ''}`} data-metric="p">
                    {isBase ? '—' : formatP(p, pWhy)}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <p className="muted xs table-note">
        Mean ± sample std over runs (seeds). Small grey notes: Welch&apos;s two-sided p vs the baseline per metric (“n too small”
        below 2 runs a side), and n when some runs lack the metric. Params: derived network at the CIFAR evaluation setting (C =
        36, 20 cells, no auxiliary head).
        {bench && (
          <>
            {' '}
            NB201 C10 test: each run&apos;s final cell looked up in NAS-Bench-201 (CIFAR-10 test accuracy after 200 epochs, mean
            of the benchmark&apos;s seeds), not measured by these searches, which ran on their own dataset (see the chart title);
            percentile among 15,625 cells; rows ranked by it.
          </>
        )}
      </p>
    </section>
  )
}
