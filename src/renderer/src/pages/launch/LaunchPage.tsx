/** Route '/launch': methods × sweeps × seeds → runs.launch, with live validation, run count and estimate. */
import { useCallback, useMemo, useState } from 'react'
import { BACKEND_CHOICES, DATASET_IDS } from '../../../../core/config/search'
import { useApi, useQuery } from '../../api/context'
import { ErrorState, Loading } from '../../components/common/States'
import { useToast } from '../../components/common/Toast'
import { navigate } from '../../router'
import {
  defaultName,
  formSets,
  gridCount,
  keyOfError,
  parseSetLines,
  type Sweep,
  sweepValues,
  validateSets,
  validateSweeps,
} from '../../shape/launch'
import { parseSeeds } from '../../shape/seeds'
import { ClusterPanel } from './ClusterPanel'
import { EstimatePanel } from './EstimatePanel'
import { GridBuilder } from './GridBuilder'
import { PresetPicker } from './PresetPicker'
import { SettingsForm } from './SettingsForm'
import './launch.css'

type Backend = (typeof BACKEND_CHOICES)[number]

export function LaunchPage() {
  const api = useApi()
  const toast = useToast()
  const presetsQ = useQuery(() => api.call('presets.list', {}), [api])
  const infoQ = useQuery(() => api.call('app.info', {}), [api])
  const [selected, setSelected] = useState<string[]>([])
  const [dataset, setDataset] = useState('')
  const [seedsText, setSeedsText] = useState('0')
  const [edits, setEdits] = useState<Record<string, string>>({})
  const [extra, setExtra] = useState('')
  const [sweeps, setSweeps] = useState<Sweep[]>([])
  const [backend, setBackend] = useState<Backend>('auto')
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)

  const all = presetsQ.data?.presets
  const chosen = useMemo(() => (all ? all.filter((p) => selected.includes(p.name)) : []), [all, selected])
  const formPreset = chosen[0] ?? null
  const seeds = parseSeeds(seedsText)
  const extraParsed = useMemo(() => parseSetLines(extra), [extra])
  const sets = useMemo(
    () => [...(dataset ? [`dataset=${dataset}`] : []), ...formSets(edits, formPreset?.config ?? null), ...extraParsed.sets],
    [dataset, edits, formPreset, extraParsed],
  )
  const values = useMemo(() => sweepValues(sweeps), [sweeps])
  const settingsError = useMemo(
    () => extraParsed.error ?? validateSets(chosen, sets) ?? validateSweeps(chosen, sets, values),
    [chosen, sets, values, extraParsed],
  )
  const grid = {
    name: name.trim() || defaultName(selected, seeds.ok ? seeds.seeds.length : 1),
    methods: selected,
    values,
    seeds: seeds.ok ? seeds.seeds : [],
    set: sets,
  }
  const counted = selected.length && seeds.ok ? gridCount(grid) : { count: 0, error: null }
  const problem = !selected.length ? 'Pick at least one method.' : !seeds.ok ? seeds.error : (settingsError ?? counted.error)
  const onEdit = useCallback(
    (key: string, v: string | null) =>
      setEdits((e) => {
        const next = { ...e }
        if (v === null) delete next[key]
        else next[key] = v
        return next
      }),
    [],
  )

  const launch = async () => {
    if (problem) return
    setBusy(true)
    try {
      const r = await api.call('runs.launch', { grid, backend })
      toast.show(`Queued ${r.runIds.length} run${r.runIds.length === 1 ? '' : 's'} (experiment ${r.experimentId})`, 'ok')
      navigate('/runs')
    } catch (err) {
      toast.error(err, 'Launch failed')
    } finally {
      setBusy(false)
    }
  }

  if (presetsQ.error) return <ErrorState error={presetsQ.error} onRetry={presetsQ.reload} title="Could not load presets" />
  if (!presetsQ.data) return <Loading label="Loading presets…" />
  const runsPerPreset = selected.length ? counted.count / selected.length : 0

  return (
    <div>
      <div className="page-title">
        <h1>Launch</h1>
        <span className="small muted">methods × sweep values × seeds, queued as one experiment</span>
      </div>
      <div className="launch-grid">
        <PresetPicker presets={presetsQ.data.presets} selected={selected} onChange={setSelected} />
        <div className="stack">
          <div className="panel">
            <div className="panel-body row wrap" style={{ gap: 'var(--space-4)', alignItems: 'flex-start' }}>
              <div>
                <span className="label">Dataset</span>
                <select
                  value={dataset}
                  onChange={(e) => setDataset(e.target.value)}
                  aria-label="Dataset"
                  data-testid="launch-dataset"
                >
                  <option value="">preset default{formPreset ? ` (${formPreset.config.dataset})` : ''}</option>
                  {DATASET_IDS.map((d) => (
                    <option key={d}>{d}</option>
                  ))}
                </select>
              </div>
              <div>
                <span className="label">Seeds</span>
                <input
                  value={seedsText}
                  onChange={(e) => setSeedsText(e.target.value)}
                  placeholder="0,1,2 or 0-4"
                  className={seeds.ok ? 'mono' : 'mono invalid'}
                  style={{ width: 130 }}
                  aria-label="Seeds"
                  data-testid="launch-seeds"
                />
                <div className="xs muted" style={{ marginTop: 2 }}>
                  {seeds.ok ? (
                    `${seeds.seeds.length} seed${seeds.seeds.length === 1 ? '' : 's'}`
                  ) : (
                    <span className="error-line xs">{seeds.error}</span>
                  )}
                </div>
              </div>
              <div>
                <span className="label">Backend</span>
                <div className="segmented" role="group" aria-label="Backend">
                  {BACKEND_CHOICES.map((b) => (
                    <button key={b} aria-pressed={backend === b} onClick={() => setBackend(b)} data-testid={`backend-${b}`}>
                      {b}
                    </button>
                  ))}
                </div>
              </div>
              <div className="grow" style={{ minWidth: 180 }}>
                <span className="label">Experiment name</span>
                <input
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  placeholder={grid.name}
                  style={{ width: '100%' }}
                  aria-label="Experiment name"
                  data-testid="launch-name"
                />
              </div>
            </div>
          </div>
          <GridBuilder sweeps={sweeps} onChange={setSweeps} />
          <div className="panel">
            <div className="panel-head">
              <h2>Extra settings</h2>
              <span className="small muted">one key=value a line, applied to every run</span>
            </div>
            <div className="panel-body">
              <textarea
                rows={3}
                value={extra}
                onChange={(e) => setExtra(e.target.value)}
                placeholder={'epochs=3\nhessian.every=1'}
                style={{ width: '100%' }}
                className={extraParsed.error ? 'invalid' : undefined}
                aria-label="Extra settings"
                data-testid="launch-sets"
              />
            </div>
          </div>
          {formPreset ? (
            <SettingsForm
              preset={formPreset}
              help={presetsQ.data.settings}
              edits={edits}
              badKey={keyOfError(settingsError)}
              error={settingsError}
              onEdit={onEdit}
              onReset={() => setEdits({})}
            />
          ) : (
            <div className="panel state small">Pick a method to edit its settings.</div>
          )}
        </div>
        <div className="launch-side stack" style={{ position: 'sticky', top: 60 }}>
          <div className="panel">
            <div className="panel-head">
              <h2>Summary</h2>
            </div>
            <div className="panel-body stack">
              <div data-testid="launch-count">
                <span className="big-count">{counted.count}</span>{' '}
                <span className="muted">run{counted.count === 1 ? '' : 's'}</span>
                <div className="xs muted">
                  {selected.length} method{selected.length === 1 ? '' : 's'} ×{' '}
                  {Object.values(values).reduce((n, v) => n * v.length, 1)} value combination
                  {Object.keys(values).length ? 's' : ''} × {seeds.ok ? seeds.seeds.length : '?'} seeds
                </div>
              </div>
              {problem && (
                <div className="error-line" role="alert" data-testid="launch-error">
                  {problem}
                </div>
              )}
              <EstimatePanel
                presets={selected}
                sets={sets}
                runsPerPreset={runsPerPreset}
                cpuSlots={infoQ.data?.cpuSlots ?? 1}
                enabled={!settingsError}
              />
              <button
                className="primary"
                disabled={Boolean(problem) || busy}
                onClick={() => void launch()}
                data-testid="launch-submit"
                style={{ justifyContent: 'center', padding: '7px 12px' }}
              >
                {busy ? 'Launching…' : `Launch ${counted.count} run${counted.count === 1 ? '' : 's'}`}
              </button>
              <ClusterPanel
                grid={backend === 'auto' ? grid : { ...grid, set: [`backend=${backend}`, ...grid.set] }}
                disabled={Boolean(problem)}
                defaultDir={infoQ.data?.runsDir ?? ''}
              />
              {sets.length > 0 && (
                <details className="xs">
                  <summary className="muted">
                    {sets.length} override{sets.length === 1 ? '' : 's'}
                  </summary>
                  <pre className="genotype">{sets.join('\n')}</pre>
                </details>
              )}
            </div>
          </div>
        </div>
      </div>
    </div>
  )
}
