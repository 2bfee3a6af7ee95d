/**
 * The dashboard's queries, as constants so tests/store/queryPlans.test.ts can assert each one's plan.
 * Run ids are passed as one JSON array (`json_each`), so any number of ids is one prepared statement;
 * CROSS JOIN pins the id list as the outer loop, making every lookup an index seek.
 */
import { RUN_COLUMNS } from './rows'

const ids = (table: string, alias: string, on: string): string => `FROM json_each(@ids) AS j CROSS JOIN ${table} AS ${alias} ON ${on}`

export const SQL = {
  metricSeries: `SELECT m.run_id AS runId, m.step, m.value, m.is_nan, m.is_inf ${ids('metrics', 'm', 'm.run_id = j.value AND m.key = @key')} ORDER BY j.key, m.step`,
  metricKeys: `SELECT DISTINCT l.key ${ids('latest_metrics', 'l', 'l.run_id = j.value')} ORDER BY l.key`,
  latestMetrics: `SELECT l.run_id AS runId, l.key, l.value, l.is_nan, l.is_inf ${ids('latest_metrics', 'l', 'l.run_id = j.value')}`,
  runsByIds: `SELECT ${RUN_COLUMNS.replace(/(^|, )/g, '$1r.')} ${ids('runs', 'r', 'r.id = j.value')} ORDER BY j.key`,
  paramsByIds: `SELECT p.run_id AS runId, p.key, p.value ${ids('params', 'p', 'p.run_id = j.value')}`,
  tagsByIds: `SELECT t.run_id AS runId, t.key, t.value ${ids('tags', 't', 't.run_id = j.value')}`,
  nextQueued: `SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'queued' ORDER BY priority DESC, created_at LIMIT @limit`,
  alphaSnapshots: `SELECT run_id AS runId, epoch, cell, ops_json, shape_json, matrix FROM alpha_snapshots WHERE run_id = @runId ORDER BY epoch, cell`,
  alphaSnapshotsAt: `SELECT run_id AS runId, epoch, cell, ops_json, shape_json, matrix FROM alpha_snapshots WHERE run_id = @runId AND epoch = @epoch ORDER BY cell`,
  methodMatrices: `SELECT run_id AS runId, name, epoch, shape_json, matrix FROM matrices WHERE run_id = @runId ORDER BY name, epoch`,
  methodMatricesNamed: `SELECT run_id AS runId, name, epoch, shape_json, matrix FROM matrices WHERE run_id = @runId AND name = @name ORDER BY epoch`,
  genotypes: `SELECT run_id AS runId, epoch, text, format FROM genotypes WHERE run_id = @runId ORDER BY epoch`,
  checkpoints: `SELECT run_id AS runId, epoch, step, file, bytes, reason, time FROM checkpoints WHERE run_id = @runId ORDER BY seq`,
} as const

/** Final metric per run with the run's value of one param; runs picked by status, and optionally experiment or ids. */
export function groupedFinalSql(by: { experiment: boolean; runIds: boolean }): string {
  const from = by.runIds ? 'json_each(@ids) AS j CROSS JOIN runs AS r ON r.id = j.value' : 'runs AS r'
  return `SELECT r.id, p.value AS grp, l.value, l.is_nan, l.is_inf FROM ${from}
    LEFT JOIN params AS p ON p.run_id = r.id AND p.key = @param
    LEFT JOIN latest_metrics AS l ON l.run_id = r.id AND l.key = @metric
    WHERE r.status IN (SELECT value FROM json_each(@statuses))${by.experiment ? ' AND r.experiment_id = @experimentId' : ''}
    ORDER BY r.created_at`
}
