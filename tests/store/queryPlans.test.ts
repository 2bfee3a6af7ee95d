/**
 * Each dashboard query must seek through its index (Signal's migration tests assert the same with
 * EXPLAIN QUERY PLAN): a full SCAN of metrics would make the comparison views grow with history.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../src/main/store'
import { groupedFinalSql, listRunsSql, SQL } from '../../src/main/store/sql'
import { EventWriter, newRun, tmpDir } from './helpers'

const ARGS: Record<string, unknown> = {
  ids: '["r0","r1"]',
  key: 'valAcc',
  limit: 5,
  runId: 'r0',
  epoch: 1,
  name: 'gatesNormal',
  param: 'method',
  metric: 'valAcc',
  statuses: '["finished"]',
  experimentId: 1,
  q: '%dar%',
}

const QUERIES: [string, string, RegExp][] = [
  ['metricSeries', SQL.metricSeries, /SEARCH m USING PRIMARY KEY \(run_num=\? AND key=\?\)/],
  ['metricKeys', SQL.metricKeys, /SEARCH l USING PRIMARY KEY \(run_num=\?\)/],
  ['latestMetrics', SQL.latestMetrics, /SEARCH l USING PRIMARY KEY \(run_num=\?\)/],
  ['runsByIds', SQL.runsByIds, /SEARCH r USING (COVERING )?INDEX sqlite_autoindex_runs_1 \(id=\?\)/],
  ['paramsByIds', SQL.paramsByIds, /SEARCH p USING PRIMARY KEY \(run_num=\?\)/],
  ['tagsByIds', SQL.tagsByIds, /SEARCH t USING PRIMARY KEY \(run_num=\?\)/],
  ['nextQueued', SQL.nextQueued, /SEARCH runs USING INDEX runs_status \(status=\?\)$/],
  ['alphaSnapshots', SQL.alphaSnapshots, /USING INDEX alpha_snapshots_run \(run_num=\?\)/],
  ['alphaSnapshotsAt', SQL.alphaSnapshotsAt, /USING INDEX alpha_snapshots_run \(run_num=\? AND epoch=\?\)/],
  ['methodMatrices', SQL.methodMatrices, /USING INDEX matrices_run \(run_num=\?\)/],
  ['methodMatricesNamed', SQL.methodMatricesNamed, /USING INDEX matrices_run \(run_num=\? AND name=\?\)/],
  ['genotypes', SQL.genotypes, /SEARCH g USING PRIMARY KEY \(run_num=\?\)/],
  ['checkpoints', SQL.checkpoints, /SEARCH c USING PRIMARY KEY \(run_num=\?\)/],
  // Runs by status: with statistics saying most runs are finished, walking runs_created (no sort) is the
  // planner's better choice; either way an index, and metrics are never touched.
  [
    'groupedFinal',
    groupedFinalSql({ experiment: false, runIds: false }),
    /(SEARCH r USING INDEX runs_status|SCAN r USING INDEX runs_created)/,
  ],
  [
    'groupedFinal by experiment',
    groupedFinalSql({ experiment: true, runIds: false }),
    /SEARCH r USING INDEX runs_(experiment|status)/,
  ],
  [
    'groupedFinal of runs',
    groupedFinalSql({ experiment: false, runIds: true }),
    /SEARCH r USING (COVERING )?INDEX sqlite_autoindex_runs_1/,
  ],
  ['listRuns', listRunsSql({ status: false, experiment: false, query: false }), /SCAN runs USING INDEX runs_created/],
  [
    'listRuns by status',
    listRunsSql({ status: true, experiment: false, query: false }),
    /(SEARCH runs USING INDEX runs_status|SCAN runs USING INDEX runs_created)/,
  ],
  [
    'listRuns by experiment',
    listRunsSql({ experiment: true, status: false, query: false }),
    /SEARCH runs USING INDEX runs_experiment/,
  ],
]

function plan(db: Database.Database, sql: string): string[] {
  const used = Object.fromEntries(Object.entries(ARGS).filter(([k]) => new RegExp(`@${k}\\b`).test(sql)))
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(used) as { detail: string }[]).map((r) => r.detail)
}

/** A full table scan: SCAN without an index (json_each's virtual table is the id list, fine). */
const fullScan = (line: string): boolean => /^SCAN /.test(line) && !/VIRTUAL TABLE|USING (COVERING )?INDEX/.test(line)

for (const analyzed of [false, true])
  describe(`query plans (${analyzed ? 'after ANALYZE' : 'fresh database'})`, () => {
    let db: Database.Database
    beforeAll(() => {
      const file = join(tmpDir(), 'plans.db')
      const store = openStore(file)
      if (analyzed) {
        for (let r = 0; r < 30; r++) {
          store.insertRun(newRun(`r${r}`, { status: r % 3 ? 'finished' : 'queued', priority: r % 4 }))
          const w = new EventWriter()
          w.started(5)
          for (let e = 0; e < 5; e++) w.epoch(e)
          store.ingestEvents(`r${r}`, w.events)
        }
      }
      store.close()
      db = new Database(file)
      if (analyzed) db.exec('ANALYZE')
    })
    afterAll(() => db.close())

    for (const [name, sql, expected] of QUERIES)
      it(`${name} uses its index`, () => {
        const lines = plan(db, sql)
        expect(
          lines.some((l) => expected.test(l)),
          lines.join('\n'),
        ).toBe(true)
        expect(lines.filter(fullScan)).toEqual([])
      })
  })
