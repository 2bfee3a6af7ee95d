/**
 * `hdarts` command dispatcher. Exit codes (DESIGN.md §8): 0 success, 1 runtime failure,
 * 2 bad input with one line on stderr; a stack trace only with --debug.
 */
import { type Command, helpText, parseCommandArgs } from './command'
import { evalCommand } from './commands/eval'
import { exportCommand } from './commands/export'
import { convertCommand, paramsCommand } from './commands/genotype'
import { benchCommand } from './commands/genotypeBench'
import { importDartsLogCommand } from './commands/import'
import { RUNS_COMMANDS } from './commands/runs'
import { searchCommand } from './commands/search'
import { serveCommand } from './commands/serve'
import { SLURM_COMMANDS } from './commands/slurm'
import { CliError, isBadInput } from './errors'

interface Group {
  readonly name: string
  readonly summary: string
  readonly commands: readonly Command[]
}

const GROUPS: readonly Group[] = [
  { name: 'search', summary: 'run an architecture search', commands: [searchCommand] },
  { name: 'eval', summary: 'train a genotype from scratch and report its test accuracy', commands: [evalCommand] },
  { name: 'runs', summary: 'list, inspect, resume, retry and cancel runs; run grids', commands: RUNS_COMMANDS },
  {
    name: 'genotype',
    summary: 'convert genotypes between formats; count parameters and FLOPs; NAS-Bench-201 lookups',
    commands: [convertCommand, paramsCommand, benchCommand],
  },
  { name: 'export', summary: 'results tables of runs for papers (LaTeX, CSV, Markdown)', commands: [exportCommand] },
  { name: 'import', summary: 'import results obtained elsewhere (PyTorch DARTS logs)', commands: [importDartsLogCommand] },
  { name: 'serve', summary: 'serve the app in a browser (HTTP API, live events, UI)', commands: [serveCommand] },
  { name: 'slurm', summary: 'run grids as Slurm job arrays on a shared filesystem; status; import', commands: SLURM_COMMANDS },
]

const VERSION = '0.1.0'

function topHelp(): string {
  const lines = [
    'Usage: hdarts <command> [options]',
    '',
    'HDARTS Studio: differentiable architecture search experiments.',
    '',
    'Commands:',
  ]
  for (const g of GROUPS) for (const c of g.commands) lines.push(`  ${c.name.padEnd(20)}${c.summary}`)
  lines.push(
    '',
    "Run 'hdarts <command> --help' for a command's options.",
    'Exit codes: 0 success, 1 runtime failure, 2 bad input.',
  )
  return lines.join('\n') + '\n'
}

function groupHelp(g: Group): string {
  const lines = [`Usage: hdarts ${g.name} <verb> [options]`, '', `${g.summary}.`, '', 'Verbs:']
  for (const c of g.commands) lines.push(`  ${c.name.split(' ')[1]!.padEnd(10)}${c.summary}`)
  lines.push('', `Run 'hdarts ${g.name} <verb> --help' for a verb's options.`)
  return lines.join('\n') + '\n'
}

function resolve(argv: string[]): { cmd?: Command; group?: Group; rest: string[] } {
  const group = GROUPS.find((g) => g.name === argv[0])
  if (!group)
    throw new CliError(`unknown command '${argv[0]}' (commands: ${GROUPS.map((g) => g.name).join(', ')}; see 'hdarts --help')`)
  // A command named like its group takes no verb (`hdarts search --preset …`).
  const direct = group.commands.find((c) => c.name === group.name)
  if (direct) return { cmd: direct, group, rest: argv.slice(1) }
  const verb = argv[1]
  if (verb === undefined || verb === '--help' || verb === '-h') return { group, rest: [] }
  const cmd = group.commands.find((c) => c.name === `${group.name} ${verb}`)
  if (!cmd)
    throw new CliError(
      `unknown verb '${group.name} ${verb}' (verbs: ${group.commands.map((c) => c.name.split(' ')[1]).join(', ')}; see 'hdarts ${group.name} --help')`,
    )
  return { cmd, group, rest: argv.slice(2) }
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug')
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stdout.write(topHelp())
      return argv.length === 0 ? 2 : 0
    }
    if (argv[0] === '--version' || argv[0] === '-v') {
      process.stdout.write(`hdarts ${VERSION}\n`)
      return 0
    }
    const { cmd, group, rest } = resolve(argv)
    if (!cmd) {
      process.stdout.write(groupHelp(group!))
      return argv[1] === undefined ? 2 : 0
    }
    const { values, positionals } = parseCommandArgs(cmd, rest)
    if (values.help) {
      process.stdout.write(helpText(cmd))
      return 0
    }
    return await cmd.run(values, positionals)
  } catch (err) {
    if (err instanceof CliError || isBadInput(err)) {
      process.stderr.write(`hdarts: ${(err as Error).message}\n`)
      if (debug) process.stderr.write(`${(err as Error).stack}\n`)
      return err instanceof CliError ? err.code : 2
    }
    const e = err as NodeJS.ErrnoException
    if (e?.code === 'EPIPE') return 0 // output piped into `head`: not an error
    process.stderr.write(
      `hdarts: internal error: ${e?.message ?? String(err)}${debug ? '' : ' (run with --debug for details)'}\n`,
    )
    if (debug) process.stderr.write(`${e?.stack}\n`)
    return 1
  }
}
