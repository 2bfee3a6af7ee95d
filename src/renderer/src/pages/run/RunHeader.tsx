/** The run view's header: identity, status, progress/ETA, actions and key facts. */
import type { ReactNode } from 'react'
import type { RunDetail, RunSummary } from '../../../../shared/api'
import { ProgressBar } from '../../components/common/ProgressBar'
import { StatusChip } from '../../components/common/StatusChip'
import { Link } from '../../router'
import { count, dateTime, duration, pct } from '../../shape/format'
import { actionsFor, type RunAction } from '../../shape/runsTable'

const LABEL: Record<RunAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  retry: 'Retry',
  duplicate: 'Duplicate…',
  delete: 'Delete…',
}

export function RunHeader({
  detail,
  now,
  epoch,
  onAction,
  exportMenu,
  evaluate,
}: {
  detail: RunDetail
  /** The Export menu (RunExport), placed with the other actions. */
  exportMenu?: ReactNode
  /** The "Evaluate…" button for the run's genotype. */
  evaluate?: ReactNode
  now: number
  /** The scrubbed epoch, passed on to the Cells view. */
  epoch: number | null
  onAction(a: RunAction, run: RunSummary): void
}) {
  const r = detail.run
  const elapsed = r.startedAt ? ((r.endedAt ?? now) - r.startedAt) / 1000 : null
  return (
    <>
      <div className="run-head">
        <Link to="/runs" className="small">
          ← Runs
        </Link>
        <h1>{r.id}</h1>
        <StatusChip status={r.status} title={r.statusReason} />
        <span className="small">
          <b>{r.preset ?? r.method}</b>{' '}
          <span className="muted">
            · {r.dataset} · seed {r.seed}
          </span>
        </span>
        <div style={{ width: 200 }}>
          <ProgressBar progress={r.progress} status={r.status} etaSec={r.etaSec} label="run progress" />
        </div>
        <div className="grow" />
        <Link
          to={`/cells?run=${encodeURIComponent(r.id)}${epoch === null ? '' : `&epoch=${epoch}`}`}
          className="btn"
          title="Open the genotype in the Cells view"
        >
          Cells
        </Link>
        {exportMenu}
        {evaluate}
        {actionsFor(r.status, r.kind).map((a) => (
          <button
            key={a}
            className={a === 'delete' || a === 'cancel' ? 'danger' : undefined}
            onClick={() => onAction(a, r)}
            data-testid={`action-${a}`}
          >
            {LABEL[a]}
          </button>
        ))}
      </div>
      {r.error && (
        <div className="panel panel-body error-line" role="alert" style={{ marginBottom: 'var(--space-3)' }}>
          {r.statusReason ? <b>{r.statusReason}: </b> : null}
          <span className="mono">{r.error}</span>
        </div>
      )}
      <div className="kv">
        <div>
          <span>epochs</span>
          <b className="num">
            {r.epochsDone}/{r.epochsTotal ?? '?'}
          </b>
        </div>
        {detail.evaluation ? (
          <EvalFacts detail={detail} />
        ) : (
          <>
            <div>
              <span>best val</span>
              <b className="num">{pct(r.bestValAcc)}</b>
            </div>
            <div>
              <span>last val</span>
              <b className="num">{pct(r.lastValAcc)}</b>
            </div>
            <div>
              <span>skips n/r</span>
              <b className="num">
                {r.skipsNormal ?? '–'}/{r.skipsReduce ?? '–'}
              </b>
            </div>
          </>
        )}
        <div>
          <span>elapsed</span>
          <b className="num">{duration(elapsed)}</b>
        </div>
        <div className="kv-clip" title={`${r.backend ?? ''} ${r.device ?? ''} ${detail.backendVersion ?? ''}`}>
          <span>backend</span>
          {r.backend ?? '–'}
          {r.device ? ` (${r.device})` : ''}
          {detail.backendVersion ? <span className="muted"> {detail.backendVersion}</span> : null}
        </div>
        <div>
          <span>weights</span>
          <span className="num">{count(detail.weights)}</span>
        </div>
        <div>
          <span>created</span>
          <span className="num">{dateTime(r.createdAt)}</span>
        </div>
        <div>
          <span>started</span>
          <span className="num">{dateTime(r.startedAt)}</span>
        </div>
        {r.attempts > 1 && (
          <div>
            <span>attempts</span>
            {r.attempts}
          </div>
        )}
        <div title={detail.runDir} className="kv-clip">
          <span>dir</span>
          <span className="mono xs">{detail.runDir}</span>
        </div>
      </div>
    </>
  )
}

/** An evaluation's facts: the genotype trained, its test accuracy, and (once finished) its size and cost. */
function EvalFacts({ detail }: { detail: RunDetail }) {
  const ev = detail.evaluation!
  const res = ev.result
  return (
    <>
      <div title="an evaluation trains on the train set and tests on the test set">
        <span>test acc</span>
        <b className="num" data-testid="eval-test-acc">
          {pct(res?.testAcc ?? detail.run.lastTestAcc)}
        </b>
      </div>
      <div title={ev.genotype.text} className="kv-clip">
        <span>genotype</span>
        <span className="mono xs">{ev.genotype.name ?? 'Genotype(…)'}</span>
      </div>
      <div title={res ? `${res.paramsWithAux} with the auxiliary head` : 'known when the run finishes'}>
        <span>params</span>
        <b className="num" data-testid="eval-params">
          {res ? `${(res.params / 1e6).toFixed(2)} M` : '–'}
        </b>
      </div>
      <div title="multiply-adds of one image">
        <span>FLOPs</span>
        <b className="num">{res ? `${(res.flops / 1e6).toFixed(1)} M` : '–'}</b>
      </div>
    </>
  )
}
