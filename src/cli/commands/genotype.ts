/** `hdarts genotype convert|params`: the genotype library on the command line. */
import { countOp, type DartsGenotype, GenotypeError, type NamedGenotype } from '../../core/genotype/model'
import { toJson } from '../../core/genotype/json'
import { FIGURE_STYLES } from '../../core/genotype/export/figure'
import { loadLayoutEngine } from '../../core/genotype/layout'
import { parseGenotypes, selectGenotype } from '../../core/genotype/parse/index'
import { toDartsAssignment, toDartsText, toNb201String } from '../../core/genotype/serialize'
import { cifarEvalCost, formatDartsParams } from '../../core/metrics/params'
import { type Command, intOption } from '../command'
import { CliError } from '../errors'
import { readInput } from '../io'
import { BINARY_FORMATS, FIGURE_FORMATS, type FigureFormat, pyModule, renderFigure } from '../render/figure'
import { writeOutput } from '../render/output'

const FORMATS = ['darts', 'json', 'nb201'] as const
type Format = (typeof FORMATS)[number]
const ALL_FORMATS = [...FORMATS, 'py', ...FIGURE_FORMATS] as const
const CELLS = ['both', 'normal', 'reduce'] as const
const WIDTHS = ['single', 'double'] as const

function choice<T extends string>(values: Record<string, unknown>, name: string, valid: readonly T[], fallback: T): T {
  const v = values[name]
  if (v === undefined) return fallback
  if (!(valid as readonly unknown[]).includes(v))
    throw new CliError(`genotype convert: --${name} must be one of ${valid.join(', ')}, got '${String(v)}'`)
  return v as T
}

/** Reads and parses FILE|-, keeping only `--name` when given. */
function load(path: string, name: string | undefined): NamedGenotype[] {
  const { text, source } = readInput(path)
  try {
    const all = parseGenotypes(text)
    return name === undefined ? all : [selectGenotype(all, name)]
  } catch (err) {
    // `file:line:col: message`, the form editors and terminals make clickable.
    if (err instanceof GenotypeError) throw new CliError(`${source}:${err.located}`)
    throw err
  }
}

export function formatGenotypes(list: readonly NamedGenotype[], to: Format): string {
  if (to === 'json') return toJson(list)
  if (to === 'nb201') {
    const strings = list.map((g) => {
      if (g.genotype.kind !== 'nb201')
        throw new CliError(
          `${g.name}: a DARTS-space genotype cannot be written as a NAS-Bench-201 string (different ops and cell)`,
        )
      return [g.name, toNb201String(g.genotype)] as const
    })
    return strings.length === 1 ? `${strings[0]![1]}\n` : strings.map(([n, s]) => `${n} = '${s}'\n`).join('')
  }
  const darts = list.map((g) => {
    if (g.genotype.kind !== 'darts')
      throw new CliError(`${g.name}: a NAS-Bench-201 genotype has no DARTS Genotype(...) form (use --to nb201 or json)`)
    return { ...g, genotype: g.genotype }
  })
  if (darts.length === 1) return `${toDartsText(darts[0]!.genotype)}\n`
  return darts
    .map((g) => [toDartsAssignment(g.name, g.genotype), ...g.aliases.map((a) => `${a} = ${g.name}`)].join('\n') + '\n')
    .join('')
}

