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
