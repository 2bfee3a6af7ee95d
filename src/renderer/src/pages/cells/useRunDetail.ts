/** A run's detail (genotypes and α by epoch) for a pane that follows a run; reloads when the run logs a genotype. */
import { useRef } from 'react'
import type { RunDetail } from '../../../../shared/api'
import { useApi, useLive, useQuery } from '../../api/context'

export function useRunDetail(runId: string | null): {
  detail: RunDetail | undefined
  error: Error | undefined
  loading: boolean
} {
  const api = useApi()
  const q = useQuery(() => (runId ? api.call('runs.get', { id: runId }) : Promise.resolve(undefined)), [api, runId])
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null)
  useLive((e) => {
    if (!runId || e.type !== 'run-event' || e.runId !== runId) return
    if (e.event.type !== 'genotype' && e.event.type !== 'alphas' && e.event.type !== 'finished') return
    // Genotype and α events arrive together at an epoch's end: reload once.
    if (pending.current) clearTimeout(pending.current)
    pending.current = setTimeout(q.reload, 300)
  })
  const stale = q.data && runId && q.data.run.id !== runId
  return { detail: runId && !stale ? q.data : undefined, error: runId ? q.error : undefined, loading: !!runId && q.loading }
}
