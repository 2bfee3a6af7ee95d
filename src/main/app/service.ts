/**
 * AppService: the typed API (src/shared/api.ts) over the Store and the RunService. Plain TypeScript
 * with no Electron import: the app's IPC shell and `hdarts serve` both call `handle(op, body)` and
 * `subscribe(listener)`, so the two transports cannot drift apart.
 */
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { EVAL_PRESETS } from '../../core/config/eval'
import { PRESETS, settingKeys } from '../../core/config/search'
import { SETTING_HELP } from '../../core/config/settingHelp'
import type { RunEvent } from '../../core/events'
import { EVENTS_FILE } from '../../core/run/runFile'
import {
  ApiError,
  type ApiOp,
  type ApiParsedRequest,
  type ApiResponses,
  type LiveEvent,
  type MetricPoint,
  parseRequest,
  type PresetsResponse,
  type RunSummary,
} from '../../shared/api'
import { APP_NAME, APP_VERSION } from '../../shared/app'
import { readRunEvents, resolveConfig } from '../runs/runDir'
import type { RunService } from '../runs/service'
import { importRuns } from '../slurm/importer'
import { hasSbatch, prepareSubmission } from '../slurm/submit'
import type { RunRow, Store } from '../store'
import { toApiError } from './errors'
import { estimate } from './estimate'
import { estimateEvalOp, evaluateOp, evaluationOf } from './evaluate'
import { exportBundleOp, exportGenotypeOp, exportTableOp } from './exports'
import { importLogOp } from './importLog'
import { readLibrary } from './library'
import { summariesOf, summaryOf, toSummary } from './summary'

export interface AppServiceOptions {
  readonly store: Store
  readonly service: RunService
  readonly runsDir: string
  readonly dbPath: string
  readonly mode: 'electron' | 'browser'
  /** resources/genotypes */
  readonly libraryDir: string
}

type Handlers = { [K in ApiOp]: (req: ApiParsedRequest<K>) => ApiResponses[K] | Promise<ApiResponses[K]> }

const series = (points: readonly { runId: string; step: number; value: number }[]): Map<string, MetricPoint[]> => {
  const out = new Map<string, MetricPoint[]>()
  for (const p of points) {
    let list = out.get(p.runId)
    if (!list) out.set(p.runId, (list = []))
    list.push({ step: p.step, value: p.value })
  }
  return out
}

/** The app's working directory means nothing to its user: folders must be given in full. */
const absolute = (field: string, path: string): void => {
  if (!isAbsolute(path)) throw new ApiError('bad-request', `${field}: give the full path of the folder, not '${path}'`)
}

export class AppService {
  private readonly listeners = new Set<(e: LiveEvent) => void>()
  private library: ReturnType<typeof readLibrary> | null = null
  private readonly detach: () => void

  constructor(private readonly o: AppServiceOptions) {
    const onRow = (row: RunRow) => {
      if (this.listeners.size) this.broadcast(() => ({ type: 'run-updated', run: summaryOf(this.o.store, row) }))
    }
    const onEvent = (runId: string, event: RunEvent) => {
      if (this.listeners.size) this.broadcast(() => ({ type: 'run-event', runId, event }))
    }
    o.service.on('run-updated', onRow)
    o.service.on('event', onEvent)
    this.detach = () => {
      o.service.off('run-updated', onRow)
      o.service.off('event', onEvent)
    }
  }

  /** Validates `body` for `op` and runs its handler; every failure rejects with an ApiError. */
  async handle(op: string, body: unknown): Promise<unknown> {
    try {
      const { op: k, request } = parseRequest(op, body)
      const handler = this.handlers[k] as (req: unknown) => unknown
      return await handler(request)
    } catch (err) {
      throw toApiError(err, op)
    }
  }

