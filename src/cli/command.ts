/**
 * A command is data: its usage, options and help text live beside its `run`, so `--help` is
 * generated from what the parser actually accepts and cannot drift from the code.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CliError } from './errors'

export interface OptionSpec {
  readonly type: 'string' | 'boolean'
  readonly short?: string
  readonly multiple?: boolean
  /** Shown in help as `--name VALUE`. */
  readonly value?: string
  readonly help: string
  readonly default?: string
}

export interface Command {
  readonly name: string
  readonly summary: string
  readonly usage: string
  readonly description?: string
  readonly options: Readonly<Record<string, OptionSpec>>
  readonly examples?: readonly string[]
  /** Positional arguments: [min, max]. */
  readonly positionals: readonly [number, number]
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<number> | number
}

/** Options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  debug: { type: 'boolean', help: 'print stack traces on errors' },
}

export function helpText(cmd: Command): string {
  const all = { ...cmd.options, ...COMMON_OPTIONS }
  const rows = Object.entries(all).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`
    return [flag, o.help + (o.default !== undefined ? ` (default ${o.default})` : '')] as const
  })
  const width = Math.max(...rows.map(([f]) => f.length)) + 2
  const lines = [`Usage: ${cmd.usage}`, '', cmd.summary]
  if (cmd.description) lines.push('', cmd.description)
  lines.push('', 'Options:', ...rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`))
  if (cmd.examples?.length) lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`))
  return lines.join('\n') + '\n'
}

/** Parses argv for `cmd`; unknown options and wrong counts are bad input (exit 2). */
export function parseCommandArgs(cmd: Command, argv: string[]) {
  const options: ParseArgsConfig['options'] = {}
  for (const [name, o] of Object.entries({ ...cmd.options, ...COMMON_OPTIONS })) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }
  }
  let parsed
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (err) {
    // node:util's messages are long and mention internals; keep the first sentence.
    const msg = (err as Error).message.split('. ')[0]!.replace(/\s+/g, ' ')
    throw new CliError(`${cmd.name}: ${msg} (see 'hdarts ${cmd.name} --help')`)
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>
  if (!values.help) {
    const [min, max] = cmd.positionals
    if (parsed.positionals.length < min) throw new CliError(`${cmd.name}: missing argument (usage: ${cmd.usage})`)
    if (parsed.positionals.length > max)
      throw new CliError(`${cmd.name}: unexpected argument '${parsed.positionals[max]}' (usage: ${cmd.usage})`)
  }
  return { values, positionals: parsed.positionals }
}

/** Parses a positive integer option, or fails as bad input naming the option. */
export function intOption(values: Record<string, unknown>, name: string, fallback: number, min = 1): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer ≥ ${min}, got '${String(raw)}'`)
  return n
}
