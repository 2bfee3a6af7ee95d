/** The run's metric charts: loss, accuracy, lr, skips, λ_max and a chosen method-specific series. */
import { memo, useMemo, useState } from 'react'
import type { MetricPoint } from '../../../../shared/api'
import { LineChartCard } from '../../components/charts/LineChartCard'
import { BenchmarkChart } from './BenchmarkChart'
import { chartRows, defaultExtraKeys, extraMetricKeys, lambdaMaxKey, metricLabel } from '../../shape/runView'

type Metrics = Readonly<Record<string, readonly MetricPoint[]>>

function Chart({
  metrics,
  keys,
  testKey,
  title,
  marker,
  ...rest
}: {
  metrics: Metrics
  keys: string[]
  testKey: string
  title: string
  marker: number | null
  logY?: boolean
  step?: boolean
}) {
  const { rows, nonFinite } = useMemo(() => chartRows(metrics, keys), [metrics, keys])
  return (
    <LineChartCard
      testKey={testKey}
      title={title}
      rows={rows}
      keys={keys}
      marker={marker}
      extra={
        nonFinite > 0 ? (
          <span className="xs" style={{ color: 'var(--danger)' }} title="NaN or ±Inf values are not plotted">
            {nonFinite} non-finite
          </span>
        ) : null
      }
      {...rest}
    />
  )
}

const LOSS = ['trainLoss', 'valLoss']
const ACC = ['trainAcc', 'valAcc']
const LR = ['lr']
const SKIPS = ['skipsNormal', 'skipsReduce']
// An evaluation tests on the test set and has no α, so no skip counts; drop path ramps instead.
const EVAL_LOSS = ['trainLoss', 'testLoss']
const EVAL_ACC = ['trainAcc', 'testAcc']
const DROP_PATH = ['dropPath']

export const RunCharts = memo(function RunCharts({
  metrics,
  marker,
  kind = 'search',
  dataset = null,
}: {
  metrics: Metrics
  marker: number | null
  kind?: string
  /** The dataset the search ran on, for the benchmark panel's honest label. */
  dataset?: string | null
}) {
  const extras = useMemo(() => extraMetricKeys(metrics), [metrics])
  const lam = lambdaMaxKey(metrics)
  const lamKeys = useMemo(() => (lam ? [lam] : []), [lam])
  const [picked, setPicked] = useState<string[] | null>(null)
  const shown = (picked ?? defaultExtraKeys(extras)).filter((k) => extras.includes(k))
  return (
    <>
      <div className="chart-grid">
        {kind === 'eval' ? (
          <>
            <Chart metrics={metrics} keys={EVAL_LOSS} testKey="testLoss" title="Loss (train, test)" marker={marker} />
            <Chart metrics={metrics} keys={EVAL_ACC} testKey="testAcc" title="Accuracy (train, test)" marker={marker} />
            <Chart metrics={metrics} keys={LR} testKey="lr" title="Learning rate" marker={marker} />
            <Chart metrics={metrics} keys={DROP_PATH} testKey="dropPath" title="Drop-path probability" marker={marker} />
          </>
        ) : (
          <>
            <SearchCharts metrics={metrics} marker={marker} />
            <BenchmarkChart metrics={metrics} marker={marker} searchDataset={dataset} />
          </>
        )}
        {lam && <Chart metrics={metrics} keys={lamKeys} testKey="lambdaMax" title="λ_max of ∇²α L_val" marker={marker} />}
        {shown.map((k) => (
          <MethodChart key={k} metrics={metrics} k={k} marker={marker} />
        ))}
      </div>
      {extras.length > 0 && (
        <div className="panel panel-body row wrap small" style={{ marginBottom: 'var(--space-3)' }} data-testid="series-picker">
          <span className="muted">Method series:</span>
          {extras.map((k) => (
            <label key={k} className="row" style={{ gap: 4 }}>
              <input
                type="checkbox"
                checked={shown.includes(k)}
                onChange={(e) => setPicked(e.target.checked ? [...shown, k] : shown.filter((x) => x !== k))}
              />
              <span className="mono">{metricLabel(k)}</span>
            </label>
          ))}
        </div>
      )}
    </>
  )
})

function MethodChart({ metrics, k, marker }: { metrics: Metrics; k: string; marker: number | null }) {
  const keys = useMemo(() => [k], [k])
  return <Chart metrics={metrics} keys={keys} testKey={metricLabel(k)} title={metricLabel(k)} marker={marker} />
}

function SearchCharts({ metrics, marker }: { metrics: Metrics; marker: number | null }) {
  return (
    <>
      <Chart metrics={metrics} keys={LOSS} testKey="valLoss" title="Loss" marker={marker} />
      <Chart metrics={metrics} keys={ACC} testKey="valAcc" title="Accuracy" marker={marker} />
      <Chart metrics={metrics} keys={LR} testKey="lr" title="Learning rate" marker={marker} />
      <Chart metrics={metrics} keys={SKIPS} testKey="skips" title="Skip connections per cell" marker={marker} step />
    </>
  )
}
