/**
 * Hostile input, surface 1: every API operation over real HTTP (`hdarts serve`'s server, a real
 * AppService and database), fuzzed from its own request schema: each field of a valid request replaced
 * by each of HOSTILE_VALUES, unknown fields, prototype keys in the raw JSON. Never a 500, never a hang,
 * the server keeps answering, Object.prototype stays clean, and nothing appears outside the test folder.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { API_OPS, apiRequests } from '../../src/shared/api'
import { startServer, type RunningServer } from '../../src/server'
import { makeApp, ROOT, tmpDir } from '../app/helpers'
import { post } from '../server/http'
import { HOSTILE_VALUES, prototypeIntact, tally } from './tally'

const TOKEN = 'hostile-suite-token'
const tried = tally('API operations (HTTP)')
const { app, dir } = makeApp()
const shared = join(tmpDir(), 'shared')
mkdirSync(shared)
const genotype = readFileSync(join(ROOT, 'resources/genotypes/darts.py'), 'utf8')
const GRID = { name: 'g', methods: ['darts-1st-quick'], values: {}, seeds: [0], set: ['epochs=1'] }

/** A valid request per operation, the starting point of every mutation. */
const BASE: Record<string, Record<string, unknown>> = {
  'runs.estimate': { preset: 'darts-1st-quick', sets: [] },
  'runs.launch': { grid: GRID },
  'runs.evaluate': { genotype, name: 'DARTS_V2', preset: 'darts-eval-quick' },
  'runs.estimateEval': { genotype, name: 'DARTS_V2', preset: 'darts-eval-quick' },
  'runs.importLog': { text: 'not a log' },
  'runs.get': { id: 'nope' },
  'runs.events': { id: 'nope' },
  'runs.pause': { id: 'nope' },
  'runs.resume': { id: 'nope' },
  'runs.cancel': { id: 'nope' },
  'runs.retry': { id: 'nope' },
  'runs.duplicate': { id: 'nope' },
  'runs.delete': { id: 'nope', confirm: true, deleteFiles: true },
  'runs.tag': { id: 'nope', key: 'k', value: 'v' },
  'runs.note': { id: 'nope', text: 'n' },
  'runs.compare': { ids: ['nope'] },
  'slurm.submit': { grid: GRID, runsDir: shared, dryRun: true },
  'slurm.import': { dir: shared },
  'export.genotype': { text: genotype, name: 'DARTS_V2', format: 'json' },
  'export.table': { ids: ['nope'], format: 'csv' },
  'export.bundle': { ids: ['nope'] },
}

let srv: RunningServer
beforeAll(async () => {
  srv = await startServer({ app, staticDir: join(dir, 'no-ui'), token: TOKEN, requestTimeoutMs: 60_000 })
})
afterAll(() => srv?.close())

const OK = new Set([200, 400, 404, 409, 413])

async function attempt(op: string, body: unknown): Promise<void> {
  const r = await post(srv.port, TOKEN, op, body)
  tried.add()
  if (!OK.has(r.status)) throw new Error(`${op} ${JSON.stringify(body).slice(0, 200)} → ${r.status} ${r.body.slice(0, 300)}`)
  if (r.status !== 200) {
    const msg = r.json().error.message as string
    if (msg.includes('\n'))
      throw new Error(`${op} ${JSON.stringify(body).slice(0, 200)} → a message of several lines: ${JSON.stringify(msg)}`)
  }
  if (!prototypeIntact()) throw new Error(`${op} ${JSON.stringify(body).slice(0, 200)} polluted Object.prototype`)
}

describe('every API operation, each field replaced by each hostile value', () => {
  for (const op of API_OPS) {
    it(
      op,
      async () => {
        const shape = (apiRequests[op] as unknown as { shape: Record<string, unknown> }).shape
        const base = BASE[op] ?? {}
        const fields = [...new Set([...Object.keys(shape), ...Object.keys(base)])]
        for (const field of fields) for (const value of HOSTILE_VALUES) await attempt(op, { ...base, [field]: value })
        await attempt(op, { ...base, unknownField: 1 })
        await attempt(op, [base])
        await attempt(op, 'text')
        // Prototype keys in the raw JSON, at the top and one level down: refused at parse time.
        for (const text of ['{"__proto__": {"polluted": true}}', `{"grid": {"constructor": {"prototype": {"x": 1}}}}`]) {
          const r = await fetch(`http://127.0.0.1:${srv.port}/api/${op}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hdarts-token': TOKEN },
            body: text,
          })
          tried.add()
          expect(r.status).toBe(400)
          expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/is not allowed as a key/)
        }
        // The server still answers after all of it.
        expect((await post(srv.port, TOKEN, 'app.info', {})).status).toBe(200)
      },
      300_000,
    )
  }
})

describe('the cases of issue 13', () => {
  it('a newline in slurm.submit runsDir is a 400 naming the field; no script is written', async () => {
    const fresh = join(tmpDir(), 'fresh')
    mkdirSync(fresh)
    const r = await post(srv.port, TOKEN, 'slurm.submit', { ...BASE['slurm.submit'], runsDir: `${fresh}/inj\ntouch PWNED\n#` })
    tried.add()
    expect(r.status).toBe(400)
    expect(r.json().error.message).toMatch(/runsDir: must not contain control characters/)
    expect(readdirSync(fresh)).toEqual([])
  })

  it('one settings request with a prototype key leaves the server working', async () => {
    const bad = await post(srv.port, TOKEN, 'runs.estimate', { preset: 'darts-1st-quick', sets: ['__proto__.hasOwnProperty=1'] })
    tried.add()
    expect(bad.status).toBe(400)
    expect(bad.json().error.message).toMatch(/'__proto__' is not a setting name/)
    expect(prototypeIntact()).toBe(true)
    const launch = await post(srv.port, TOKEN, 'runs.launch', { grid: GRID })
    tried.add()
    expect(launch.status).toBe(200)
    const sub = await post(srv.port, TOKEN, 'slurm.submit', BASE['slurm.submit'])
    tried.add()
    expect(sub.status).toBe(200)
  })

  it('slurm.submit to /proc/x answers at once with a 400, and other requests are served meanwhile', async () => {
    const t0 = Date.now()
    const [hang, info] = await Promise.all([
      post(srv.port, TOKEN, 'slurm.submit', { ...BASE['slurm.submit'], runsDir: '/proc/x/y' }),
      post(srv.port, TOKEN, 'app.info', {}),
    ])
    tried.add(2)
    expect(hang.status).toBe(400)
    expect(hang.json().error.message).toMatch(/cannot create the Slurm runs folder \/proc\/x\/y/)
    expect(info.status).toBe(200)
    expect(Date.now() - t0).toBeLessThan(30_000)
  })

  it('long strings are refused (a 600 KB experiment name)', async () => {
    const r = await post(srv.port, TOKEN, 'runs.launch', { grid: { ...GRID, name: 'n'.repeat(600_000) } })
    tried.add()
    expect(r.status).toBe(400)
    expect(r.json().error.message).toMatch(/grid\.name/)
  })

  it('nothing was written outside the test folders', () => {
    expect(existsSync(join(ROOT, 'PWNED'))).toBe(false)
    expect(existsSync('PWNED')).toBe(false)
  })
})
