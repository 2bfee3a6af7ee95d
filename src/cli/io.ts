/** Reading user input files (or stdin) with the checks every command needs before parsing. */
import { readFileSync, statSync } from 'node:fs'
import { CliError } from './errors'

/** Genotype inputs are small text; anything bigger is a mistake (a dataset, a checkpoint). */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024

function readStdin(): Buffer {
  try {
    return readFileSync(0)
  } catch (err) {
    // EAGAIN: stdin is a TTY or non-blocking pipe with nothing in it.
    if ((err as NodeJS.ErrnoException).code === 'EAGAIN')
      throw new CliError('no input on stdin (pipe a genotype in, or pass FILE)')
    throw err
  }
}

/** Reads FILE or `-` (stdin) as UTF-8 text, refusing missing files, directories, huge and binary input; `what` names the file expected in messages. */
export function readInput(path: string, what = 'a genotype file'): { text: string; source: string } {
  let buf: Buffer
  if (path === '-') {
    buf = readStdin()
  } else {
    let size: number
    try {
      const st = statSync(path)
      if (st.isDirectory()) throw new CliError(`${path}: is a directory, expected ${what}`)
      size = st.size
    } catch (err) {
      if (err instanceof CliError) throw err
      const code = (err as NodeJS.ErrnoException).code
      throw new CliError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(err)}`)
    }
    if (size > MAX_INPUT_BYTES)
      throw new CliError(`${path}: input is too large: ${mib(size)} MiB (limit ${mib(MAX_INPUT_BYTES)} MiB)`)
    buf = readFileSync(path)
  }
  const source = path === '-' ? '<stdin>' : path
  if (buf.length > MAX_INPUT_BYTES)
    throw new CliError(`${source}: input is too large: ${mib(buf.length)} MiB (limit ${mib(MAX_INPUT_BYTES)} MiB)`)
  return { text: buf.toString('utf8'), source }
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')
