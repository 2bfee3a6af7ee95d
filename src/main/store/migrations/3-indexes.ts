import type { Database } from 'better-sqlite3'

/** Secondary indexes for the queue, the run list and the dashboard (tests/store/queryPlans.test.ts proves each is used). */
export const version = 3
export const name = 'indexes'

export function up(db: Database): void {
  db.exec(`
    -- By status: the queue comes out in dispatch order (nextQueued), and groupedFinal finds finished runs.
    CREATE INDEX runs_status ON runs (status, priority DESC, created_at);
    -- listRuns per experiment and overall, newest first.
    CREATE INDEX runs_experiment ON runs (experiment_id, created_at);
    CREATE INDEX runs_created ON runs (created_at);
    -- Grouping and filtering by a config value across runs.
    CREATE INDEX params_key_value ON params (key, value);
    CREATE INDEX tags_key_value ON tags (key, value);
    -- α and method-matrix lookups per run and epoch; also what makes re-ingest replace, not duplicate.
    CREATE UNIQUE INDEX alpha_snapshots_run ON alpha_snapshots (run_num, epoch, cell);
    CREATE UNIQUE INDEX matrices_run ON matrices (run_num, name, epoch);
  `)
}
