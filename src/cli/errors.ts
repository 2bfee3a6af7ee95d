import { UnsafeJsonError } from '../core/json'
import { UnsafeTextError } from '../core/shell'
import { PathError } from '../node/safePaths'

/** A user error: the CLI prints its message as one line on stderr and exits with `code` (2 = bad input). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 2,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** Errors of the shared modules that always mean bad input (a path, a script word, a JSON key): exit 2. */
export const isBadInput = (err: unknown): boolean =>
  err instanceof PathError || err instanceof UnsafeTextError || err instanceof UnsafeJsonError
