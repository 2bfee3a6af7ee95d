/** How `hdarts runs` prints runs: the list table, the details of one run, and their JSON forms. */
import { type CellGenotype, GenotypeError } from '../core/genotype/model'
import { parseGenotypes } from '../core/genotype/parse/index'
import type { RunRow, Store } from '../main/store'

const OP_SHORT: Readonly<Record<string, string>> = {
  none: '-',
  max_pool_3x3: 'mp',
  avg_pool_3x3: 'ap',
  skip_connect: 'sk',
  sep_conv_3x3: 's3',
  sep_conv_5x5: 's5',
  dil_conv_3x3: 'd3',
  dil_conv_5x5: 'd5',
}

const cellShort = (cell: CellGenotype): string =>
  cell.nodes.map((inputs) => inputs.map((e) => `${OP_SHORT[e.op] ?? e.op}${e.from}`).join('+')).join(' ')

/** `n: s30+sk1 s51+s30 … | r: mp0+mp1 …` (op code + input state per edge); the raw text when it does not parse. */
export function shortGenotype(text: string | null): string {
  if (!text) return '-'
  try {
    const g = parseGenotypes(text)[0]?.genotype
    if (g?.kind === 'darts') return `n: ${cellShort(g.normal)} | r: ${cellShort(g.reduce)}`
  } catch (err) {
    if (!(err instanceof GenotypeError)) throw err
  }
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(1)}%`)

export function runsTable(runs: readonly RunRow[]): string {
  if (!runs.length) return 'no runs\n'
  const rows = [
    ['id', 'status', 'method/preset', 'dataset', 'seed', 'epochs', 'best val', 'genotype'],
    ...runs.map((r) => [
      r.id,
      r.status,
      r.preset ?? r.method,
      r.dataset,
      String(r.seed),
      `${r.epochsDone}/${r.epochsTotal ?? Number(r.config.epochs ?? 0)}`,
      pct(r.bestValAcc),
      shortGenotype(r.finalGenotype),
    ]),
  ]
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)))
  return (
    rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n'
  )
}

/** The list's JSON: the store's rows as they are, without the config (see `runs show`). */
export const runJson = (r: RunRow) => {
  const { config: _config, ...rest } = r
  return rest
}

export function runDetails(store: Store, run: RunRow) {
  const genotypes = store.genotypes(run.id)
  return {
    ...run,
    latestMetrics: store.latestMetrics([run.id])[run.id] ?? {},
    genotype: run.finalGenotype ?? genotypes.at(-1)?.text ?? null,
    genotypeEpoch: run.finalGenotype ? null : (genotypes.at(-1)?.epoch ?? null),
    checkpoints: store.checkpoints(run.id),
  }
}

const time = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19))

export function runText(d: ReturnType<typeof runDetails>): string {
  const lines = [
    `run       ${d.id}`,
    `status    ${d.status}${d.statusReason && d.statusReason !== d.status ? ` (${d.statusReason})` : ''}`,
    ...(d.error ? [`error     ${d.error}`] : []),
    `preset    ${d.preset ?? '-'}  method ${d.method}  dataset ${d.dataset}  seed ${d.seed}`,
    `dir       ${d.runDir}`,
    `backend   ${d.backend ?? '-'}${d.device ? ` on ${d.device}` : ''}${d.pid ? `  pid ${d.pid}` : ''}`,
    `progress  epoch ${d.epochsDone}/${d.epochsTotal ?? '-'}${d.progress === null ? '' : ` (${(100 * d.progress).toFixed(0)}%)`}` +
      `  best val acc ${pct(d.bestValAcc)}  last ${pct(d.lastValAcc)}`,
    `times     created ${time(d.createdAt)}  started ${time(d.startedAt)}  ended ${time(d.endedAt)}` +
      (d.attempts ? `  automatic resumes ${d.attempts}` : ''),
  ]
  const metrics = Object.entries(d.latestMetrics)
  if (metrics.length)
    lines.push('metrics   ' + metrics.map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`).join('  '))
  if (d.genotype) lines.push(`genotype${d.genotypeEpoch === null ? '' : ` (epoch ${d.genotypeEpoch + 1})`}`, `  ${d.genotype}`)
  if (d.checkpoints.length) {
    lines.push('checkpoints')
    for (const c of d.checkpoints.slice(-5))
      lines.push(
        `  epoch ${c.epoch + 1} step ${c.step}  ${c.reason.padEnd(6)}  ${(c.bytes / 1024).toFixed(0)} KiB  ${time(c.time)}  ${c.file}`,
      )
  }
  return lines.join('\n') + '\n'
}
