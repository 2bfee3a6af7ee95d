import type { Database } from 'better-sqlite3'

/** Per-epoch series: scalar metrics (MLflow-shaped), α snapshots, method matrices, genotypes. */
export const version = 2
export const name = 'series'

export function up(db: Database): void {
  db.exec(`
    -- One row per (run, key, step). Clustered on that key (WITHOUT ROWID), so a run's series is one
    -- contiguous range. NaN is value 0 with is_nan 1 and ±Inf is ±max double with is_inf ±1 (as MLflow),
    -- so aggregates over value stay finite and the special values round-trip exactly.
    -- seq is the event the row came from: a resume drops rows with seq > discardedAfterSeq.
    CREATE TABLE metrics (
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      key TEXT NOT NULL,
      step INTEGER NOT NULL,
      value REAL NOT NULL,
      is_nan INTEGER NOT NULL DEFAULT 0,
      is_inf INTEGER NOT NULL DEFAULT 0,
      time INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (run_num, key, step)
    ) STRICT, WITHOUT ROWID;

    -- The row of the highest step per (run, key), kept in the same transaction as metrics: the
    -- comparison views read this instead of aggregating metrics.
    CREATE TABLE latest_metrics (
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      key TEXT NOT NULL,
      step INTEGER NOT NULL,
      value REAL NOT NULL,
      is_nan INTEGER NOT NULL DEFAULT 0,
      is_inf INTEGER NOT NULL DEFAULT 0,
      time INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (run_num, key)
    ) STRICT, WITHOUT ROWID;

    -- Matrices are little-endian float32 blobs when every value is a float32 (what TF.js produces), else
    -- float64: exact either way, NaN/Inf included (codec.ts). shape_json holds the row lengths.
    -- Ordinary rowid tables: the rows are too wide to cluster well.
    CREATE TABLE alpha_snapshots (
      id INTEGER PRIMARY KEY,
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      epoch INTEGER NOT NULL,
      cell TEXT NOT NULL CHECK (cell IN ('normal', 'reduce')),
      ops_json TEXT NOT NULL,
      shape_json TEXT NOT NULL,
      matrix BLOB NOT NULL,
      seq INTEGER NOT NULL,
      time INTEGER NOT NULL
    ) STRICT;

    -- Method matrices (gate probabilities, edge weights, motif α); their scalars are metrics 'm.<name>'.
    CREATE TABLE matrices (
      id INTEGER PRIMARY KEY,
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      name TEXT NOT NULL,
      epoch INTEGER NOT NULL,
      shape_json TEXT NOT NULL,
      matrix BLOB NOT NULL,
      seq INTEGER NOT NULL,
      time INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE genotypes (
      run_num INTEGER NOT NULL REFERENCES runs(num) ON DELETE CASCADE,
      epoch INTEGER NOT NULL,
      text TEXT NOT NULL,
      format TEXT,
      seq INTEGER NOT NULL,
      time INTEGER NOT NULL,
      PRIMARY KEY (run_num, epoch)
    ) STRICT, WITHOUT ROWID;
  `)
}
