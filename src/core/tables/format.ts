/** Writers of a ResultsTable: LaTeX (booktabs, mean ± std, best in bold), CSV (raw numbers) and Markdown. */
import { NB201_TABLE_EPOCHS } from '../benchmark/nb201Columns'
import { texEscape } from '../genotype/export/tikz'
import type { ResultRow, ResultsTable, Stat } from './results'

export const TABLE_FORMATS = ['latex', 'csv', 'md'] as const
export type TableFormat = (typeof TABLE_FORMATS)[number]

interface Column {
  readonly head: string
  readonly get: (r: ResultRow) => Stat
  readonly digits: number
  /** Which way is best, for the bold; null: never bold. */
  readonly better: 'higher' | 'lower' | null
}

/** The unit of the cost column: shared by every row, else per cell. */
function costUnit(t: ResultsTable): string | null {
  const units = new Set(t.rows.map((r) => r.costUnit))
  return units.size === 1 && !units.has(null) ? `${[...units][0]}` : null
}

function columns(t: ResultsTable): Column[] {
  const unit = costUnit(t)
  const bench: Column[] = t.benchmarkSearchDatasets.length
    ? [
        { head: 'NB201 C10 test (%)', get: (r) => r.benchmark, digits: 2, better: 'higher' },
        { head: 'NB201 percentile', get: (r) => r.benchmarkPct, digits: 1, better: null },
      ]
    : []
  return [
    ...bench,
    { head: 'Search val. acc. (%)', get: (r) => r.valAcc, digits: 2, better: 'higher' },
    { head: 'Params (M)', get: (r) => r.paramsM, digits: 2, better: 'lower' },
    { head: 'Skips (normal)', get: (r) => r.skipsNormal, digits: 1, better: null },
    { head: unit ? `Search cost (${unit}-h)` : 'Search cost (h)', get: (r) => r.searchHours, digits: 2, better: 'lower' },
  ]
}

/**
 * The protocol of the benchmark column, for captions: where the cells were searched and what the
 * table measured (not this search). Empty when the table has no benchmark column.
 */
export function benchmarkCaption(t: ResultsTable): string {
  if (!t.benchmarkSearchDatasets.length) return ''
  return (
    `NB201 C10 test: final cell searched on ${t.benchmarkSearchDatasets.join(', ')}, looked up in NAS-Bench-201 ` +
    `(CIFAR-10 test accuracy after ${NB201_TABLE_EPOCHS} epochs of training, mean over the benchmark's seeds; percentile among 15,625 cells); ` +
    `mean ± std over runs; rows ranked by it.`
  )
}

/** One more decimal for small means (a 0.04 h search); the std takes the mean's decimals. */
const decimals = (mean: number, digits: number): number => (Math.abs(mean) > 0 && Math.abs(mean) < 0.1 ? digits + 1 : digits)
const fixed = (v: number, digits: number): string => v.toFixed(decimals(v, digits))

/** Row indices whose displayed mean is the best of the column (ties all win). */
function best(t: ResultsTable, c: Column): Set<number> {
  if (!c.better || t.rows.length < 2) return new Set()
  const shown = t.rows.map((r) => {
    const m = c.get(r).mean
    return m === null ? null : Number(fixed(m, c.digits))
  })
  const vals = shown.filter((v): v is number => v !== null)
  if (vals.length === 0) return new Set()
  const target = c.better === 'higher' ? Math.max(...vals) : Math.min(...vals)
  return new Set(shown.flatMap((v, i) => (v === target ? [i] : [])))
}

const groupHead = (t: ResultsTable): string =>
  t.groupBy === null || t.groupBy === 'method' ? 'Method' : t.groupBy.charAt(0).toUpperCase() + t.groupBy.slice(1)

function cellText(s: Stat, c: Column, row: ResultRow, mixedUnit: boolean, style: 'latex' | 'md'): string {
  if (s.mean === null) return style === 'latex' ? '--' : '–'
  const pm = style === 'latex' ? ' \\pm ' : ' ± '
  const d = decimals(s.mean, c.digits)
  let text = s.mean.toFixed(d) + (s.std !== null ? pm + s.std.toFixed(d) : '')
  if (mixedUnit && c.head.startsWith('Search cost') && row.costUnit)
    text += style === 'latex' ? `\\ \\mathrm{${row.costUnit}}` : ` ${row.costUnit}`
  return text
}

