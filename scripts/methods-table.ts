/**
 * Runs every method's quick preset through the real CLI and prints the README's methods table:
 * validation accuracy and skip connections in the normal cell of the final epoch, per seed and as
 * mean ± std. `npm run table:methods -- [--seeds 0,1,2] [--parallel 2] [--set key=value ...] [--only a,b]`.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const ROWS: { label: string; preset: string; sets: string[] }[] = [
  { label: 'DARTS 1st order', preset: 'darts-1st-quick', sets: [] },
  { label: 'DARTS 2nd order', preset: 'darts-2nd-quick', sets: [] },
  { label: 'HDARTS', preset: 'hdarts-quick', sets: [] },
  { label: 'PR-DARTS', preset: 'pr-darts-quick', sets: [] },
  { label: 'PC-DARTS', preset: 'pc-darts-quick', sets: [] },
  { label: 'FairDARTS', preset: 'fair-darts-quick', sets: [] },
  { label: 'SDARTS-RS', preset: 'sdarts-rs-quick', sets: [] },
  { label: 'SDARTS-ADV', preset: 'sdarts-adv-quick', sets: [] },
  { label: 'DARTS-', preset: 'darts-minus-quick', sets: [] },
  { label: 'β-DARTS', preset: 'beta-darts-quick', sets: [] },
  { label: 'DARTS + PT selection', preset: 'darts-1st-quick', sets: ['selection=pt'] },
  { label: 'DARTS + λ_max every epoch', preset: 'darts-1st-quick', sets: ['hessian.every=1'] },
  { label: 'DARTS on NAS-Bench-201', preset: 'darts-1st-quick', sets: ['space=nb201'] },
  { label: 'E2NAS (NAS-Bench-201)', preset: 'e2nas-quick', sets: [] },
]

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '2' },
    parallel: { type: 'string', default: '1' },
    set: { type: 'string', multiple: true, default: [] },
    only: { type: 'string' },
    out: { type: 'string', default: '/tmp/hdarts-methods-table' },
  },
})
const seeds = values.seeds.split(',').map(Number)
const only = values.only?.split(',')
const rows = ROWS.filter(
  (r) => !only || only.includes(r.preset + (r.sets.length ? `+${r.sets.join('+')}` : '')) || only.includes(r.label),
)
mkdirSync(values.out, { recursive: true })

interface Result {
  valAcc: number
  skipsNormal: number
  lambdaMax?: number
  minutes: number
}

function runOne(preset: string, sets: string[], seed: number): Promise<Result> {
  const runsDir = join(values.out, `${preset}${sets.map((s) => `+${s}`).join('')}-s${seed}`)
  const args = [
    'bin/hdarts.js',
    'search',
    '--preset',
    preset,
    '--runs-dir',
    runsDir,
    '--db',
    join(values.out, 'table.db'),
    '--json',
  ]
  for (const s of [...sets, ...values.set, `seed=${seed}`]) args.push('--set', s)
  const start = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.resume()
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${preset} ${sets.join(' ')} seed ${seed}: exit ${code}`))
      const dir = join(runsDir, readdirSync(runsDir)[0]!)
      const events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      const epoch = events.filter((e) => e.type === 'epoch').at(-1)
      const lambdas = events.filter((e) => e.type === 'method' && e.scalars.lambdaMax !== undefined)
      resolve({
        valAcc: epoch.valAcc,
        skipsNormal: epoch.skipsNormal,
        ...(lambdas.length ? { lambdaMax: lambdas.at(-1).scalars.lambdaMax } : {}),
        minutes: (Date.now() - start) / 60000,
      })
    })
    child.on('error', reject)
  })
}

const meanStd = (xs: number[], digits: number, scale = 1): string => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length
  if (xs.length < 2) return (m * scale).toFixed(digits)
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1))
  return `${(m * scale).toFixed(digits)} ± ${(sd * scale).toFixed(digits)}`
}

const jobs = rows.flatMap((r) => seeds.map((seed) => ({ r, seed })))
const results = new Map<string, Result[]>()
let next = 0
async function worker(): Promise<void> {
  while (next < jobs.length) {
    const { r, seed } = jobs[next++]!
    const res = await runOne(r.preset, r.sets, seed).catch((err: Error) => {
      console.error(err.message)
      return null
    })
    if (res) results.set(r.label, [...(results.get(r.label) ?? []), res])
    console.error(
      `${r.label} seed ${seed}: ${res ? `${(res.valAcc * 100).toFixed(1)} %, ${res.skipsNormal} skips, ${res.minutes.toFixed(1)} min` : 'failed'}`,
    )
  }
}
await Promise.all(Array.from({ length: Number(values.parallel) }, worker))

console.log(`| method | preset | val acc % | normal-cell skips | minutes/run |`)
console.log(`|---|---|---|---|---|`)
for (const r of rows) {
  const rs = results.get(r.label)
  if (!rs) continue
  const preset = `\`${r.preset}\`${r.sets.map((s) => ` \`--set ${s}\``).join('')}`
  const lam = rs.every((x) => x.lambdaMax !== undefined)
    ? ` (λ_max ${meanStd(
        rs.map((x) => x.lambdaMax!),
        3,
      )})`
    : ''
  console.log(
    `| ${r.label} | ${preset} | ${meanStd(
      rs.map((x) => x.valAcc),
      1,
      100,
    )}${lam} | ${meanStd(
      rs.map((x) => x.skipsNormal),
      1,
    )} | ${meanStd(
      rs.map((x) => x.minutes),
      1,
    )} |`,
  )
}
