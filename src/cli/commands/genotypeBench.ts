/** `hdarts genotype bench`: the NAS-Bench-201 benchmark accuracies of each NB201 cell in the input. */
import { NB201_COLUMNS, NB201_TABLE_EPOCHS, nb201Column } from '../../core/benchmark/nb201Columns'
import { loadNb201Table, NB201_TABLE_ENV } from '../../core/benchmark/nb201Load'
import { type Nb201Table, Nb201TableError } from '../../core/benchmark/nb201Table'
import { GenotypeError } from '../../core/genotype/model'
import { parseGenotypes } from '../../core/genotype/parse/index'
import { nodeNb201Io } from '../../node/nb201Io'
import type { Command } from '../command'
import { CliError } from '../errors'
import { readInput } from '../io'

const SEEDS = 'mean over the benchmark seeds'

/** The protocol of one column, as every number printed carries it. */
function protocol(id: string) {
  const c = nb201Column(id)!
  return {
    column: id,
    dataset: c.dataset,
    split: c.split,
    run: c.run,
    epochs: NB201_TABLE_EPOCHS,
    seeds: SEEDS,
    meaning: c.meaning,
  }
}

async function openTable(path: string | undefined): Promise<Nb201Table> {
  try {
    return await loadNb201Table(nodeNb201Io(), path === undefined ? {} : { table: path })
  } catch (err) {
    if (err instanceof Nb201TableError) throw new CliError(`genotype bench: ${err.message}`)
    throw err
  }
}

export const benchCommand: Command = {
  name: 'genotype bench',
  summary: 'NAS-Bench-201 benchmark accuracies (200 epochs, mean of seeds) and percentile of each NB201 cell.',
  usage: 'hdarts genotype bench FILE|- [--table FILE] [--json]',
  description:
    'Looks every NAS-Bench-201 cell of the input up (arch strings |op~0|+|op~0|op~1|+..., hdarts JSON, any spelling the\n' +
    'genotype parser takes) and prints each accuracy with its protocol: dataset, split, training run, 200 epochs,\n' +
    'mean over the seeds the benchmark trained, and the percentile among all 15,625 cells (share scoring at or below).\n' +
    'The shipped table has CIFAR-10 valid (cifar10-valid run), CIFAR-10 test (cifar10 run), CIFAR-100 test and\n' +
    `ImageNet16-120 test; --table (or $${NB201_TABLE_ENV}) uses your own CSV or JSON table instead (docs/nb201.md).`,
  positionals: [1, 1],
  options: {
    table: { type: 'string', value: 'FILE', help: `a user NAS-Bench-201 table (CSV or JSON) instead of the shipped one` },
    json: { type: 'boolean', help: 'print one JSON document' },
  },
  examples: [
    "echo '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|' | hdarts genotype bench -",
    'hdarts genotype bench found-cells.txt --json',
  ],
  async run(values, [file]) {
    const { text, source } = readInput(file!)
    let list
    try {
      list = parseGenotypes(text)
    } catch (err) {
      if (err instanceof GenotypeError) throw new CliError(`${source}:${err.located}`)
      throw err
    }
    const darts = list.find((g) => g.genotype.kind !== 'nb201')
    if (darts)
      throw new CliError(
        `${source}: ${darts.name} is a DARTS-space genotype; NAS-Bench-201 has benchmark numbers only for its own 15,625 cells`,
      )
    const table = await openTable(values.table as string | undefined)
    const cells = list.map((g) => {
      const s = table.score(g.genotype)
      return {
        name: g.name,
        arch: s.arch,
        index: s.index,
        scores: table.columns.map((id) => ({ ...protocol(id), accuracy: s.values[id]!, percentile: s.percentiles[id]! })),
      }
    })
    const tableInfo = { kind: table.source.kind, file: table.source.file, sha256: table.source.sha256, columns: table.columns }
    if (values.json) {
      process.stdout.write(JSON.stringify({ table: tableInfo, cells }, null, 2) + '\n')
      return 0
    }
    const lines = [
      `NAS-Bench-201 table: ${table.source.kind} (${table.source.file}, sha256 ${table.source.sha256.slice(0, 12)}…); ` +
        `${NB201_TABLE_EPOCHS}-epoch training, ${SEEDS}; percentile among 15,625 cells`,
    ]
    const missing = NB201_COLUMNS.filter((c) => !table.has(c.id)).map((c) => `${c.dataset} ${c.split}`)
    if (missing.length) lines.push(`not in this table: ${missing.join(', ')}`)
    for (const c of cells) {
      lines.push('', `${c.name}  ${c.arch}${c.index === null ? '' : `  (index ${c.index})`}`)
      for (const s of c.scores) {
        const label = `${s.dataset} ${s.split}`.padEnd(22)
        lines.push(
          `  ${label}${s.accuracy.toFixed(2).padStart(6)} %   percentile ${s.percentile.toFixed(1).padStart(5)}   (${s.run} run)`,
        )
      }
    }
    process.stdout.write(lines.join('\n') + '\n')
    return 0
  },
}
