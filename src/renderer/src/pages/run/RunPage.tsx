/** Route '/runs/ID': the live run view (charts, α heatmaps with an epoch scrubber, genotype, events). */
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { RunDetail } from '../../../../shared/api'
import { useApi, useLive, useQuery } from '../../api/context'
import { Empty, ErrorState, Loading } from '../../components/common/States'
import { Link, navigate } from '../../router'
import { alphaAt, applyLiveToDetail, atEpoch, scrubEpochs } from '../../shape/runView'
import { EvaluateButton } from '../../components/eval/EvaluateButton'
import { useRunActions } from '../runs/useRunActions'
import { AlphaPanel } from './AlphaPanel'
import { Checkpoints, ParamsPanel } from './Checkpoints'
import { EpochScrubber } from './EpochScrubber'
import { EventLog } from './EventLog'
import { GenotypePanel } from './GenotypePanel'
import { MethodMatrices } from './MethodMatrices'
import { RunCharts } from './RunCharts'
import { RunExport } from './RunExport'
import { RunHeader } from './RunHeader'
import './run.css'

export function RunPage({ id: rawId }: { id: string }) {
  const id = safeDecode(rawId)
  const api = useApi()
  const q = useQuery(() => api.call('runs.get', { id }), [api, id])
  const [detail, setDetail] = useState<RunDetail | null>(null)
  const [deleted, setDeleted] = useState(false)
  const { reload } = q

  useEffect(() => {
    setDetail(null)
    setDeleted(false)
  }, [id])
  useEffect(() => {
    if (q.data && q.data.run.id === id) setDetail(q.data)
  }, [q.data, id])
  useLive((e) => {
    if (e.type === 'run-deleted' && e.id === id) return setDeleted(true)
    // A resume discards events after a seq: the cheapest correct view is a fresh load.
    if (e.type === 'run-event' && e.runId === id && e.event.type === 'resumed') return reload()
    setDetail((d) => (d ? applyLiveToDetail(d, e) : d))
  })

  const { act, dialogs } = useRunActions({
    onUpdated: useCallback((r) => setDetail((d) => (d && d.run.id === r.id ? { ...d, run: r } : d)), []),
    onCreated: useCallback((r) => navigate(`/runs/${encodeURIComponent(r.id)}`), []),
    onDeleted: useCallback(() => navigate('/runs'), []),
  })

  if (deleted) return <Empty title="This run was deleted" action={<Link to="/runs">Back to runs</Link>} />
  if (!detail) {
    if (q.error)
      return (
        <ErrorState
          error={q.error}
          onRetry={q.reload}
          title={'code' in q.error && q.error.code === 'not-found' ? `No run ${id}` : 'Could not load the run'}
        />
      )
    return <Loading label={`Loading ${id}…`} />
  }
  return (
    <div data-testid="run-view" data-status={detail.run.status} data-run-id={detail.run.id}>
      <RunView detail={detail} onAction={act} />
      {dialogs}
    </div>
  )
}

function RunView({ detail, onAction }: { detail: RunDetail; onAction: ReturnType<typeof useRunActions>['act'] }) {
  const epochs = useMemo(() => scrubEpochs(detail), [detail])
  // null = follow the newest epoch as it arrives.
  const [picked, setPicked] = useState<number | null>(null)
  const [playing, setPlaying] = useState(false)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (detail.run.status !== 'running') return
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [detail.run.status])

  const index = picked === null ? Math.max(0, epochs.length - 1) : Math.min(picked, epochs.length - 1)
  const epoch = epochs[index] ?? null
  const onIndex = useCallback((i: number) => setPicked(i), [])
  const following = picked === null || (picked >= epochs.length - 1 && !playing)
  const normal = epoch === null ? undefined : alphaAt(detail.alphas, 'normal', epoch)
  const reduce = epoch === null ? undefined : alphaAt(detail.alphas, 'reduce', epoch)
  const genotype = epoch === null ? undefined : atEpoch(detail.genotypes, epoch)
  const evaluation = detail.evaluation
  // What "Evaluate…" trains: an evaluation's own genotype, else the scrubbed or final one.
  const trainable = evaluation?.genotype.text ?? genotype?.text ?? detail.run.finalGenotype ?? ''

  return (
    <>
      <RunHeader
        detail={detail}
        now={now}
        epoch={epoch}
        onAction={onAction}
        exportMenu={
          <RunExport
            detail={detail}
            genotype={evaluation?.genotype.text ?? genotype?.text ?? detail.run.finalGenotype ?? undefined}
            epoch={genotype ? genotype.epoch : null}
          />
        }
        evaluate={
          <EvaluateButton
            text={trainable}
            label={evaluation?.genotype.name ?? `${detail.run.id}${genotype ? ` · epoch ${genotype.epoch}` : ''}`}
            compact
            {...(trainable ? {} : { refusal: 'No genotype yet: one is derived after each epoch' })}
          />
        }
      />
      <RunCharts
        metrics={detail.metrics}
        marker={epochs.length > 1 ? epoch : null}
        kind={detail.run.kind}
        dataset={detail.run.dataset}
      />
      {evaluation ? (
        // A fixed genotype: no α, no epochs to scrub.
        <GenotypePanel
          genotype={{ epoch: 0, text: evaluation.genotype.text, format: 'darts' }}
          caption={`trained from scratch${evaluation.genotype.name ? ` · ${evaluation.genotype.name}` : ''}`}
        />
      ) : (
        <>
          <EpochScrubber
            epochs={epochs}
            index={Math.max(0, index)}
            playing={playing}
            onIndex={(i) => (i >= epochs.length - 1 && !playing ? setPicked(null) : onIndex(i))}
            onPlaying={setPlaying}
            following={following}
          />
          <div className="split">
            <AlphaPanel normal={normal} reduce={reduce} />
            <GenotypePanel genotype={genotype} normal={normal} reduce={reduce} />
          </div>
          <MethodMatrices matrices={detail.methodMatrices} ops={normal?.ops ?? detail.alphas[0]?.ops ?? []} epoch={epoch} />
        </>
      )}
      <div className="split">
        <EventLog runId={detail.run.id} />
        <div className="stack">
          <Checkpoints checkpoints={detail.checkpoints} />
          <ParamsPanel params={detail.params} />
        </div>
      </div>
    </>
  )
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
