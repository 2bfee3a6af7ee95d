/** The app's slurm.submit / slurm.import operations over a throwaway database (no Slurm needed). */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ApiResponses } from '../../src/shared/api'
import { makeApp, ROOT } from '../app/helpers'

const grid = JSON.parse(readFileSync(join(ROOT, 'examples/grid-quick.json'), 'utf8'))

describe('slurm API operations', () => {
  const { app, store, dir } = makeApp()

  it('slurm.submit writes the bundle (dry run) and queues nothing locally; slurm.import registers the runs paused', async () => {
    const live: string[] = []
    app.subscribe((e) => e.type === 'run-updated' && live.push(e.run.status))
    const runsDir = join(dir, 'shared')
    const sub = (await app.handle('slurm.submit', {
      grid,
      runsDir,
      options: { maxParallel: 2, time: '01:00:00' },
      dryRun: true,
    })) as ApiResponses['slurm.submit']
    expect(sub).toMatchObject({ tasks: 4, jobId: null })
    expect(readFileSync(sub.script, 'utf8')).toContain('#SBATCH --array=0-3%2')
    expect(existsSync(join(sub.gridDir, 'manifest.tsv'))).toBe(true)
    expect(store.listRuns()).toEqual([])

    const imp = (await app.handle('slurm.import', { dir: runsDir })) as ApiResponses['slurm.import']
    expect(imp).toMatchObject({ grids: 1, runs: 4, new: 4, updated: 0, eventsAdded: 0, errors: [] })
    expect(store.listRuns().map((r) => [r.status, r.statusReason])).toEqual(Array(4).fill(['paused', 'slurm: pending']))
    expect(store.nextQueued(10)).toEqual([]) // the local queue never sees a Slurm run
    expect(live).toEqual(['paused', 'paused', 'paused', 'paused'])
    const again = (await app.handle('slurm.import', { dir: sub.gridDir })) as ApiResponses['slurm.import']
    expect(again).toMatchObject({ new: 0, unchanged: 4, eventsAdded: 0 })
    expect(again.experiments[0]!.id).toBe(imp.experiments[0]!.id)
  })

  it('refuses relative folders, bad options and folders without grids as bad requests', async () => {
    await expect(app.handle('slurm.import', { dir: 'relative/path' })).rejects.toMatchObject({ code: 'bad-request' })
    await expect(app.handle('slurm.import', { dir: dir })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('no grid folder'),
    })
    await expect(
      app.handle('slurm.submit', { grid, runsDir: join(dir, 'x'), options: { time: 'soon' }, dryRun: true }),
    ).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('time') })
    await expect(
      app.handle('slurm.submit', { grid: { ...grid, methods: ['nope'] }, runsDir: join(dir, 'x'), dryRun: true }),
    ).rejects.toMatchObject({ code: 'bad-request' })
    expect(existsSync(join(dir, 'x'))).toBe(false)
  })
})
