/**
 * Hostile input, surface 2: Slurm. Grid folders whose path holds shell metacharacters, quotes, `%` and
 * spaces become job scripts that bash parses (`bash -n`) and that run without executing any of it; a
 * control character is refused before anything is written. Manifests whose rows point outside their
 * grid folder, name another run, or miss their directory import nothing of that row, leave no empty
 * experiment, and a later delete never reaches outside.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { prepareSubmission } from '../../src/main/slurm/submit'
import { importRuns } from '../../src/main/slurm/importer'
import { sbatchScript } from '../../src/main/slurm/script'
import { openStore } from '../../src/main/store'
import { makeApp, tmpDir } from '../app/helpers'
import { hdarts } from '../cli/run'
import { tally } from './tally'

const tried = tally('Slurm scripts and manifests')
const GRID = { name: 'hostile', methods: ['darts-1st-quick'], values: {}, seeds: [0, 1], set: ['epochs=1'] }

/** Folder names a user may have, each a way to break a script that does not quote. */
const NASTY_NAMES = [
  'with space',
  "it's",
  'say "hi"',
  '$(touch PWNED)',
  '`touch PWNED`',
  '; touch PWNED;',
  '& touch PWNED &',
  '| touch PWNED',
  '> PWNED',
  '100%_%A_%j',
  'back\\slash',
  '#hash',
  '*glob?[x]',
  '~tilde',
  'ünï cödé 漢字',
  '-leading-dash',
  '${HOME}',
  '!history',
]

