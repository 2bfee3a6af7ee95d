/**
 * A RunService in the foreground of a terminal, for `hdarts runs resume|retry|grid`: runs the given
 * runs (or the whole queue) to the end with a progress display, then reports. Ctrl-C checkpoints and
 * pauses every run; a second Ctrl-C kills the workers (they resume from their last epoch checkpoint).
 */
import { join } from 'node:path'
import { WORKER_LOG } from '../core/run/runFile'
import { ChildProcessLauncher } from '../main/runs/launcher'
import { ServiceLockError } from '../main/runs/lock'
import { RunService } from '../main/runs/service'
import type { RunRow, Store } from '../main/store'
import { CliError } from './errors'
import { MultiProgressView } from './multiProgress'
import { ProgressView } from './progress'
import { runJson, runsTable } from './runsView'

export interface ForegroundOptions {
  readonly store: Store
  readonly runsDir: string
  /** Concurrent workers (default: the service's slots). */
  readonly maxParallel?: number
  /** Work through the whole queue, not only the runs `setup` names. */
  readonly all: boolean
  readonly json: boolean
  /** Queues the runs to work on (called once the service holds the database); returns their ids. */
  setup(service: RunService): string[]
}

export async function runForeground(o: ForegroundOptions): Promise<number> {
  const service = new RunService({
    store: o.store,
    launcher: new ChildProcessLauncher(),
    runsDir: o.runsDir,
    ...(o.maxParallel ? { cpuSlots: o.maxParallel, maxWorkers: o.maxParallel } : {}),
    onlyOwnRuns: !o.all,
  })
  try {
    service.start()
  } catch (err) {
    if (err instanceof ServiceLockError) throw new CliError(err.message, 1)
    throw err
  }
  let targets: string[]
  try {
    targets = o.setup(service)
  } catch (err) {
    await service.shutdown({ stopWorkers: true, requeue: false })
    throw err
  }
  const touched = new Set(targets)
  const single = !o.all && targets.length === 1 ? o.store.getRun(targets[0]!) : undefined
  const view = o.json
    ? null
    : single
      ? new ProgressView(process.stderr, Number(single.config.epochs))
      : new MultiProgressView(process.stderr)
  if (view instanceof ProgressView) view.line(`run ${single!.id}\n  dir ${single!.runDir}`)
  service.on('event', (id, e) => {
    if (view instanceof ProgressView) view.event(e)
    else view?.event(id, e)
  })
  service.on('run-updated', (r: RunRow) => {
    if (o.all) touched.add(r.id)
    if (view instanceof MultiProgressView && touched.has(r.id)) {
      view.epochs.set(r.id, r.epochsTotal ?? Number(r.config.epochs))
      view.run(r)
    }
  })
  service.on('warning', (err) => process.stderr.write(`hdarts: warning: ${err.message}\n`))

  let interrupted = false
  let signals = 0
  let onSignal: (sig: NodeJS.Signals) => void = () => {}
  const done = new Promise<void>((resolve) => {
    service.once('idle', () => resolve())
    onSignal = (sig) => {
      signals += 1
      interrupted = true
      if (signals === 1) {
        view?.line(`${sig}: saving checkpoints, then stopping (again to kill)`)
        void service.shutdown({ stopWorkers: true, requeue: false }).then(resolve)
      } else service.killWorkers()
    }
  })
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  await done
  await service.shutdown({ stopWorkers: true, requeue: false })
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  if (view instanceof MultiProgressView) view.close()

  const runs = [...touched].map((id) => o.store.getRun(id)).filter((r): r is RunRow => r !== undefined)
  if (o.json) process.stdout.write(JSON.stringify({ runs: runs.map(runJson) }, null, 2) + '\n')
  else report(runs, view, o.store)
  if (runs.every((r) => r.status === 'finished')) return 0
  if (interrupted) return 75
  if (single && runs[0]?.status === 'failed' && runs[0].statusReason === 'bad-input') {
    process.stderr.write(`hdarts: ${runs[0].error ?? 'bad input'}\n`)
    return 2
  }
  return 1
}

function report(runs: readonly RunRow[], view: ProgressView | MultiProgressView | null, store: Store): void {
  const say = (s: string) => (view ? view.line(s) : process.stderr.write(s + '\n'))
  if (runs.length === 1) {
    const r = runs[0]!
    if (r.status === 'finished') {
      // An evaluation has no val acc: its headline is the last epoch's test accuracy.
      const testAcc = r.kind === 'eval' ? (store.latestMetrics([r.id])[r.id]?.testAcc ?? null) : null
      const acc = r.kind === 'eval' ? ['test acc', testAcc] : ['best val acc', r.bestValAcc]
      say(
        `finished: ${acc[0]} ${acc[1] === null ? '-' : `${(100 * Number(acc[1])).toFixed(2)}%`}\n  genotype = ${r.finalGenotype}`,
      )
    } else if (r.status === 'paused') say(`paused; continue with: hdarts runs resume ${r.id}`)
    else if (r.status !== 'failed' || r.statusReason !== 'bad-input')
      say(
        `${r.status}${r.statusReason ? ` (${r.statusReason})` : ''}${r.error ? `: ${r.error}` : ''}; see ${join(r.runDir, WORKER_LOG)}`,
      )
    return
  }
  process.stderr.write(runsTable(runs))
  const paused = runs.filter((r) => r.status === 'paused' || r.status === 'queued')
  if (paused.length) say(`${paused.length} run(s) paused; continue with: hdarts runs resume --all`)
}
