/**
 * The dashboard's queries, as constants so tests/store/queryPlans.test.ts can assert each one's plan.
 * Run ids are passed as one JSON array (`json_each`), so any number of ids is one prepared statement;
 * CROSS JOIN pins the id list as the outer loop, making every lookup an index seek. Tables hang off
 * runs by the integer `run_num`; `runs.id` is resolved through its unique index.
 */
import { RUN_COLUMNS } from './rows'

/** Rows of `table` (alias `a`) for the runs in @ids, in @ids order. */
const forIds = (table: string, alias: string, on = ''): string =>
  `FROM json_each(@ids) AS j CROSS JOIN runs AS r ON r.id = j.value CROSS JOIN ${table} AS ${alias} ON ${alias}.run_num = r.num${on}`
/** Rows of `table` for the run @runId. */
const forRun = (table: string, alias: string): string =>
  `FROM runs AS r CROSS JOIN ${table} AS ${alias} ON ${alias}.run_num = r.num WHERE r.id = @runId`
const MATRIX = 'r.id AS runId, x.epoch, x.shape_json, x.matrix'

export const SQL = {
  metricSeries: `SELECT r.id AS runId, m.step, m.value, m.is_nan, m.is_inf ${forIds('metrics', 'm', ' AND m.key = @key')} ORDER BY j.key, m.step`,
  metricKeys: `SELECT DISTINCT l.key ${forIds('latest_metrics', 'l')} ORDER BY l.key`,
  latestMetrics: `SELECT r.id AS runId, l.key, l.value, l.is_nan, l.is_inf ${forIds('latest_metrics', 'l')}`,
  runsByIds: `SELECT ${RUN_COLUMNS.replace(/(^|, )/g, '$1r.')} FROM json_each(@ids) AS j CROSS JOIN runs AS r ON r.id = j.value ORDER BY j.key`,
  paramsByIds: `SELECT r.id AS runId, p.key, p.value ${forIds('params', 'p')}`,
  tagsByIds: `SELECT r.id AS runId, t.key, t.value ${forIds('tags', 't')}`,
  notesByIds: `SELECT r.id AS runId, n.text ${forIds('notes', 'n')}`,
  /** Runs per experiment (the experiment list); walks the runs_experiment index. */
  experimentRunCounts: `SELECT experiment_id AS id, count(*) AS runs FROM runs WHERE experiment_id IS NOT NULL GROUP BY experiment_id`,
  nextQueued: `SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'queued' ORDER BY priority DESC, created_at LIMIT @limit`,
  alphaSnapshots: `SELECT ${MATRIX}, x.cell, x.ops_json ${forRun('alpha_snapshots', 'x')} ORDER BY x.epoch, x.cell`,
  alphaSnapshotsAt: `SELECT ${MATRIX}, x.cell, x.ops_json ${forRun('alpha_snapshots', 'x')} AND x.epoch = @epoch ORDER BY x.cell`,
  methodMatrices: `SELECT ${MATRIX}, x.name ${forRun('matrices', 'x')} ORDER BY x.name, x.epoch`,
  methodMatricesNamed: `SELECT ${MATRIX}, x.name ${forRun('matrices', 'x')} AND x.name = @name ORDER BY x.epoch`,
  genotypes: `SELECT r.id AS runId, g.epoch, g.text, g.format ${forRun('genotypes', 'g')} ORDER BY g.epoch`,
  checkpoints: `SELECT r.id AS runId, c.epoch, c.step, c.file, c.bytes, c.reason, c.time ${forRun('checkpoints', 'c')} ORDER BY c.seq`,
} as const

/** Final metric per run with the run's value of one param; runs picked by status, and optionally experiment or ids. */
export function groupedFinalSql(by: { experiment: boolean; runIds: boolean }): string {
  const from = by.runIds ? 'json_each(@ids) AS j CROSS JOIN runs AS r ON r.id = j.value' : 'runs AS r'
  return `SELECT r.id, p.value AS grp, l.value, l.is_nan, l.is_inf FROM ${from}
    LEFT JOIN params AS p ON p.run_num = r.num AND p.key = @param
    LEFT JOIN latest_metrics AS l ON l.run_num = r.num AND l.key = @metric
    WHERE r.status IN (SELECT value FROM json_each(@statuses))${by.experiment ? ' AND r.experiment_id = @experimentId' : ''}
    ORDER BY r.created_at`
}

/** The run list, newest first, with optional filters (see RunFilter). */
export function listRunsSql(by: { status: boolean; experiment: boolean; query: boolean }): string {
  const like = (col: string): string => `${col} LIKE @q ESCAPE '\\'`
  const where = [
    by.status && 'status IN (SELECT value FROM json_each(@statuses))',
    by.experiment && 'experiment_id = @experimentId',
    by.query &&
      `(${['id', 'preset', 'method', 'dataset'].map(like).join(' OR ')}
        OR EXISTS (SELECT 1 FROM tags AS t WHERE t.run_num = runs.num AND (${like('t.key')} OR ${like('t.value')})))`,
  ].filter(Boolean)
  return `SELECT ${RUN_COLUMNS} FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, num DESC`
}

/** For LIKE patterns with ESCAPE '\'. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => '\\' + c)
