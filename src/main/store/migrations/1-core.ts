import type { Database } from 'better-sqlite3'
import { APPLICATION_ID } from '../errors'

/** Experiments, runs and what hangs off a run that is not a time series. */
export const version = 1
export const name = 'core'

export function up(db: Database): void {
  // STRICT everywhere: SQLite would otherwise coerce quietly (Signal's lesson: strings became numbers).
  db.exec(`
    CREATE TABLE experiments (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      grid_json TEXT
    ) STRICT;

    -- num is the key every other table uses: an integer makes their rows small and their foreign-key
    -- checks cheap (ingest ran 2-3x faster than with the text id). id is what users and files know.
    CREATE TABLE runs (
      num INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      -- Deleting an experiment keeps its runs: they are the record, the experiment is a grouping.
      experiment_id INTEGER REFERENCES experiments(id) ON DELETE SET NULL,
      run_dir TEXT NOT NULL,
      kind TEXT NOT NULL,
      preset TEXT,
      method TEXT NOT NULL,
      dataset TEXT NOT NULL,
      seed INTEGER NOT NULL,
      config_json TEXT NOT NULL,
      status TEXT NOT NULL
        CHECK (status IN ('queued', 'running', 'paused', 'interrupted', 'finished', 'failed', 'cancelled')),
      status_reason TEXT,
      error TEXT,
      priority INTEGER NOT NULL DEFAULT 0,
      backend TEXT,
      backend_version TEXT,
      device TEXT,
      pid INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      ended_at INTEGER,
      -- Summary columns derived from events, so run lists need no metrics query.
      weights INTEGER,
      steps_per_epoch INTEGER,
      epochs_total INTEGER,
      epochs_done INTEGER NOT NULL DEFAULT 0,
      best_val_acc REAL,
      last_val_acc REAL,
      final_genotype TEXT,
      eta_sec REAL,
      progress REAL,
      -- Ingest bookkeeping: the highest event seq applied, and how far events.jsonl was read (byte offset,
      -- line count, and a fingerprint of the last line read, to notice the worker rewriting the file).
      last_seq INTEGER NOT NULL DEFAULT 0,
      events_offset INTEGER NOT NULL DEFAULT 0,
      events_line INTEGER NOT NULL DEFAULT 0,
      events_tail TEXT
    ) STRICT;

    -- The flattened config ('a.b' keys, values as text) for grouping and filtering.
    CREATE TABLE params (
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (run_num, key)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE tags (
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (run_num, key)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE notes (
      run_num INTEGER PRIMARY KEY REFERENCES runs(num) ON DELETE CASCADE,
      text TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    -- Each applied 'resumed' event, so re-reading a log can tell one already applied from a new one.
    CREATE TABLE run_resumes (
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      time INTEGER NOT NULL,
      discarded_after_seq INTEGER NOT NULL,
      epoch INTEGER NOT NULL,
      step INTEGER NOT NULL,
      backend TEXT,
      PRIMARY KEY (run_num, seq)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE checkpoints (
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      epoch INTEGER NOT NULL,
      step INTEGER NOT NULL,
      file TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      reason TEXT NOT NULL,
      time INTEGER NOT NULL,
      PRIMARY KEY (run_num, seq)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE artifacts (
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      path TEXT NOT NULL,
      kind TEXT NOT NULL,
      bytes INTEGER,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (run_num, path)
    ) STRICT;
  `)
  // Marks the file as ours, so a foreign SQLite database is refused rather than migrated.
  db.pragma(`application_id = ${APPLICATION_ID}`)
}
