/**
 * "Run on cluster": the launch form's grid as a Slurm job array (slurm.submit). Where sbatch exists it
 * submits; elsewhere, or with "bundle only", it writes the grid folder to copy to the cluster.
 */
import { useState } from 'react'
import type { GridSpec } from '../../../../core/config/grid'
import { useApi } from '../../api/context'
import { useToast } from '../../components/common/Toast'

const TIME = /^(\d+-)?\d+(:\d{1,2}){0,2}$/

export function ClusterPanel({ grid, disabled, defaultDir }: { grid: GridSpec; disabled: boolean; defaultDir: string }) {
  const api = useApi()
  const toast = useToast()
  const [dir, setDir] = useState('')
  const [partition, setPartition] = useState('')
  const [gpus, setGpus] = useState('1')
  const [time, setTime] = useState('24:00:00')
  const [maxParallel, setMaxParallel] = useState('')
  const [dryRun, setDryRun] = useState(false)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<string | null>(null)

  const runsDir = dir.trim() || defaultDir
  const gpusN = Number(gpus)
  const maxN = Number(maxParallel)
  const problem = !runsDir.startsWith('/')
    ? 'Give the full path of a folder the cluster nodes share.'
    : !Number.isInteger(gpusN) || gpusN < 0
      ? 'GPUs per task: a whole number.'
      : time && !TIME.test(time)
        ? 'Time limit: HH:MM:SS.'
        : maxParallel && (!Number.isInteger(maxN) || maxN < 1)
          ? 'Max parallel: a whole number ≥ 1.'
          : null

  const submit = async () => {
    setBusy(true)
    try {
      const r = await api.call('slurm.submit', {
        grid,
        runsDir,
        dryRun,
        options: {
          ...(partition.trim() ? { partition: partition.trim() } : {}),
          ...(gpusN > 0 ? { gpusPerTask: gpusN } : {}),
          ...(time ? { time } : {}),
          ...(maxParallel ? { maxParallel: maxN } : {}),
        },
      })
      const text = r.jobId
        ? `Submitted job ${r.jobId}: ${r.tasks} tasks in ${r.gridDir}`
        : `Wrote ${r.tasks} tasks to ${r.gridDir}${r.sbatchFound ? '' : ' (no sbatch here)'}; on the cluster: sbatch ${r.script}`
      setResult(text)
      toast.show(
        r.jobId ? `Submitted Slurm job ${r.jobId} (${r.tasks} tasks)` : `Wrote the Slurm bundle (${r.tasks} tasks)`,
        'ok',
      )
    } catch (err) {
      toast.error(err, 'Run on cluster failed')
    } finally {
      setBusy(false)
    }
  }

  return (
    <details className="cluster-panel" data-testid="cluster-panel">
      <summary className="small">
        <b>Run on cluster</b> <span className="muted">as a Slurm job array</span>
      </summary>
      <div className="stack" style={{ gap: 'var(--space-2)', marginTop: 'var(--space-2)' }}>
        <label>
          <span className="label">Shared folder</span>
          <input
            value={dir}
            onChange={(e) => setDir(e.target.value)}
            placeholder={defaultDir}
            className="mono"
            style={{ width: '100%' }}
            data-testid="cluster-dir"
          />
        </label>
        <div className="row wrap" style={{ gap: 'var(--space-2)' }}>
          <label>
            <span className="label">Partition</span>
            <input
              value={partition}
              onChange={(e) => setPartition(e.target.value)}
              placeholder="default"
              style={{ width: 90 }}
              data-testid="cluster-partition"
            />
          </label>
          <label>
            <span className="label">GPUs</span>
            <input
              value={gpus}
              onChange={(e) => setGpus(e.target.value)}
              className="num"
              style={{ width: 44 }}
              data-testid="cluster-gpus"
            />
          </label>
          <label>
            <span className="label">Time limit</span>
            <input
              value={time}
              onChange={(e) => setTime(e.target.value)}
              className="mono"
              style={{ width: 86 }}
              data-testid="cluster-time"
            />
          </label>
          <label>
            <span className="label">Max parallel</span>
            <input
              value={maxParallel}
              onChange={(e) => setMaxParallel(e.target.value)}
              placeholder="all"
              className="num"
              style={{ width: 50 }}
              data-testid="cluster-max-parallel"
            />
          </label>
        </div>
        <label className="row small" style={{ gap: 6 }}>
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} data-testid="cluster-dry-run" />
          only write the bundle (submit it on the cluster with sbatch)
        </label>
        {problem && (
          <div className="error-line xs" role="alert">
            {problem}
          </div>
        )}
        <button disabled={disabled || Boolean(problem) || busy} onClick={() => void submit()} data-testid="cluster-submit">
          {busy ? 'Writing…' : 'Run on cluster'}
        </button>
        {result && (
          <div className="xs muted mono" data-testid="cluster-result">
            {result}
          </div>
        )}
      </div>
    </details>
  )
}
