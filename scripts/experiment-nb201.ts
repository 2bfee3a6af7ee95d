/**
 * The NAS-Bench-201 collapse experiment: DARTS (first order) and cures in the NB201 space, several
 * seeds each, every run through the real CLI, each found cell scored by the benchmark lookups the
 * worker records. Writes docs/nb201-experiment-LABEL.md (results table, per seed), the figure
 * docs/figures/nb201-experiment[-LABEL].svg (per-epoch benchmark accuracy, mean ± std over seeds) and the
 * README section between its markers. Resumable: finished runs are reused, interrupted ones resumed.
 *
 *   npm run experiment:nb201 -- [--seeds 0,1,2] [--parallel 3] [--set key=value ...] [--only darts,beta]
 *                               [--out DIR] [--label NAME] [--no-docs] [--no-run]
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { NB201_HEADLINE_COLUMN } from '../src/core/benchmark/nb201Columns'
import type { RunEvent } from '../src/core/events'
import { nb201Figure, type FigureSeries } from './nb201Figure'

interface Method {
  readonly id: string
  readonly label: string
  readonly preset: string
  readonly sets: readonly string[]
}

const METHODS: readonly Method[] = [
  { id: 'darts', label: 'DARTS (1st order)', preset: 'darts-1st-quick', sets: [] },
  { id: 'beta', label: 'β-DARTS', preset: 'beta-darts-quick', sets: [] },
  { id: 'minus', label: 'DARTS-', preset: 'darts-minus-quick', sets: [] },
  { id: 'sdarts', label: 'SDARTS-RS', preset: 'sdarts-rs-quick', sets: [] },
  // Not in the default set: its projection evaluates every op of every edge (21 edge decisions × 5 ops ×
  // pt.evalBatches forward passes), several times a DARTS run on this machine. `--only pt` runs it.
  { id: 'pt', label: 'DARTS + PT selection', preset: 'darts-1st-quick', sets: ['selection=pt'] },
]
const DEFAULT_METHODS = ['darts', 'beta', 'minus', 'sdarts']

/**
 * The scale the README reports: the smallest tried at which DARTS's derived cell drifts to skip
 * connections (docs/nb201.md, "What was tried"): 64 + 64 images, 2 steps an epoch, 30 epochs, α lr 3e-2.
 */
const DEFAULT_SCALE = ['epochs=30', 'limitPerHalf=64', 'archLr=3e-2']

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '0,1,2' },
    parallel: { type: 'string', default: '3' },
    set: { type: 'string', multiple: true },
    only: { type: 'string' },
    out: { type: 'string', default: '/tmp/hdarts-nb201-experiment' },
    label: { type: 'string', default: 'default' },
    'no-docs': { type: 'boolean', default: false },
    // Tabulate the finished runs only (start or resume nothing), e.g. when time runs out.
    'no-run': { type: 'boolean', default: false },
  },
})
const seeds = values.seeds.split(',').map(Number)
const scale = values.set ?? DEFAULT_SCALE
const only = values.only?.split(',')
const methods = METHODS.filter((m) => (only ? only.includes(m.id) : DEFAULT_METHODS.includes(m.id)))
const outDir = join(values.out, values.label)
mkdirSync(outDir, { recursive: true })
const db = join(outDir, 'experiment.db')

interface RunResult {
  readonly method: Method
  readonly seed: number
  readonly events: RunEvent[]
}

const readEvents = (dir: string): RunEvent[] =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as RunEvent]
      } catch {
        return [] // a torn last line of an interrupted run
      }
    })

function runDirOf(jobDir: string): string | null {
  if (!existsSync(jobDir)) return null
  const d = readdirSync(jobDir).find((n) => existsSync(join(jobDir, n, 'run.json')))
  return d ? join(jobDir, d) : null
}

function cli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/hdarts.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)))
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`hdarts ${args.join(' ')}: exit ${code}\n${err}`))))
    child.on('error', reject)
  })
}