export const convertCommand: Command = {
  name: 'genotype convert',
  summary: 'Convert genotypes between DARTS text, JSON and NAS-Bench-201 strings; export cell figures (SVG, PDF, PNG, TikZ).',
  usage:
    'hdarts genotype convert FILE|- --to darts|py|json|nb201|svg|pdf|png|tikz [--name NAME] [--cells both|normal|reduce] [--width single|double] [--out PATH]',
  description:
    'The input format is detected: DARTS Genotype(...) text (a genotypes.py, a search log, D-X-Y pair groups,\n' +
    'FairDARTS triples), NAS-Bench-201 strings, or hdarts JSON. Without --name every genotype in the input is written.\n' +
    "DARTS text is written exactly as DARTS's genotype() logs it; several genotypes become NAME = Genotype(...) lines.\n" +
    'py is a genotypes.py module (namedtuple header, NAME = Genotype(...) lines) for DARTS-family code.\n' +
    'svg, pdf, png and tikz draw the cells of one DARTS genotype (pick it with --name when the input has several),\n' +
    'sized for a single (3.33 in) or double (6.875 in) column, laid out by Graphviz dot. --style app draws the\n' +
    "viewer's look (op-coloured edges, DejaVu Sans); --style darts the look of DARTS's visualize.py (black edges, serif).\n" +
    'The PDF embeds DejaVu Sans or Serif (Helvetica, not embedded, when the font is missing); png needs Chromium.\n' +
    'pdf and png are binary: give --out or redirect stdout. A cell too wide to print legibly is refused (exit 2).',
  positionals: [1, 1],
  options: {
    to: { type: 'string', value: 'FORMAT', help: `output format: ${ALL_FORMATS.join(', ')}` },
    name: { type: 'string', value: 'NAME', help: 'convert only the genotype with this name (or alias)' },
    cells: { type: 'string', value: 'CELLS', help: 'figures: both, normal or reduce', default: 'both' },
    width: { type: 'string', value: 'COLUMN', help: 'figures: single or double column width', default: 'single' },
    style: { type: 'string', value: 'STYLE', help: "figures: app (the viewer's look) or darts (visualize.py's)", default: 'app' },
    out: { type: 'string', value: 'PATH', help: 'write to PATH instead of stdout' },
  },
  examples: [
    'hdarts genotype convert genotypes.py --to json --name DARTS_V2',
    'hdarts genotype convert genotypes.py --name DARTS_V2 --to pdf --width double --out darts_v2.pdf',
    'hdarts genotype convert genotypes.py --name PDARTS --to tikz --cells normal > pdarts_normal.tex',
    'hdarts genotype convert genotypes.py --name DARTS_V2 --to svg --style darts --out darts_v2.svg',
    "echo '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|' | hdarts genotype convert - --to json",
  ],
  async run(values, [file]) {
    const to = values.to as string | undefined
    if (to === undefined) throw new CliError(`genotype convert: --to is required (${FORMATS.join(', ')})`)
    if (!(ALL_FORMATS as readonly string[]).includes(to))
      throw new CliError(`genotype convert: unknown format '${to}' (valid: ${ALL_FORMATS.join(', ')})`)
    const cells = choice(values, 'cells', CELLS, 'both')
    const width = choice(values, 'width', WIDTHS, 'single')
    const style = choice(values, 'style', FIGURE_STYLES, 'app')
    const out = values.out as string | undefined
    // Refused before any work: a PNG or PDF dumped on a terminal garbles it.
    if (BINARY_FORMATS.includes(to) && out === undefined && process.stdout.isTTY)
      throw new CliError(`genotype convert: --to ${to} writes binary data; give --out FILE or redirect stdout`)
    const list = load(file!, values.name as string | undefined)
    if ((FIGURE_FORMATS as readonly string[]).includes(to)) {
      await loadLayoutEngine()
      const fig = await renderFigure(list, to as FigureFormat, { cells, width, style })
      for (const w of fig.warnings) process.stderr.write(`hdarts: warning: ${w}\n`)
      writeOutput(fig.data, out)
    } else {
      writeOutput(to === 'py' ? pyModule(list) : formatGenotypes(list, to as Format), out)
    }
    return 0
  },
}

export const paramsCommand: Command = {
  name: 'genotype params',
  summary: 'Exact parameter count, FLOPs and skip connections of the CIFAR evaluation network of each genotype.',
  usage: 'hdarts genotype params FILE|- [--channels 36] [--layers 20] [--classes 10] [--auxiliary] [--name NAME] [--json]',
  description:
    'Counts trainable parameters as DARTS does (conv weights, affine BN, classifier; auxiliary head excluded unless\n' +
    '--auxiliary) and multiply-adds of convolutions and the classifier for a 32x32 input.',
  positionals: [1, 1],
  options: {
    channels: { type: 'string', value: 'C', help: 'initial channels', default: '36' },
    layers: { type: 'string', value: 'L', help: 'number of cells', default: '20' },
    classes: { type: 'string', value: 'N', help: 'number of classes', default: '10' },
    auxiliary: { type: 'boolean', help: 'count the auxiliary head too (FairDARTS-style numbers)' },
    name: { type: 'string', value: 'NAME', help: 'only the genotype with this name (or alias)' },
    json: { type: 'boolean', help: 'print one JSON document' },
  },
  examples: ['hdarts genotype params genotypes.py', 'cat genotypes.py | hdarts genotype params - --json --name DARTS_V2'],
  run(values, [file]) {
    const settings = {
      channels: intOption(values, 'channels', 36),
      layers: intOption(values, 'layers', 20, 3),
      classes: intOption(values, 'classes', 10),
      auxiliary: values.auxiliary === true,
    }
    const list = load(file!, values.name as string | undefined)
    const rows = list.map((g) => {
      if (g.genotype.kind !== 'darts')
        throw new CliError(`${g.name}: parameter counts are for DARTS-space genotypes; this is a NAS-Bench-201 cell`)
      const genotype: DartsGenotype = g.genotype
      const cost = cifarEvalCost(genotype, settings)
      const params = settings.auxiliary ? cost.paramsWithAux : cost.params
      return {
        name: g.name,
        aliases: [...g.aliases],
        params,
        paramsM: formatDartsParams(params),
        countsAux: settings.auxiliary,
        auxParams: cost.auxParams,
        flops: cost.flops,
        skipsNormal: countOp(genotype.normal),
        skipsReduce: countOp(genotype.reduce),
      }
    })
    if (values.json) {
      process.stdout.write(JSON.stringify({ settings, genotypes: rows }, null, 2) + '\n')
      return 0
    }
    const table = [
      ['genotype', 'params', 'DARTS (M)', 'FLOPs (M)', 'skips normal', 'skips reduce'],
      ...rows.map((r) => [
        r.name,
        String(r.params),
        r.paramsM,
        (r.flops / 1e6).toFixed(1),
        String(r.skipsNormal),
        String(r.skipsReduce),
      ]),
    ]
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)))
    const fmt = (row: string[]) =>
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')
    const head = `C=${settings.channels}, ${settings.layers} cells, ${settings.classes} classes, auxiliary head ${settings.auxiliary ? 'counted' : 'excluded (DARTS convention)'}`
    process.stdout.write([head, fmt(table[0]!), ...table.slice(1).map(fmt)].join('\n') + '\n')
    return 0
  },
}
