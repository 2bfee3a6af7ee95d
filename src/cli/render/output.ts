/** Writing a command's result to --out PATH or stdout. */
import { writeFileSync } from 'node:fs'
import { CliError } from '../errors'

export function writeOutput(data: Uint8Array | string, out: string | undefined): void {
  if (out === undefined || out === '-') {
    // stdout writes to files and pipes are synchronous on POSIX, so nothing is lost at exit.
    process.stdout.write(typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength))
    return
  }
  try {
    writeFileSync(out, data)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new CliError(
      `${out}: cannot write (${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(err))})`,
    )
  }
}