async function runJob(method: Method, seed: number): Promise<RunResult> {
  const jobDir = join(outDir, `${method.id}-s${seed}`)
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = runDirOf(jobDir)
    if (dir && readEvents(dir).some((e) => e.type === 'finished')) return { method, seed, events: readEvents(dir) }
    if (values['no-run']) throw new Error(`${method.label} seed ${seed}: not finished (left out: --no-run)`)
    if (dir) await cli(['search', '--resume', dir, '--db', db])
    else {
      const args = ['search', '--preset', method.preset, '--runs-dir', jobDir, '--db', db, '--json']
      for (const s of ['space=nb201', ...method.sets, ...scale, `seed=${seed}`]) args.push('--set', s)
      await cli(args)
    }
  }
  throw new Error(`${method.label} seed ${seed}: not finished after 3 attempts`)
}

type Bench = Extract<RunEvent, { type: 'benchmark' }>
const benchEvents = (ev: RunEvent[]) => ev.filter((e): e is Bench & RunEvent => e.type === 'benchmark')
const lastFinal = (ev: RunEvent[]): Bench | undefined =>
  benchEvents(ev)
    .filter((e) => e.final)
    .at(-1)
function finalScore(ev: RunEvent[]): number | null {
  return lastFinal(ev)?.scores[NB201_HEADLINE_COLUMN]?.accuracy ?? null
}
const started = Date.now()
const jobs = methods.flatMap((m) => seeds.map((seed) => ({ m, seed })))
const results: RunResult[] = []
let next = 0
async function worker(): Promise<void> {
  while (next < jobs.length) {
    const { m, seed } = jobs[next++]!
    try {
      const r = await runJob(m, seed)
      results.push(r)
      const fin = finalScore(r.events)
      console.error(`${m.label} seed ${seed}: final cell ${fin?.toFixed(2) ?? '?'} % (NB201 CIFAR-10 test)`)
    } catch (err) {
      console.error((err as Error).message)
    }
  }
}
await Promise.all(Array.from({ length: Number(values.parallel) }, worker))
// Wall time of the experiment as its runs recorded it (first start to last finish), so a rerun that
// only reuses finished runs reports the same figure; this invocation's own time is printed too.
const times = results.flatMap((r) => r.events.filter((e) => e.type === 'started' || e.type === 'finished').map((e) => e.time))
const wallMin = times.length ? (Math.max(...times) - Math.min(...times)) / 60000 : 0
console.error(`this invocation: ${((Date.now() - started) / 60000).toFixed(1)} min`)

const skips = (arch: string) => (arch.match(/skip_connect/g) ?? []).length
const searchSec = (ev: RunEvent[]) => ev.reduce((s, e) => s + (e.type === 'epoch' ? e.epochSec : 0), 0)

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const std = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1)))
const ms = (xs: number[], d: number) => (xs.length ? `${mean(xs).toFixed(d)} ± ${std(xs).toFixed(d)}` : '—')

const first = results.flatMap((r) => benchEvents(r.events))[0]
const ref = first?.scores[NB201_HEADLINE_COLUMN]
const searchDataset = first?.searchDataset ?? '?'
const rows: string[] = []
const perSeed: string[] = []
const series: FigureSeries[] = []
for (const m of methods) {
  const rs = results.filter((r) => r.method === m).sort((a, b) => a.seed - b.seed)
  if (!rs.length) continue
  const finals = rs.map((r) => lastFinal(r.events)).filter((e): e is Bench => !!e)
  const acc = finals.map((e) => e.scores[NB201_HEADLINE_COLUMN]!.accuracy)
  const pct = finals.map((e) => e.scores[NB201_HEADLINE_COLUMN]!.percentile)
  rows.push(
    `| ${m.label} | \`${m.preset}\`${m.sets.map((s) => ` \`${s}\``).join('')} | ${rs.length} | ${ms(acc, 2)} | ${ms(pct, 1)} | ${ms(
      finals.map((e) => skips(e.arch)),
      1,
    )} | ${ms(
      rs.map((r) => searchSec(r.events) / 60),
      1,
    )} |`,
  )
  for (const [i, r] of rs.entries())
    perSeed.push(
      `| ${m.label} | ${r.seed} | ${finals[i]?.scores[NB201_HEADLINE_COLUMN]!.accuracy.toFixed(2) ?? '—'} | \`${(finals[i]?.arch ?? '—').replace(/\|/g, '\\|')}\` |`,
    )
  // Per-epoch curve of the derived cell, mean ± std over the seeds that reached that epoch.
  const byEpoch = new Map<number, number[]>()
  for (const r of rs)
    for (const e of benchEvents(r.events))
      if (!e.final) byEpoch.set(e.epoch, [...(byEpoch.get(e.epoch) ?? []), e.scores[NB201_HEADLINE_COLUMN]!.accuracy])
  series.push({
    label: m.label,
    points: [...byEpoch.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([epoch, xs]) => ({ x: epoch + 1, mean: mean(xs), std: std(xs) })),
  })
}

