/**
 * Cell-graph viewer: two genotype panes (A, B) filled by typing, a file, a run (with an epoch
 * scrubber) or the published library; each drawn as normal and reduce cells, or overlaid as an
 * A → B diff. URL: `?a=<run>&b=<run>` loads two runs' final genotypes and diffs them; `?run=&epoch=`;
 * `?lib=NAME[&libB=NAME]` opens published cells of the library (the library's "open in cell viewer" link).
 */
import { useEffect, useMemo, useState } from 'react'
import { useApi, useQuery } from '../../api/context'
import { CellGraphView } from '../../components/cell/CellGraphView'
import { useRoute } from '../../router'
import { alphasAt, diffCounts, diffSummaryText, genotypeAt, parsePaneText, pickEntry } from '../../shape/cells'
import { GenotypePane } from './GenotypePane'
import { emptyPane, findLibrary, libraryPane, type PaneState, runPane } from './paneState'
import { useRunDetail } from './useRunDetail'
import { PaneEvaluate, PaneExport } from './PaneExport'
import './cells.css'

function initialPanes(params: URLSearchParams): { a: PaneState; b: PaneState; diff: boolean } {
  const a = params.get('a')
  const b = params.get('b')
  const run = params.get('run')
  const epoch = params.get('epoch')
  const ep = epoch !== null && epoch !== '' && Number.isFinite(Number(epoch)) ? Number(epoch) : null
  if (a || b) return { a: a ? runPane(a) : emptyPane, b: b ? runPane(b) : emptyPane, diff: !!(a && b) }
  if (run) return { a: runPane(run, ep), b: emptyPane, diff: false }
  return { a: emptyPane, b: emptyPane, diff: false }
}

