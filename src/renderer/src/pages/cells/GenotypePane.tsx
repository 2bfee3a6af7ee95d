/** The inputs of one pane (A or B): paste/type, open a file, follow a run (with an epoch scrubber) or pick a library genotype. */
import type { ChangeEvent } from 'react'
import type { LibraryGenotype, RunDetail, RunSummary } from '../../../../shared/api'
import { genotypeEpochs, kindLabel, libraryKey, librarySource, type PaneParse } from '../../shape/cells'
import { EpochScrubber } from './EpochScrubber'
import { emptyPane, type PaneState, runPane } from './paneState'

export interface GenotypePaneProps {
  readonly side: 'a' | 'b'
  readonly state: PaneState
  readonly onChange: (next: PaneState) => void
  /** The text shown (the run's genotype at the scrubbed epoch when following a run). */
  readonly text: string
  readonly parse: PaneParse
  readonly runs: readonly RunSummary[] | undefined
  readonly library: readonly LibraryGenotype[] | undefined
  readonly detail: RunDetail | undefined
  readonly detailError: Error | undefined
}

const runLabel = (r: RunSummary) =>
  `${r.id} · ${r.method}${r.preset && r.preset !== r.method ? ` (${r.preset})` : ''} · seed ${r.seed} · ${r.status}`

export function GenotypePane({ side, state, onChange, text, parse, runs, library, detail, detailError }: GenotypePaneProps) {
  const openFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (!file) return
    const body = file.size > 8 * 1024 * 1024 ? '' : await file.text()
    onChange({ ...emptyPane, text: body || `# ${file.name} is larger than 8 MiB`, source: 'file', label: file.name })
  }
  const withRuns = (runs ?? []).filter((r) => r.finalGenotype || r.epochsDone > 0 || r.id === state.runId)
  const entries = parse.status === 'ok' ? parse.entries : []
  const chosen = entries.find((e) => e.name === state.name) ?? entries[0]
  return (
    <section className="panel genotype-pane" data-pane={side}>
      <div className="panel-head">
        <h3>
          <span className="pane-letter">{side.toUpperCase()}</span>
          {state.runId ? (
            <span className="mono">run</span>
          ) : chosen ? (
            <span className="mono">{chosen.name}</span>
          ) : (
            <span className="muted">Genotype {side.toUpperCase()}</span>
          )}
        </h3>
        {state.label && (
          <span className="muted small pane-source" title={state.label}>
            {state.label}
          </span>
        )}
      </div>
      <div className="panel-body pane-body">
        <div className="pane-sources">
          <label className="pane-field">
            <span>Run</span>
            <select
              data-testid={`pane-run-${side}`}
              value={state.runId ?? ''}
              onChange={(e) =>
                onChange(e.target.value ? runPane(e.target.value) : { ...state, runId: null, source: 'text', label: '' })
              }
            >
              <option value="">{runs ? (withRuns.length ? 'Choose a run…' : 'No runs with a genotype') : 'Loading runs…'}</option>
              {withRuns.map((r) => (
                <option key={r.id} value={r.id}>
                  {runLabel(r)}
                </option>
              ))}
            </select>
          </label>
          <label className="pane-field">
            <span>Library</span>
            <select
              data-testid={`library-select-${side}`}
              value={state.libraryKey ?? ''}
              onChange={(e) => {
                const g = library?.find((x) => libraryKey(x) === e.target.value)
                if (!g) return onChange({ ...state, libraryKey: null })
                const src = librarySource(g)
                onChange({
                  ...emptyPane,
                  text: src.text,
                  source: 'library',
                  label: src.label,
                  libraryKey: libraryKey(g),
                  name: g.name,
                })
              }}
            >
              <option value="">{library ? 'Published genotype…' : 'Loading…'}</option>
              {groupByFile(library ?? []).map(([file, list]) => (
                <optgroup key={file} label={file}>
                  {list.map((g) => (
                    <option key={libraryKey(g)} value={libraryKey(g)}>
                      {g.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <label className="btn file-btn" title="Open a genotypes.py, a search log, an NB201 string or JSON">
            Open file…
            <input
              type="file"
              accept=".py,.txt,.log,.json,.jsonl,text/*"
              className="visually-hidden"
              onChange={openFile}
              data-testid={`file-input-${side}`}
            />
          </label>
        </div>
        {state.runId && (
          <>
            {detailError && <div className="cell-error">{detailError.message}</div>}
            {detail && (
              <EpochScrubber
                epochs={genotypeEpochs(detail)}
                epoch={state.epoch}
                hasFinal={!!detail.run.finalGenotype}
                onChange={(epoch) => onChange({ ...state, epoch })}
              />
            )}
          </>
        )}
        <textarea
          data-testid={`genotype-input-${side}`}
          className={`genotype-input mono${parse.status === 'error' ? ' invalid' : ''}`}
          rows={4}
          spellCheck={false}
          placeholder="Paste Genotype(normal=[…], …), NAME = Genotype(…) lines, an NB201 arch string, HGenotype(…) or JSON"
          value={text}
          onChange={(e) => onChange({ ...emptyPane, text: e.target.value, name: state.name })}
          aria-label={`Genotype ${side.toUpperCase()}`}
        />
        <div className="pane-status small" aria-live="polite">
          {parse.status === 'error' && (
            <span className="parse-error" data-testid={`parse-error-${side}`}>
              {parse.error}
            </span>
          )}
          {parse.status === 'ok' && chosen && (
            <>
              <span className="parse-ok">✓ {kindLabel(chosen.genotype)}</span>
              <span className="muted">· {chosen.format}</span>
              {entries.length > 1 && (
                <select
                  className="name-select"
                  aria-label="Genotype in this text"
                  data-testid={`genotype-name-${side}`}
                  value={chosen.name}
                  onChange={(e) => onChange({ ...state, name: e.target.value })}
                >
                  {entries.map((g) => (
                    <option key={g.name} value={g.name}>
                      {g.name}
                      {g.aliases.length ? ` (= ${g.aliases.join(', ')})` : ''}
                    </option>
                  ))}
                </select>
              )}
              {entries.length > 1 && <span className="muted">{entries.length} genotypes</span>}
            </>
          )}
        </div>
      </div>
    </section>
  )
}

function groupByFile(list: readonly LibraryGenotype[]): [string, LibraryGenotype[]][] {
  const m = new Map<string, LibraryGenotype[]>()
  for (const g of list) m.set(g.file, [...(m.get(g.file) ?? []), g])
  return [...m]
}