const protocol =
  `cell searched on ${searchDataset} (space=nb201, ${scale.join(', ')}, the methods' \`-quick\` presets otherwise), ` +
  `scored with NB201 CIFAR-10 test accuracy (200 epochs, mean of the benchmark's seeds; ${first?.table.kind ?? '?'} table ${first?.table.file ?? ''}); ` +
  `mean ± std over seeds ${seeds.join(', ')}`
const table = [
  `| method | preset | seeds | final cell: NB201 CIFAR-10 test % | percentile | skip_connect edges (of 6) | search min/run |`,
  `|---|---|---|---|---|---|---|`,
  ...rows,
].join('\n')
const refs = ref ? `Reference: oracle best ${ref.best.toFixed(2)} %, all-skip cell ${ref.allSkip.toFixed(2)} %.` : ''
// Other labels (the scale probes) get their own page and figure; only the default one goes into the README.
const figure = `docs/figures/nb201-experiment${values.label === 'default' ? '' : `-${values.label}`}.svg`
const section = [
  `Scale: ${scale.join(', ')}; ${seeds.length} seeds; ${values.parallel} runs at a time on this 2-core machine; wall time ${wallMin.toFixed(0)} min from the first run's start to the last one's finish.`,
  '',
  table,
  '',
  `${protocol}. ${refs} Search time is the sum of the epoch times the runs recorded.`,
  '',
  `![NB201 benchmark accuracy of the derived cell per epoch](${figure})`,
].join('\n')

console.log(section)
if (!values['no-docs']) {
  mkdirSync('docs/figures', { recursive: true })
  writeFileSync(
    figure,
    nb201Figure(series, {
      title: 'Derived cell per epoch: NB201 CIFAR-10 test (200 epochs), mean ± std over seeds',
      subtitle: `cell searched on ${searchDataset}; ${scale.join(', ')}`,
      refs: ref
        ? [
            { y: ref.best, label: `oracle best ${ref.best.toFixed(2)}` },
            { y: ref.allSkip, label: `all-skip ${ref.allSkip.toFixed(2)}` },
          ]
        : [],
    }),
  )
  const doc = [
    `# NAS-Bench-201 collapse experiment: ${values.label} (generated by \`npm run experiment:nb201\`)`,
    '',
    `Command: \`npm run experiment:nb201 -- --label ${values.label} --seeds ${seeds.join(',')}${values.only ? ` --only ${values.only}` : ''}${values.set ? values.set.map((x) => ` --set ${x}`).join('') : ''}\``,
    '',
    // This page lives in docs/, the README one level up.
    section.replace('](docs/figures/', '](figures/'),
    '',
    '## Per seed',
    '',
    '| method | seed | final cell % | final cell |',
    '|---|---|---|---|',
    ...perSeed,
    '',
  ].join('\n')
  writeFileSync(`docs/nb201-experiment-${values.label}.md`, doc)
  if (values.label === 'default') {
    const readme = readFileSync('README.md', 'utf8')
    const start = '<!-- nb201-experiment:start -->'
    const end = '<!-- nb201-experiment:end -->'
    if (readme.includes(start) && readme.includes(end))
      writeFileSync('README.md', readme.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${section}\n${end}`))
  }
}