export function toLatex(t: ResultsTable, opts: { caption?: string; label?: string } = {}): string {
  const cols = columns(t)
  const bold = cols.map((c) => best(t, c))
  const mixed = costUnit(t) === null
  const head = [groupHead(t), 'Runs', ...cols.map((c) => texEscape(c.head).replace(/\. /g, '.\\ '))]
  const body = t.rows.map(
    (r, i) =>
      [
        texEscape(r.label),
        String(r.runIds.length),
        ...cols.map((c, k) => {
          const text = cellText(c.get(r), c, r, mixed, 'latex')
          if (text === '--') return text
          // \mathbf keeps ± and digits bold in math mode; booktabs tables conventionally set numbers in math.
          return bold[k]!.has(i) ? `$\\mathbf{${text}}$` : `$${text}$`
        }),
      ].join(' & ') + ' \\\\',
  )
  const { channels, layers } = t.evalNetwork
  const caption =
    opts.caption ??
    `Search results (mean $\\pm$ std over runs). Params: CIFAR evaluation network of the derived cell (C=${channels}, ${layers} cells, auxiliary head excluded). Best in bold.` +
      (benchmarkCaption(t) ? ` ${texEscape(benchmarkCaption(t)).replace('±', '$\\pm$')}` : '')
  return [
    '% Written by HDARTS Studio (hdarts export --format latex). Needs \\usepackage{booktabs}' + '.',
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${caption}}`,
    `\\label{${opts.label ?? 'tab:hdarts-results'}}`,
    `\\begin{tabular}{lr${'c'.repeat(cols.length)}}`,
    '\\toprule',
    head.join(' & ') + ' \\\\',
    '\\midrule',
    ...body,
    '\\bottomrule',
    '\\end{tabular}',
    '\\end{table}',
    '',
  ].join('\n')
}

export function toMarkdown(t: ResultsTable): string {
  const cols = columns(t)
  const bold = cols.map((c) => best(t, c))
  const mixed = costUnit(t) === null
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const lines = [
    `| ${[groupHead(t), 'Runs', ...cols.map((c) => c.head)].join(' | ')} |`,
    `|${[':--', '--:', ...cols.map(() => ':-:')].join('|')}|`,
    ...t.rows.map(
      (r, i) =>
        `| ${[
          esc(r.label),
          String(r.runIds.length),
          ...cols.map((c, k) => {
            const text = cellText(c.get(r), c, r, mixed, 'md')
            return bold[k]!.has(i) ? `**${text}**` : text
          }),
        ].join(' | ')} |`,
    ),
  ]
  const note = benchmarkCaption(t)
  return lines.join('\n') + '\n' + (note ? `\n${note}\n` : '')
}

/** RFC 4180: quote fields with commas, quotes or newlines. */
const csvField = (v: string | number | null): string => {
  if (v === null) return ''
  const s = String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(t: ResultsTable): string {
  const head = [
    t.groupBy ?? 'run',
    'runs',
    'run_ids',
    'val_acc_pct_mean',
    'val_acc_pct_std',
    'params_m_mean',
    'params_m_std',
    'skips_normal_mean',
    'search_hours_mean',
    'search_hours_std',
    'cost_unit',
    ...(t.benchmarkSearchDatasets.length
      ? ['nb201_c10_test_200ep_mean', 'nb201_c10_test_200ep_std', 'nb201_percentile_mean', 'searched_on']
      : []),
  ]
  // Six decimals: below any reported precision, without float noise (0.548426666…).
  const r6 = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6)
  const rows = t.rows.map((r) => [
    r.label,
    r.runIds.length,
    r.runIds.join(' '),
    r6(r.valAcc.mean),
    r6(r.valAcc.std),
    r6(r.paramsM.mean),
    r6(r.paramsM.std),
    r6(r.skipsNormal.mean),
    r6(r.searchHours.mean),
    r6(r.searchHours.std),
    r.costUnit,
    ...(t.benchmarkSearchDatasets.length
      ? [r6(r.benchmark.mean), r6(r.benchmark.std), r6(r.benchmarkPct.mean), t.benchmarkSearchDatasets.join(' ')]
      : []),
  ])
  return [head, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n'
}

export function formatTable(t: ResultsTable, format: TableFormat): string {
  return format === 'latex' ? toLatex(t) : format === 'csv' ? toCsv(t) : toMarkdown(t)
}