describe('job scripts from hostile folder names', () => {
  for (const name of NASTY_NAMES)
    it(JSON.stringify(name), () => {
      const root = tmpDir()
      const base = join(root, name)
      const r = prepareSubmission({ grid: GRID, runsDir: base, options: {}, dryRun: true, node: '/bin/true' })
      tried.add()
      expect(spawnSync('bash', ['-n', r.script]).status).toBe(0)
      // The task itself: bash runs the script as a Slurm node would (node = /bin/true, so no search).
      const run = spawnSync('bash', [r.script], {
        cwd: root,
        env: { ...process.env, SLURM_ARRAY_TASK_ID: '1', SLURM_JOB_ID: '7', SLURM_ARRAY_JOB_ID: '7', TMPDIR: root },
        encoding: 'utf8',
      })
      expect(run.status, run.stderr).toBe(0)
      expect(run.stdout).toContain(`task 1`)
      expect(run.stdout).toContain(join(r.gridDir, 'runs'))
      // Nothing ran: no file was created anywhere near, beyond what submit wrote.
      expect(readdirSync(root).sort()).toEqual([name].sort())
      expect(existsSync('PWNED')).toBe(false)
      // sbatch would read the --output line as this exact folder (double quotes, \ escapes, % doubled).
      const out = readFileSync(r.script, 'utf8').match(/^#SBATCH --output=(.*)$/m)![1]!
      const unquoted = out.slice(1, -1).replace(/\\(.)/g, '$1').replace(/%%/g, '%')
      expect(unquoted).toBe(`${join(r.gridDir, 'logs')}/%A_%a.out`.replace(/%(?!A_|a\.out)/g, '%'))
    })

  for (const bad of ['runs/inj\ntouch PWNED\n#', 'a\rb', 'tab\there', 'nul\u0000', 'del\u007f', 'ls\u2028ep'])
    it(`refuses ${JSON.stringify(bad)} before writing anything`, () => {
      const root = tmpDir()
      expect(() => prepareSubmission({ grid: GRID, runsDir: join(root, bad), options: {}, dryRun: true })).toThrow(
        /must not contain control characters/,
      )
      expect(() => sbatchScript({ gridDir: join(root, bad), jobName: 'j', tasks: 1, options: {} })).toThrow(/control characters/)
      tried.add(2)
      expect(readdirSync(root)).toEqual([])
    })

  it('the CLI says so in one line, exit 2, and /proc/x does not hang it', () => {
    const file = join(tmpDir(), 'grid.json')
    writeFileSync(file, JSON.stringify(GRID))
    const nl = hdarts(['slurm', 'submit', file, '--dry-run', '--runs-dir', 'runs/inj\ntouch PWNED\n#'])
    const proc = hdarts(['slurm', 'submit', file, '--dry-run', '--runs-dir', '/proc/x'], undefined, 120_000)
    tried.add(2)
    for (const r of [nl, proc]) {
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
    expect(nl.stderr).toMatch(/control characters/)
    expect(proc.stderr).toMatch(/cannot create the Slurm runs folder \/proc\/x/)
  })
})

/** A submitted grid folder with two runs, to tamper with. */
function gridFolder(): { gridDir: string; manifest: string; rows: { runId: string; runDir: string }[] } {
  const r = prepareSubmission({ grid: GRID, runsDir: tmpDir(), options: {}, dryRun: true })
  return { gridDir: r.gridDir, manifest: join(r.gridDir, 'manifest.json'), rows: r.manifest.rows }
}
const editRows = (file: string, edit: (rows: Record<string, unknown>[]) => void): void => {
  const m = JSON.parse(readFileSync(file, 'utf8')) as { rows: Record<string, unknown>[] }
  edit(m.rows)
  writeFileSync(file, JSON.stringify(m))
}

describe('manifests that point elsewhere', () => {
  it('a row leaving the grid folder (../victim, absolute, through a symlink) imports nothing of the grid', () => {
    for (const runDir of ['../victim', '../../victim', '/tmp', 'runs/../../victim', 'link/x']) {
      const g = gridFolder()
      const victim = join(g.gridDir, '..', 'victim')
      // A real run directory outside the grid folder (another grid's run, say): importing must not adopt it.
      cpSync(join(g.gridDir, g.rows[0]!.runDir), victim, { recursive: true })
      symlinkSync(join(g.gridDir, '..'), join(g.gridDir, 'link'))
      editRows(g.manifest, (rows) => (rows[0]!.runDir = runDir))
      const store = openStore(':memory:')
      expect(() => importRuns(store, g.gridDir)).toThrow(/rows\.0\.runDir: .* (is outside|leads outside)/)
      tried.add()
      expect(store.listRuns({})).toEqual([])
      expect(store.listExperiments()).toEqual([])
      expect(existsSync(join(victim, 'run.json'))).toBe(true)
      store.close()
    }
  })

  it('a row naming another run, and a row whose folder is gone, are errors; the good row imports', () => {
    const g = gridFolder()
    editRows(g.manifest, (rows) => (rows[0]!.runId = 'someone-else'))
    const store = openStore(':memory:')
    const s = importRuns(store, g.gridDir)
    tried.add()
    expect(s.errors).toHaveLength(1)
    expect(s.errors[0]).toMatch(/manifest row 0 names run someone-else, but its run.json is run /)
    expect(s.new).toBe(1)

    const h = gridFolder()
    for (const row of h.rows) spawnSync('rm', ['-rf', join(h.gridDir, row.runDir)])
    const t = importRuns(store, h.gridDir)
    tried.add()
    expect(t.errors).toHaveLength(2)
    expect(t.new).toBe(0)
    // No run imported: no empty experiment left behind.
    expect(t.experiments).toEqual([])
    expect(store.listExperiments()).toHaveLength(1)
    store.close()
  })

  it('the CLI exits 2 with one line for a manifest row outside, and prints "imported 0 of 2" for missing folders', () => {
    const g = gridFolder()
    editRows(g.manifest, (rows) => (rows[1]!.runDir = '../victim'))
    const r = hdarts(['slurm', 'import', g.gridDir])
    tried.add()
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    const h = gridFolder()
    for (const row of h.rows) spawnSync('rm', ['-rf', join(h.gridDir, row.runDir)])
    const s = hdarts(['slurm', 'import', h.gridDir])
    tried.add()
    expect(s.code).toBe(1)
    expect(s.stdout).toMatch(/imported 0 of 2 runs/)
  })

  it('runs.delete with deleteFiles never removes a folder that is not the run’s own', async () => {
    const { app, store } = makeApp()
    const outside = join(tmpDir(), 'precious')
    mkdirSync(outside)
    writeFileSync(join(outside, 'run.json'), JSON.stringify({ id: 'r-victim' }))
    const link = join(tmpDir(), 'r-link')
    symlinkSync(outside, link)
    for (const [id, runDir] of [
      ['r-victim', outside], // run.json names it, but the folder is not named after the run
      ['r-link', link], // named after the run, but a symlink out
    ] as const) {
      store.insertRun({
        id,
        experimentId: null,
        runDir,
        kind: 'search',
        preset: null,
        method: 'darts',
        dataset: 'x',
        seed: 0,
        config: {},
      })
      writeFileSync(join(outside, 'run.json'), JSON.stringify({ id }))
      const r = await app.handle('runs.delete', { id, confirm: true, deleteFiles: true })
      tried.add()
      expect(r).toMatchObject({ id, filesDeleted: false })
      expect(existsSync(join(outside, 'run.json'))).toBe(true)
    }
  })
})
