/**
 * "Evaluate (train from scratch)": a button and its dialog (eval preset with its estimate, extra
 * `key=value` settings), used wherever a genotype is shown (cell viewer panes, the run view). Launching
 * queues a `runs.evaluate` run and opens its live view.
 */
import { useEffect, useState } from 'react'
import type { EvalEstimate } from '../../../../shared/api'
import { useApi, useQuery } from '../../api/context'
import { navigate } from '../../router'
import { bytes, count, duration } from '../../shape/format'
import { parseSetLines } from '../../shape/launch'
import { Dialog } from '../common/Dialog'
import { useToast } from '../common/Toast'

type EvalPreset = 'darts-eval' | 'darts-eval-quick'

export interface EvaluateButtonProps {
  /** The genotype text, as the core parsers read it. */
  readonly text: string
  /** Which genotype of a text holding several. */
  readonly name?: string
  /** Shown in the dialog: the genotype's name or where it comes from. */
  readonly label: string
  /** Why it cannot be trained (an NB201 or HDARTS genotype); the button is then disabled. */
  readonly refusal?: string
  readonly compact?: boolean
}

export function EvaluateButton({ text, name, label, refusal, compact }: EvaluateButtonProps) {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button
        className="small"
        data-testid="evaluate"
        disabled={!text || !!refusal}
        title={refusal ?? 'Train this genotype from scratch (DARTS train.py) as a queued evaluation run'}
        onClick={() => setOpen(true)}
      >
        {compact ? 'Evaluate…' : 'Evaluate (train from scratch)…'}
      </button>
      {open && <EvaluateDialog text={text} name={name} label={label} onClose={() => setOpen(false)} />}
    </>
  )
}

function EvaluateDialog({ text, name, label, onClose }: { text: string; name?: string; label: string; onClose(): void }) {
  const api = useApi()
  const toast = useToast()
  const presets = useQuery(() => api.call('presets.list', {}), [api])
  const [preset, setPreset] = useState<EvalPreset>('darts-eval-quick')
  const [setsText, setSetsText] = useState('')
  const [busy, setBusy] = useState(false)
  const parsed = parseSetLines(setsText)
  const estimate = useEvalEstimate(text, name, preset, parsed.error ? null : parsed.sets)
  const list = presets.data?.evalPresets ?? []
  const summary = list.find((p) => p.name === preset)?.summary

  const launch = async () => {
    setBusy(true)
    try {
      const run = await api.call('runs.evaluate', { genotype: text, ...(name ? { name } : {}), preset, sets: parsed.sets })
      toast.show(`Queued evaluation ${run.id}`, 'ok')
      onClose()
      navigate(`/runs/${encodeURIComponent(run.id)}`)
    } catch (err) {
      toast.error(err, 'Could not launch the evaluation')
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog title="Evaluate: train from scratch" onClose={onClose}>
      <div className="small">
        Trains <b className="mono">{label}</b> from scratch (DARTS <span className="mono">train.py</span>) and reports its test
        accuracy, as a run in the queue.
      </div>
      <label className="stack small">
        <span>Preset</span>
        <select value={preset} onChange={(e) => setPreset(e.target.value as EvalPreset)} data-testid="evaluate-preset">
          {(list.length ? list.map((p) => p.name) : ['darts-eval-quick', 'darts-eval']).map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        {summary && <span className="muted xs">{summary}</span>}
      </label>
      <label className="stack small">
        <span>
          Settings <span className="muted">(optional, one key=value a line: C, layers, epochs, batchSize, lr, seed, …)</span>
        </span>
        <textarea
          rows={3}
          value={setsText}
          placeholder={'epochs=10\nseed=1'}
          onChange={(e) => setSetsText(e.target.value)}
          className={parsed.error ? 'invalid' : undefined}
          data-testid="evaluate-sets"
          aria-label="Extra settings"
        />
      </label>
      {parsed.error && <div className="error-line">{parsed.error}</div>}
      <EstimateLine estimate={estimate} />
      <div className="dialog-actions">
        <button onClick={onClose}>Cancel</button>
        <button
          className="primary"
          data-testid="evaluate-launch"
          disabled={busy || Boolean(parsed.error)}
          onClick={() => void launch()}
        >
          {busy ? 'Launching…' : 'Launch'}
        </button>
      </div>
    </Dialog>
  )
}

/** The estimate of the current choice, refreshed a moment after the settings stop changing. */
function useEvalEstimate(text: string, name: string | undefined, preset: EvalPreset, sets: string[] | null) {
  const api = useApi()
  const [state, setState] = useState<{ data?: EvalEstimate; error?: string }>({})
  const key = sets ? JSON.stringify(sets) : null
  useEffect(() => {
    if (key === null) return
    let live = true
    const t = setTimeout(() => {
      api
        .call('runs.estimateEval', { genotype: text, ...(name ? { name } : {}), preset, sets: JSON.parse(key) as string[] })
        .then(
          (data) => live && setState({ data }),
          (err: unknown) => live && setState({ error: err instanceof Error ? err.message : String(err) }),
        )
    }, 250)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [api, text, name, preset, key])
  return state
}

function EstimateLine({ estimate }: { estimate: { data?: EvalEstimate; error?: string } }) {
  if (estimate.error) return <div className="error-line small">{estimate.error}</div>
  const e = estimate.data
  if (!e) return <div className="muted small">Estimating…</div>
  return (
    <div className="small" data-testid="evaluate-estimate" title={e.basis}>
      {count(e.params)} parameters · {count(e.flops)} FLOPs · {e.epochs} epoch{e.epochs === 1 ? '' : 's'} · ~
      {bytes(e.memoryBytes)} per worker ·{' '}
      {e.seconds === null ? <span className="muted">time unknown ({e.basis})</span> : `~${duration(e.seconds)}`}
    </div>
  )
}
