/**
 * The Store: one connection, prepared statements, DTOs out. Main is its only writer (DESIGN.md §2);
 * every write is one transaction, so readers (the CLI, `hdarts serve`) see whole batches.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Database, Statement } from 'better-sqlite3'
import type { RunEvent } from '../../core/events'
import { EVENTS_FILE, RUN_FILE } from '../../core/run/runFile'
import { decodeMatrix, decodeNumber, flattenParams } from './codec'
import { openDatabase } from './db'
import { StoreError } from './errors'
import { readEventsFrom, type ReadPosition } from './eventsFile'
import { Ingester } from './ingest'
import {
  byRun,
  numberOf,
  pairs,
  RUN_COLUMNS,
  stats,
  toExperiment,
  toRunRow,
  type ExperimentDbRow,
  type KeyValue,
  type NumberRow,
  type RunDbRow,
} from './rows'
import { readRunJson, runMethod } from './runJson'
import { escapeLike, groupedFinalSql, listRunsSql, SQL } from './sql'
import {
  RUN_STATUSES,
  type AlphaSnapshot,
  type Artifact,
  type Cell,
  type CheckpointRow,
  type CompareRow,
  type Experiment,
  type GenotypeRow,
  type GroupRow,
  type IngestDirResult,
  type IngestResult,
  type MethodMatrix,
  type MetricPoint,
  type NewRun,
  type RunFilter,
  type RunPatch,
  type RunRow,
  type RunStatus,
} from './types'

const PATCH_COLUMNS: Record<keyof RunPatch, string> = {
  status: 'status',
  statusReason: 'status_reason',
  error: 'error',
  pid: 'pid',
  device: 'device',
  backend: 'backend',
  attempts: 'attempts',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  priority: 'priority',
}

type MatrixDbRow = { runId: string; epoch: number; shape_json: string; matrix: Buffer }

export class Store {
  private readonly ingester: Ingester
  private readonly s: Record<string, Statement>
  private readonly statements = new Map<string, Statement>()

  private constructor(
    private readonly db: Database,
    readonly file: string,
  ) {
    this.ingester = new Ingester(db)
    const prepared = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)]))
    // The two hottest reads return arrays, not objects: half the time for thousands of rows.
    prepared.metricSeries!.raw(true)
    prepared.latestMetrics!.raw(true)
    this.s = {
      ...prepared,
      insertExperiment: db.prepare('INSERT INTO experiments (name, created_at, grid_json) VALUES (?, ?, ?)'),
      getExperiment: db.prepare('SELECT id, name, created_at, grid_json FROM experiments WHERE id = ?'),
      listExperiments: db.prepare('SELECT id, name, created_at, grid_json FROM experiments ORDER BY id'),
      insertRun: db.prepare(
        `INSERT INTO runs (id, experiment_id, run_dir, kind, preset, method, dataset, seed, config_json, status, priority, created_at)
         VALUES (@id, @experimentId, @runDir, @kind, @preset, @method, @dataset, @seed, @config, @status, @priority, @createdAt)`,
      ),
      insertParam: db.prepare('INSERT OR REPLACE INTO params (run_num, key, value) VALUES (?, ?, ?)'),
      num: db.prepare('SELECT num FROM runs WHERE id = ?').pluck(),
      getRun: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
      runsInRange: db.prepare(`SELECT id FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 11`),
      runsBySuffix: db.prepare(`SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 11`),
      readPos: db.prepare(
        'SELECT run_dir, events_offset AS offset, events_line AS line, events_tail AS tail FROM runs WHERE id = ?',
      ),
      savePos: db.prepare('UPDATE runs SET run_dir = ?, events_offset = ?, events_line = ?, events_tail = ? WHERE id = ?'),
      params: db.prepare('SELECT key, value FROM params WHERE run_num = ? ORDER BY key'),
      setTag: db.prepare('INSERT OR REPLACE INTO tags (run_num, key, value) VALUES (?, ?, ?)'),
      deleteTag: db.prepare('DELETE FROM tags WHERE run_num = ? AND key = ?'),
      tags: db.prepare('SELECT key, value FROM tags WHERE run_num = ? ORDER BY key'),
      setNote: db.prepare('INSERT OR REPLACE INTO notes (run_num, text, updated_at) VALUES (?, ?, ?)'),
      deleteNote: db.prepare('DELETE FROM notes WHERE run_num = ?'),
      note: db.prepare('SELECT text FROM notes WHERE run_num = ?'),
      addArtifact: db.prepare('INSERT OR REPLACE INTO artifacts (run_num, path, kind, bytes, created_at) VALUES (?, ?, ?, ?, ?)'),
      artifacts: db.prepare('SELECT path, kind, bytes, created_at AS createdAt FROM artifacts WHERE run_num = ? ORDER BY path'),
      deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),
    }
  }

  static open(file: string): Store {
    return new Store(openDatabase(file), file)
  }

  // ── experiments ──────────────────────────────────────────────────────────

  createExperiment(e: { name: string; grid?: unknown }): number {
    const grid = e.grid === undefined ? null : JSON.stringify(e.grid)
    return Number(this.s.insertExperiment!.run(e.name, Date.now(), grid).lastInsertRowid)
  }

  getExperiment(id: number): Experiment | undefined {
    const r = this.s.getExperiment!.get(id) as ExperimentDbRow | undefined
    return r && toExperiment(r)
  }

  listExperiments(): Experiment[] {
    return (this.s.listExperiments!.all() as ExperimentDbRow[]).map(toExperiment)
  }

  // ── runs ─────────────────────────────────────────────────────────────────

  /** Registers a run and its flattened config as params. Throws StoreError if the id exists. */
  insertRun(r: NewRun): void {
    this.db.transaction(() => this.insertRunTx(r)).immediate()
  }

  private insertRunTx(r: NewRun): void {
    if (this.s.getRun!.get(r.id)) throw new StoreError(`run ${r.id} already exists`)
    if (r.experimentId !== null && !this.getExperiment(r.experimentId))
      throw new StoreError(`unknown experiment ${r.experimentId}`)
    const status = r.status ?? 'queued'
    assertStatus(status)
    const { lastInsertRowid } = this.s.insertRun!.run({
      ...r,
      config: JSON.stringify(r.config),
      status,
      priority: r.priority ?? 0,
      createdAt: r.createdAt ?? Date.now(),
    })
    for (const [k, v] of Object.entries(flattenParams(r.config))) this.s.insertParam!.run(lastInsertRowid, k, v)
  }

  getRun(id: string): RunRow | undefined {
    const r = this.s.getRun!.get(id) as RunDbRow | undefined
    return r && toRunRow(r)
  }

  /** The run whose id is `idOrPrefix`, else the one run it is a prefix (or, failing that, a suffix) of. */
  findRun(idOrPrefix: string): RunRow {
    const exact = this.getRun(idOrPrefix)
    if (exact) return exact
    if (!idOrPrefix) throw new StoreError('no run id given')
    let ids = (this.s.runsInRange!.all(idOrPrefix, idOrPrefix + '\u{10FFFF}') as { id: string }[]).map((r) => r.id)
    if (!ids.length) ids = (this.s.runsBySuffix!.all('%' + escapeLike(idOrPrefix)) as { id: string }[]).map((r) => r.id)
    if (!ids.length) throw new StoreError(`no run matches "${idOrPrefix}"`)
    if (ids.length > 1)
      throw new StoreError(
        `"${idOrPrefix}" matches ${ids.length > 10 ? 'more than 10' : ids.length} runs: ${ids.slice(0, 3).join(', ')}, …`,
      )
    return this.getRun(ids[0]!)!
  }

  /** Newest first. */
  listRuns(filter: RunFilter = {}): RunRow[] {
    filter.status?.forEach(assertStatus)
    const sql = listRunsSql({ status: !!filter.status, experiment: filter.experimentId !== undefined, query: !!filter.query })
    const args = {
      ...(filter.status ? { statuses: JSON.stringify(filter.status) } : {}),
      ...(filter.experimentId !== undefined ? { experimentId: filter.experimentId } : {}),
      ...(filter.query ? { q: `%${escapeLike(filter.query)}%` } : {}),
    }
    return (this.prepared(sql).all(args) as RunDbRow[]).map(toRunRow)
  }

  updateRun(id: string, patch: RunPatch): void {
    const keys = (Object.keys(patch) as (keyof RunPatch)[]).filter((k) => patch[k] !== undefined)
    for (const k of keys) if (!(k in PATCH_COLUMNS)) throw new StoreError(`updateRun: unknown field ${k}`)
    if (patch.status !== undefined) assertStatus(patch.status)
    if (!keys.length) return
    const sql = `UPDATE runs SET ${keys.map((k) => `${PATCH_COLUMNS[k]} = @${k}`).join(', ')} WHERE id = @id`
    const changes = this.prepared(sql).run({ ...Object.fromEntries(keys.map((k) => [k, patch[k]])), id }).changes
    if (!changes) throw new StoreError(`unknown run ${id}`)
  }

  /** Queued runs in dispatch order: priority high to low, then oldest first. */
  nextQueued(limit: number): RunRow[] {
    return (this.s.nextQueued!.all({ limit }) as RunDbRow[]).map(toRunRow)
  }

  /** Rows only: the run directory is the caller's (RunService) to delete. */
  deleteRun(id: string): void {
    if (!this.s.deleteRun!.run(id).changes) throw new StoreError(`unknown run ${id}`)
  }

  // ── ingest ───────────────────────────────────────────────────────────────

  /** Applies events streamed from a worker; see docs/storage.md for the semantics. One transaction. */
  ingestEvents(runId: string, events: readonly RunEvent[]): IngestResult {
    const { added, skipped, deferred } = this.db.transaction(() => this.ingester.apply(runId, events)).immediate()
    return { added, skipped, deferred }
  }

  /**
   * Indexes a run directory (this machine's or one copied from a cluster): registers the run from
   * run.json if it is new, then applies the events not yet seen, reading events.jsonl from where the
   * last call stopped.
   */
  ingestRunDir(dir: string, opts: { experimentId?: number | null } = {}): IngestDirResult {
    const run = readRunJson(join(dir, RUN_FILE))
    const runDir = resolve(dir)
    const eventsFile = join(dir, EVENTS_FILE)
    return this.db
      .transaction((): IngestDirResult => {
        if (!this.s.getRun!.get(run.id)) {
          const { dataset, seed } = run.config
          const method = runMethod(run)
          const createdAt = Date.parse(run.createdAt)
          this.insertRunTx({
            id: run.id,
            experimentId: opts.experimentId ?? null,
            runDir,
            kind: run.kind,
            preset: run.preset,
            ...{ method, dataset, seed },
            config: run.config,
            createdAt: Number.isFinite(createdAt) ? createdAt : Date.now(),
          })
        }
        const pos = this.s.readPos!.get(run.id) as { run_dir: string; offset: number; line: number; tail: string | null }
        const save = (p: ReadPosition): void => {
          if (p.offset !== pos.offset || p.line !== pos.line || p.tail !== pos.tail || runDir !== pos.run_dir)
            this.s.savePos!.run(runDir, p.offset, p.line, p.tail, run.id)
        }
        if (!existsSync(eventsFile)) {
          save(pos)
          return { runId: run.id, added: 0, skipped: 0, deferred: 0, truncatedLine: false, damage: null }
        }
        const read = readEventsFrom(eventsFile, pos)
        const lastInFile = read.events.at(-1)?.seq ?? 0
        // The directory is the source of truth: a log cut back (a resume that has not logged yet) cuts the index back.
        if (read.fromStart) this.ingester.truncateTo(run.id, lastInFile)
        const res = this.ingester.apply(run.id, read.events)
        if (res.firstDeferred) {
          const line = read.lineOf[read.events.indexOf(res.firstDeferred)]
          throw new StoreError(`${eventsFile}:${line}: event seq ${res.firstDeferred.seq} does not follow the events before it`)
        }
        save(read)
        return {
          runId: run.id,
          added: res.added,
          skipped: res.skipped,
          deferred: 0,
          truncatedLine: read.damage !== null,
          damage: read.damageNote,
        }
      })
      .immediate()
  }

  // ── dashboard queries ────────────────────────────────────────────────────

  /** Every metric key any of the runs has. */
  metricKeys(runIds: readonly string[]): string[] {
    return (this.s.metricKeys!.all({ ids: JSON.stringify(runIds) }) as { key: string }[]).map((r) => r.key)
  }

  /** One metric's points for several runs, grouped by run in `runIds` order, by step within a run. */
  metricSeries(runIds: readonly string[], key: string): MetricPoint[] {
    const rows = this.s.metricSeries!.all({ ids: JSON.stringify(runIds), key }) as [string, number, number, number, number][]
    return rows.map(([runId, step, value, isNan, isInf]) => ({ runId, step, value: decodeNumber(value, isNan, isInf) }))
  }

  /** The value at the highest step of every metric, per run. Runs without metrics are absent. */
  latestMetrics(runIds: readonly string[]): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {}
    const rows = this.s.latestMetrics!.all({ ids: JSON.stringify(runIds) }) as [string, string, number, number, number][]
    for (const [runId, key, value, isNan, isInf] of rows) (out[runId] ??= {})[key] = decodeNumber(value, isNan, isInf)
    return out
  }

  params(runId: string): Record<string, string> {
    return pairs(this.s.params!.all(this.s.num!.get(runId) ?? 0) as KeyValue[])
  }

  /** Runs side by side (in `runIds` order; unknown ids are left out) with params, latest metrics and tags. */
  compareTable(runIds: readonly string[]): CompareRow[] {
    const ids = { ids: JSON.stringify(runIds) }
    const runs = (this.s.runsByIds!.all(ids) as RunDbRow[]).map(toRunRow)
    const latest = this.latestMetrics(runIds)
    const params = byRun(this.s.paramsByIds!.all(ids) as (KeyValue & { runId: string })[])
    const tags = byRun(this.s.tagsByIds!.all(ids) as (KeyValue & { runId: string })[])
    return runs.map((run) => ({ run, params: params[run.id] ?? {}, latest: latest[run.id] ?? {}, tags: tags[run.id] ?? {} }))
  }

  /**
   * Runs grouped by one param's value, with count, mean, sample std, min and max of a final metric
   * (default 'valAcc' at its latest step) over finished runs. NaN/Inf values count in `count` only.
   */
  groupedFinal(
    groupByParamKey: string,
    opts: { metric?: string; experimentId?: number; runIds?: readonly string[]; status?: readonly RunStatus[] } = {},
  ): GroupRow[] {
    const sql = groupedFinalSql({ experiment: opts.experimentId !== undefined, runIds: opts.runIds !== undefined })
    const rows = this.prepared(sql).all({
      param: groupByParamKey,
      metric: opts.metric ?? 'valAcc',
      statuses: JSON.stringify(opts.status ?? ['finished']),
      ...(opts.experimentId !== undefined ? { experimentId: opts.experimentId } : {}),
      ...(opts.runIds !== undefined ? { ids: JSON.stringify(opts.runIds) } : {}),
    }) as ({ id: string; grp: string | null } & (NumberRow | { value: null; is_nan: null; is_inf: null }))[]
    const groups = new Map<string | null, { runIds: string[]; values: number[] }>()
    for (const r of rows) {
      const g = groups.get(r.grp) ?? { runIds: [], values: [] }
      groups.set(r.grp, g)
      g.runIds.push(r.id)
      if (r.value !== null) {
        const v = numberOf(r as NumberRow)
        if (Number.isFinite(v)) g.values.push(v)
      }
    }
    return [...groups].map(([value, g]) => ({ value, ...stats(g.values), runIds: g.runIds, count: g.runIds.length }))
  }

  alphaSnapshots(runId: string, epoch?: number): AlphaSnapshot[] {
    const rows = (
      epoch === undefined ? this.s.alphaSnapshots!.all({ runId }) : this.s.alphaSnapshotsAt!.all({ runId, epoch })
    ) as (MatrixDbRow & { cell: Cell; ops_json: string })[]
    return rows.map((r) => ({
      runId: r.runId,
      epoch: r.epoch,
      cell: r.cell,
      ops: JSON.parse(r.ops_json) as string[],
      matrix: decodeMatrix(r.shape_json, r.matrix),
    }))
  }

  methodMatrices(runId: string, name?: string): MethodMatrix[] {
    const rows = (
      name === undefined ? this.s.methodMatrices!.all({ runId }) : this.s.methodMatricesNamed!.all({ runId, name })
    ) as (MatrixDbRow & { name: string })[]
    return rows.map((r) => ({ runId: r.runId, epoch: r.epoch, name: r.name, matrix: decodeMatrix(r.shape_json, r.matrix) }))
  }

  genotypes(runId: string): GenotypeRow[] {
    return this.s.genotypes!.all({ runId }) as GenotypeRow[]
  }

  checkpoints(runId: string): CheckpointRow[] {
    return this.s.checkpoints!.all({ runId }) as CheckpointRow[]
  }

  // ── artifacts, tags, notes ───────────────────────────────────────────────

  addArtifact(a: Omit<Artifact, 'createdAt'> & { createdAt?: number }): void {
    this.s.addArtifact!.run(this.num(a.runId), a.path, a.kind, a.bytes, a.createdAt ?? Date.now())
  }

  artifacts(runId: string): Artifact[] {
    return (this.s.artifacts!.all(this.s.num!.get(runId) ?? 0) as Omit<Artifact, 'runId'>[]).map((a) => ({ runId, ...a }))
  }

  setTag(runId: string, key: string, value: string): void {
    this.s.setTag!.run(this.num(runId), key, value)
  }

  deleteTag(runId: string, key: string): void {
    this.s.deleteTag!.run(this.num(runId), key)
  }

  tags(runId: string): Record<string, string> {
    return pairs(this.s.tags!.all(this.s.num!.get(runId) ?? 0) as KeyValue[])
  }

  /** One free-text note per run; null removes it. */
  setNote(runId: string, text: string | null): void {
    const num = this.num(runId)
    if (text === null) this.s.deleteNote!.run(num)
    else this.s.setNote!.run(num, text, Date.now())
  }

  /** Tags of many runs in one query (the run list): runId → key → value; runs without tags are absent. */
  tagsOf(runIds: readonly string[]): Record<string, Record<string, string>> {
    return byRun(this.s.tagsByIds!.all({ ids: JSON.stringify(runIds) }) as (KeyValue & { runId: string })[])
  }

  /** Notes of many runs in one query: runId → text; runs without a note are absent. */
  notesOf(runIds: readonly string[]): Record<string, string> {
    const rows = this.s.notesByIds!.all({ ids: JSON.stringify(runIds) }) as { runId: string; text: string }[]
    return Object.fromEntries(rows.map((r) => [r.runId, r.text]))
  }

  /** Number of runs of every experiment that has any: experiment id → runs. */
  experimentRunCounts(): Map<number, number> {
    const rows = this.s.experimentRunCounts!.all() as { id: number; runs: number }[]
    return new Map(rows.map((r) => [r.id, r.runs]))
  }

  note(runId: string): string | null {
    return (this.s.note!.get(this.s.num!.get(runId) ?? 0) as { text: string } | undefined)?.text ?? null
  }

  // ── maintenance ──────────────────────────────────────────────────────────

  /** 'ok', or SQLite's list of problems (integrity_check, then foreign_key_check). */
  integrityCheck(): string {
    const problems = (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check)
    const fk = this.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]
    for (const f of fk) problems.push(`foreign key: ${f.table} row ${f.rowid} → missing ${f.parent}`)
    return problems.filter((p) => p !== 'ok').join('\n') || 'ok'
  }

  close(): void {
    if (!this.db.open) return
    // SQLite's advice: let it refresh planner statistics on the way out.
    this.db.pragma('optimize')
    this.db.close()
  }

  /** The run's key for writes (getters just find nothing for an unknown id). */
  private num(runId: string): number {
    const num = this.s.num!.get(runId) as number | undefined
    if (num === undefined) throw new StoreError(`unknown run ${runId}`)
    return num
  }

  private prepared(sql: string): Statement {
    let st = this.statements.get(sql)
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)))
    return st
  }
}

function assertStatus(s: string): asserts s is RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(s)) throw new StoreError(`unknown run status "${s}"`)
}