  /** Live events (run-updated, run-event, run-deleted) until the returned function is called. */
  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** Stops listening to the RunService (the service itself is the caller's to shut down). */
  dispose(): void {
    this.detach()
    this.listeners.clear()
  }

  private broadcast(make: () => LiveEvent): void {
    let event: LiveEvent
    try {
      event = make()
    } catch {
      return // the run vanished between the event and the read: the next update or run-deleted tells
    }
    for (const l of [...this.listeners]) {
      try {
        l(event)
      } catch {
        // one broken subscriber (a closed socket) must not starve the others
      }
    }
  }

  private run(id: string): RunRow {
    const row = this.o.store.getRun(id)
    if (!row) throw new ApiError('not-found', `no run '${id}'`)
    return row
  }

  private summary(id: string): RunSummary {
    return summaryOf(this.o.store, this.run(id))
  }

  /** Runs an action on a run, then returns (and broadcasts) its fresh summary. */
  private act(id: string, action: () => void, broadcast = false): RunSummary {
    this.run(id)
    action()
    const s = this.summary(id)
    if (broadcast) this.broadcast(() => ({ type: 'run-updated', run: s }))
    return s
  }

  private readonly handlers: Handlers = {
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      db: this.o.dbPath,
      runsDir: this.o.runsDir,
      cpuSlots: this.o.service.cpuSlots,
      gpus: [...this.o.service.gpus],
      mode: this.o.mode,
    }),
    'presets.list': (): PresetsResponse => ({
      presets: PRESETS.map((p) => ({ name: p.name, summary: p.summary, config: p.config })),
      evalPresets: EVAL_PRESETS.map((p) => ({ name: p.name, summary: p.summary, config: p.config })),
      settings: settingKeys().map((key) => ({ key, help: SETTING_HELP[key] ?? '' })),
    }),
    'runs.estimate': ({ preset, sets }) => {
      const config = resolveConfig({ preset, sets })
      return estimate(preset, config, this.o.store.listRuns())
    },
    'runs.launch': ({ grid, backend, priority }) => {
      // 'auto' leaves the preset's (and the grid's own `set`) backend alone.
      const extra = { priority, ...(backend === 'auto' ? {} : { backend }) }
      const { experimentId, runs } = this.o.service.submitGrid(grid, extra)
      return { experimentId, runIds: runs.map((r) => r.id) }
    },
    'runs.evaluate': (req) => summaryOf(this.o.store, evaluateOp(this.o.service, req)),
    'runs.estimateEval': (req) => estimateEvalOp(req, this.o.store.listRuns({ status: ['finished'] })),
    'runs.importLog': (req) => {
      const r = importLogOp(this.o.store, this.o.runsDir, req)
      const run = this.summary(r.id)
      this.broadcast(() => ({ type: 'run-updated', run }))
      return { run, runDir: r.runDir, epochs: r.epochs, alphas: r.alphas, truncated: r.truncated }
    },
    'runs.list': ({ query, status, experimentId }) =>
      summariesOf(
        this.o.store,
        this.o.store.listRuns({
          ...(query?.trim() ? { query: query.trim() } : {}),
          ...(status ? { status } : {}),
          ...(experimentId !== undefined ? { experimentId } : {}),
        }),
      ),
    'runs.get': ({ id }) => {
      const store = this.o.store
      const row = this.run(id)
      const metrics: Record<string, MetricPoint[]> = {}
      for (const key of store.metricKeys([id]))
        metrics[key] = store.metricSeries([id], key).map((p) => ({ step: p.step, value: p.value }))
      return {
        run: summaryOf(store, row),
        runDir: row.runDir,
        config: row.config,
        params: store.params(id),
        metrics,
        alphas: store.alphaSnapshots(id).map((a) => ({ epoch: a.epoch, cell: a.cell, ops: a.ops, matrix: a.matrix })),
        genotypes: store.genotypes(id).map((g) => ({ epoch: g.epoch, text: g.text, format: g.format })),
        methodMatrices: store.methodMatrices(id).map((m) => ({ epoch: m.epoch, name: m.name, matrix: m.matrix })),
        checkpoints: store.checkpoints(id).map(({ epoch, step, file, bytes, reason, time }) => ({
          ...{ epoch, step, file, bytes, reason, time },
        })),
        weights: row.weights,
        backendVersion: row.backendVersion,
        evaluation: evaluationOf(row),
      }
    },
    'runs.events': ({ id, afterSeq, limit }) => {
      const row = this.run(id)
      // The run directory is the source of truth; a torn last line (a write in flight) is left out.
      const events = readRunEvents(join(row.runDir, EVENTS_FILE))
        .filter((e) => e.seq > afterSeq)
        .slice(0, limit)
      return { events, lastSeq: events.at(-1)?.seq ?? afterSeq }
    },
    'runs.pause': ({ id }) => this.act(id, () => this.o.service.pause(id)),
    'runs.resume': ({ id }) => this.act(id, () => this.o.service.resume(id)),
    'runs.cancel': ({ id }) => this.act(id, () => this.o.service.cancel(id)),
    'runs.retry': ({ id }) => this.act(id, () => this.o.service.retry(id)),
    'runs.duplicate': ({ id, sets }) => {
      this.run(id)
      return summaryOf(this.o.store, this.o.service.duplicate(id, sets))
    },
    'runs.delete': ({ id, deleteFiles }) => {
      const row = this.run(id)
      this.o.service.delete(id, { deleteFiles })
      this.broadcast(() => ({ type: 'run-deleted', id }))
      return { id, filesDeleted: deleteFiles && !existsSync(row.runDir) }
    },
    'runs.tag': ({ id, key, value }) =>
      this.act(id, () => (value === null ? this.o.store.deleteTag(id, key) : this.o.store.setTag(id, key, value)), true),
    'runs.note': ({ id, text }) => this.act(id, () => this.o.store.setNote(id, text?.trim() ? text : null), true),
    'runs.compare': ({ ids, keys }) => {
      const store = this.o.store
      const table = store.compareTable(ids)
      const found = table.map((t) => t.run.id)
      const notes = store.notesOf(found)
      const perKey = new Map(keys.map((k) => [k, series(store.metricSeries(found, k))]))
      return {
        runs: table.map(({ run, params, latest, tags }) => ({
          run: toSummary(run, tags, notes[run.id] ?? null, latest),
          params,
          latest,
          series: Object.fromEntries(keys.map((k) => [k, perKey.get(k)!.get(run.id) ?? []])),
          seconds: run.startedAt !== null && run.endedAt !== null ? (run.endedAt - run.startedAt) / 1000 : null,
        })),
      }
    },
    'experiments.list': () => {
      const counts = this.o.store.experimentRunCounts()
      return this.o.store
        .listExperiments()
        .map((e) => ({ id: e.id, name: e.name, createdAt: e.createdAt, runs: counts.get(e.id) ?? 0 }))
    },
    'genotypes.library': () => (this.library ??= readLibrary(this.o.libraryDir)),
    'slurm.submit': ({ grid, runsDir, options, dryRun }) => {
      absolute('runsDir', runsDir)
      const sbatchFound = hasSbatch()
      const r = prepareSubmission({ grid, runsDir, options, dryRun: dryRun || !sbatchFound })
      return { gridDir: r.gridDir, script: r.script, tasks: r.manifest.rows.length, jobId: r.jobId, sbatchFound }
    },
    'slurm.import': ({ dir }) => {
      absolute('dir', dir)
      const { runIds, ...summary } = importRuns(this.o.store, dir)
      for (const id of runIds) this.broadcast(() => ({ type: 'run-updated', run: this.summary(id) }))
      return summary
    },
    'export.genotype': (req) => exportGenotypeOp(req),
    'export.table': (req) => exportTableOp(this.o.store, req),
    'export.bundle': (req) => exportBundleOp(this.o.store, req),
  }
}
