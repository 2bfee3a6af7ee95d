/**
 * Builds resources/nb201/nb201-200ep.json.gz, the NAS-Bench-201 table the app ships, from public
 * tables in two git repositories (BENCHMARKS.md §1). Nothing is typed by hand: every number is read
 * from the named file at the named commit, and the anchors are checked before anything is written.
 *
 *   npm run build:nb201 -- --nas-landscapes GITDIR --nats-bench-landscape GITDIR [--out FILE]
 *
 * GITDIR is a clone (or bare mirror) of github.com/gabro8a/NAS-Landscapes and of
 * github.com/v-tao/nats-bench-landscape; files are read from HEAD with `git show`, so the
 * recorded commit is exactly what was read.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { NB201_CELL_COUNT, NB201_TABLE_EPOCHS } from '../src/core/benchmark/nb201Columns'
import {
  checksumOf,
  NB201_ALL_SKIP_CODE,
  NB201_TABLE_FORMAT,
  nb201ArchOfCode,
  nb201Code,
  type Nb201TableFile,
} from '../src/core/benchmark/nb201Table'
import { parseArch } from '../src/core/genotype/parse/nb201'
import { LineMap } from '../src/core/genotype/parse/position'

const { values: args } = parseArgs({
  options: {
    'nas-landscapes': { type: 'string', default: '/work/.mirror/gabro8a+NAS-Landscapes/repo' },
    'nats-bench-landscape': { type: 'string', default: '/work/.mirror/v-tao+nats-bench-landscape/repo' },
    out: { type: 'string', default: 'resources/nb201/nb201-200ep.json.gz' },
  },
})

/** Fixed point: 1/10000 of a percent keeps the seed means (e.g. 85.86333…) to four decimals. */
const SCALE = 10000

interface Source {
  readonly repo: string
  readonly commit: string
  readonly file: string
  readonly blob: string
  readonly license: string
  readonly text: string
}