export function CellsPage() {
  const api = useApi()
  const route = useRoute()
  const query = route.params.toString()
  const [panes, setPanes] = useState(() => initialPanes(route.params))
  useEffect(() => setPanes(initialPanes(new URLSearchParams(query))), [query])
  const runs = useQuery(() => api.call('runs.list', {}), [api])
  const library = useQuery(() => api.call('genotypes.library', {}), [api])
  // Library links resolve once the library has loaded; they replace only the panes they name.
  useEffect(() => {
    const list = library.data
    if (!list) return
    const params = new URLSearchParams(query)
    const [la, lb] = [findLibrary(list, params.get('lib')), findLibrary(list, params.get('libB'))]
    if (la || lb) setPanes((p) => ({ a: la ? libraryPane(la) : p.a, b: lb ? libraryPane(lb) : p.b, diff: !!(la && lb) }))
  }, [library.data, query])
  const a = usePane(panes.a)
  const b = usePane(panes.b)
  const set = (side: 'a' | 'b') => (next: PaneState) => setPanes((p) => ({ ...p, [side]: next }))

  const ea = pickEntry(a.parse, panes.a.name)
  const eb = pickEntry(b.parse, panes.b.name)
  const canDiff = !!ea && !!eb
  const diffing = panes.diff && canDiff
  const counts = useMemo(() => (ea && eb ? diffCounts(ea.genotype, eb.genotype) : null), [ea, eb])

  return (
    <div className="cells-page" data-testid="cells-page">
      <div className="page-title cells-title">
        <h1>Cell graphs</h1>
        <div className="row cells-actions">
          <label
            className={`diff-toggle${canDiff ? '' : ' disabled'}`}
            title={canDiff ? 'Overlay A → B' : 'Fill both panes to diff them'}
          >
            <input
              type="checkbox"
              data-testid="diff-toggle"
              checked={panes.diff}
              onChange={(e) => setPanes((p) => ({ ...p, diff: e.target.checked }))}
            />
            Diff A ↔ B
          </label>
          {panes.diff && counts && 'counts' in counts && (
            <span className="diff-summary" data-testid="diff-summary">
              <b className="added">{counts.counts.added} added</b> · <b className="removed">{counts.counts.removed} removed</b> ·{' '}
              <b className="changed">{counts.counts.changed} changed</b>
              <span className="muted">
                {' '}
                · {counts.counts.same} same{counts.concatChanged ? ' · concat differs' : ''}
              </span>
            </span>
          )}
          {panes.diff && counts && 'error' in counts && (
            <span className="cell-error inline" data-testid="diff-summary">
              {counts.error}
            </span>
          )}
          {panes.diff && !canDiff && <span className="muted small">Fill both A and B to see the diff.</span>}
          <button
            className="ghost"
            disabled={!panes.a.text && !panes.b.text && !panes.a.runId && !panes.b.runId}
            onClick={() => setPanes((p) => ({ a: p.b, b: p.a, diff: p.diff }))}
            title="Swap A and B"
          >
            ⇄ Swap
          </button>
        </div>
      </div>
      <div className="pane-grid">
        {(['a', 'b'] as const).map((side) => {
          const p = side === 'a' ? a : b
          return (
            <GenotypePane
              key={side}
              side={side}
              state={{ ...panes[side], label: p.label }}
              onChange={set(side)}
              text={p.text}
              parse={p.parse}
              runs={runs.data}
              library={library.data}
              detail={p.detail}
              detailError={p.error}
            />
          )
        })}
      </div>
      {diffing && (
        <section className="figure-block" aria-label="Diff A → B">
          <h2>
            A → B <span className="muted small">{counts && 'counts' in counts ? diffSummaryText(counts.counts) : ''}</span>
          </h2>
          <CellGraphView
            genotypeText={b.text}
            name={eb!.name}
            diffAgainst={a.text}
            diffName={ea!.name}
            exportName={`${ea!.name}-vs-${eb!.name}`}
          />
        </section>
      )}
      {(['a', 'b'] as const).map((side) => {
        const p = side === 'a' ? a : b
        const state = panes[side]
        // A pane whose text does not parse already says why under its textarea.
        if ((!state.text && !state.runId) || (!state.runId && p.parse.status === 'error')) return null
        return (
          <section
            key={side}
            className={`figure-block${diffing ? ' secondary' : ''}`}
            aria-label={`Genotype ${side.toUpperCase()}`}
          >
            <h2>
              <span className="pane-letter">{side.toUpperCase()}</span>
              {state.runId ? p.label : (pickEntry(p.parse, state.name)?.name ?? '')}
              {!state.runId && p.label && <span className="muted small"> · {p.label}</span>}
              {pickEntry(p.parse, state.name) && (
                <PaneExport side={side} text={p.text} parse={p.parse} entry={pickEntry(p.parse, state.name)!} />
              )}
              {pickEntry(p.parse, state.name) && (
                <PaneEvaluate text={p.text} parse={p.parse} entry={pickEntry(p.parse, state.name)!} />
              )}
            </h2>
            {p.text || !state.runId ? (
              <CellGraphView
                key={`${side}-${state.runId ?? ''}`}
                genotypeText={p.text}
                name={state.name}
                weights={p.weights.normal}
                reduceWeights={p.weights.reduce}
                compact={diffing}
              />
            ) : (
              <div className="cell-empty muted">
                {p.loading ? 'Loading the run…' : 'This run has no genotype at this epoch yet.'}
              </div>
            )}
          </section>
        )
      })}
      {!panes.a.text && !panes.b.text && !panes.a.runId && !panes.b.runId && (
        <div className="cells-hint muted">
          Paste a genotype into A or B, open a <span className="mono">genotypes.py</span> or search log, pick a run, or choose a
          published cell from the library. Fill both and turn on <b>Diff A ↔ B</b> to see which edges changed.
        </div>
      )}
    </div>
  )
}

/** A pane's effective text (typed, or the followed run's genotype at its epoch), its parse and α at that epoch. */
function usePane(state: PaneState) {
  const { detail, error, loading } = useRunDetail(state.runId)
  const text = state.runId ? (detail ? (genotypeAt(detail, state.epoch)?.text ?? '') : '') : state.text
  const parse = useMemo(() => parsePaneText(text), [text])
  const weights = useMemo(() => {
    if (!detail) return { normal: undefined, reduce: undefined }
    const n = alphasAt(detail, state.epoch, 'normal')
    const r = alphasAt(detail, state.epoch, 'reduce')
    return { normal: n && { matrix: n.matrix, ops: n.ops }, reduce: r && { matrix: r.matrix, ops: r.ops } }
  }, [detail, state.epoch])
  const label =
    state.runId && detail ? `${detail.run.id} · ${state.epoch === null ? 'final' : `epoch ${state.epoch}`}` : state.label
  return { text, parse, weights, detail, error, loading, label }
}