function git(dir: string, ...argv: string[]): string {
  const gitDir = existsSync(join(dir, '.git')) ? join(dir, '.git') : dir
  return execFileSync('git', ['--git-dir', gitDir, ...argv], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
}

function readSource(dir: string, repo: string, file: string, license: string): Source {
  if (!existsSync(dir)) throw new Error(`${dir}: no clone of github.com/${repo} (pass its path; see docs/nb201.md)`)
  const commit = git(dir, 'rev-parse', 'HEAD').trim()
  const blob = git(dir, 'rev-parse', `${commit}:${file}`).trim()
  return { repo, commit, file, blob, license, text: git(dir, 'show', `${commit}:${file}`) }
}

/** Rows as header → value maps; these files have no quoted fields (checked: arch strings hold no commas). */
function csvRows(src: Source): Record<string, string>[] {
  const lines = src.text.split(/\r?\n/).filter((l) => l !== '')
  const header = lines[0]!.split(',')
  return lines.slice(1).map((l, i) => {
    const cells = l.split(',')
    if (cells.length !== header.length)
      throw new Error(`${src.repo}/${src.file}:${i + 2}: ${cells.length} fields, header has ${header.length}`)
    return Object.fromEntries(header.map((h, k) => [h, cells[k]!]))
  })
}

const codeOf = (arch: string): number => nb201Code(parseArch(arch, 0, new LineMap(arch)))

function num(row: Record<string, string>, col: string, where: string): number {
  const v = Number(row[col])
  if (!Number.isFinite(v) || v < 0 || v > 100)
    throw new Error(`${where}: ${col} = ${JSON.stringify(row[col])} is not an accuracy`)
  return v
}

const landscapes = readSource(args['nas-landscapes'], 'gabro8a/NAS-Landscapes', 'data/accuracy/cifar10_avg.csv', 'MIT')
const tao = readSource(args['nats-bench-landscape'], 'v-tao/nats-bench-landscape', 'nats_bench.csv', 'none stated')

// Row i of both files is official architecture index i; the arch strings must agree row for row.
const lRows = csvRows(landscapes)
const tRows = csvRows(tao)
for (const [name, rows] of [
  ['NAS-Landscapes', lRows],
  ['nats-bench-landscape', tRows],
] as const)
  if (rows.length !== NB201_CELL_COUNT) throw new Error(`${name}: ${rows.length} rows, expected ${NB201_CELL_COUNT}`)

const index = new Array<number>(NB201_CELL_COUNT).fill(-1)
const cols = {
  'cifar10-valid.valid': [] as number[],
  'cifar10.test': [] as number[],
  'cifar100.test': [] as number[],
  'ImageNet16-120.test': [] as number[],
}
for (const c of Object.values(cols)) c.length = NB201_CELL_COUNT
for (let i = 0; i < NB201_CELL_COUNT; i++) {
  const l = lRows[i]!
  const t = tRows[i]!
  if (Number(l.index) !== i) throw new Error(`NAS-Landscapes row ${i + 2}: index ${l.index}, expected ${i}`)
  if (l.arch_str !== t.ArchitectureString)
    throw new Error(`index ${i}: arch strings differ (${l.arch_str} vs ${t.ArchitectureString}); the tables are not row-aligned`)
  // The NAS-Landscapes CIFAR-10 file is the cifar10-valid run: 200 epochs, mean of seeds (`_avg`).
  if (l.name !== 'infer.tiny' || l.C !== '16' || l.N !== '5')
    throw new Error(`NAS-Landscapes row ${i + 2}: not the NB201 C=16 N=5 network`)
  const code = codeOf(t.ArchitectureString!)
  if (index[code] !== -1) throw new Error(`index ${i}: cell ${t.ArchitectureString} already seen at index ${index[code]}`)
  index[code] = i
  const at = (v: number) => Math.round(v * SCALE)
  cols['cifar10-valid.valid'][code] = at(num(l, 'valid-accuracy', `NAS-Landscapes row ${i + 2}`))
  cols['cifar10.test'][code] = at(num(t, 'CIFAR10TestAccuracy200Epochs', `nats_bench.csv row ${i + 2}`))
  cols['cifar100.test'][code] = at(num(t, 'CIFAR100TestAccuracy200Epochs', `nats_bench.csv row ${i + 2}`))
  cols['ImageNet16-120.test'][code] = at(num(t, 'ImageNetTestAccuracy200Epochs', `nats_bench.csv row ${i + 2}`))
}

// Anchors (BENCHMARKS.md §1): the all-skip cell is index 1835; a 12-epoch table gives 36.84 here.
const round2 = (x: number) => Math.round(x / (SCALE / 100)) / 100
const anchor = (name: string, got: number, want: number) => {
  if (round2(got) !== want)
    throw new Error(`anchor ${name}: table gives ${round2(got)}, expected ${want}; wrong source or epoch budget`)
}
if (index[NB201_ALL_SKIP_CODE] !== 1835) throw new Error(`all-skip cell has index ${index[NB201_ALL_SKIP_CODE]}, expected 1835`)
anchor('all-skip CIFAR-10 test', cols['cifar10.test'][NB201_ALL_SKIP_CODE]!, 54.3)
anchor('all-skip CIFAR-10 valid', cols['cifar10-valid.valid'][NB201_ALL_SKIP_CODE]!, 39.77)
anchor('CIFAR-10 test best', Math.max(...cols['cifar10.test']), 94.37)
anchor('CIFAR-100 test best', Math.max(...cols['cifar100.test']), 73.51)

const source = (s: Source, columns: Record<string, string>) => ({
  repository: `https://github.com/${s.repo}`,
  commit: s.commit,
  file: s.file,
  blob: s.blob,
  license: s.license,
  columns,
})
const body: Omit<Nb201TableFile, 'sha256'> = {
  format: NB201_TABLE_FORMAT,
  version: 1,
  cells: NB201_CELL_COUNT,
  epochs: NB201_TABLE_EPOCHS,
  scale: SCALE,
  provenance: {
    benchmark:
      'NAS-Bench-201 / NATS-Bench topology search space (Dong & Yang, ICLR 2020; Dong et al., TPAMI 2021), code MIT (github.com/D-X-Y/NATS-Bench)',
    epochs: `${NB201_TABLE_EPOCHS}-epoch training protocol (hp=200), never the 12-epoch one`,
    seeds:
      'mean over the seeds the benchmark trained per cell (NATS-Bench get_more_info(..., hp=200, is_random=False); NAS-Landscapes *_avg files)',
    order:
      'row k = cell code k: op indices (none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3) of edges 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2, base 5, first edge least significant; index[k] = official architecture index',
    license:
      'The accuracies are measurements of the MIT-licensed NAS-Bench-201/NATS-Bench benchmark, shipped as such with credit; the nats-bench-landscape repository states no license of its own (see docs/nb201.md)',
    sources: [
      source(landscapes, { 'cifar10-valid.valid': 'valid-accuracy (cifar10-valid run, valid split)' }),
      source(tao, {
        'cifar10.test': 'CIFAR10TestAccuracy200Epochs (cifar10 run, test split)',
        'cifar100.test': 'CIFAR100TestAccuracy200Epochs',
        'ImageNet16-120.test': 'ImageNetTestAccuracy200Epochs',
      }),
    ],
    notShipped: {
      'cifar100.valid':
        'not in a fetchable public table (NAS-Landscapes cifar100_avg.csv is over the mirror size limit); supply your own table',
      'ImageNet16-120.valid': 'same, ImageNet16-120_avg.csv',
      'params/FLOPs': 'neither source table has them',
    },
    builtBy: 'scripts/build-nb201.ts',
  },
  index,
  columns: cols,
}
const file: Nb201TableFile = { ...body, sha256: await checksumOf(body) }
const out = resolve(args.out)
mkdirSync(dirname(out), { recursive: true })
const gz = gzipSync(JSON.stringify(file), { level: 9 })
writeFileSync(out, gz)
console.log(
  `wrote ${out}: ${(gz.length / 1024).toFixed(0)} KiB, ${Object.keys(cols).length} columns × ${NB201_CELL_COUNT} cells, sha256 ${file.sha256}`,
)
console.log(
  `all-skip ${nb201ArchOfCode(NB201_ALL_SKIP_CODE)}: CIFAR-10 test ${round2(cols['cifar10.test'][NB201_ALL_SKIP_CODE]!)}`,
)
