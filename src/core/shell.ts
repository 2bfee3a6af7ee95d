/**
 * Text that goes into generated scripts (Slurm's job.sbatch): one place that decides what may go in and
 * how it is quoted, so that nothing a user typed becomes a command. Control characters are refused
 * outright (a newline would end a `#SBATCH` line or a comment and start a command); everything else is
 * quoted for the reader of that line: bash for commands, sbatch's own parser for `#SBATCH` directives.
 */

export class UnsafeTextError extends Error {
  override name = 'UnsafeTextError'
}

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u

/** Whether `s` holds a character that no path or name written into a script may hold. */
export const hasControlCharacter = (s: string): boolean => CONTROL.test(s)

/** `s` unchanged, or an UnsafeTextError naming `what` when it holds a control character. */
export function plainText(s: string, what: string): string {
  const m = CONTROL.exec(s)
  if (m) {
    const code = m[0].codePointAt(0)!.toString(16).padStart(4, '0')
    throw new UnsafeTextError(`${what} must not contain control characters (found U+${code.toUpperCase()})`)
  }
  return s
}

/** One bash word: single-quoted, so `$`, backticks, `;` and spaces are literal. */
export const shellWord = (s: string, what = 'value'): string => `'${plainText(s, what).replace(/'/g, `'\\''`)}'`

/**
 * The value of an `#SBATCH --opt=VALUE` line as sbatch reads it: double-quoted with `\` escapes (sbatch's
 * directive parser honours both, checked on Slurm 22.05). For a file pattern (`--output`), `%` in the
 * literal part is doubled, since sbatch expands `%j`, `%A` … there; `pattern` (our own constant, such
 * as `%A_%a.out`) is appended as it is.
 */
export function sbatchValue(literal: string, what: string, pattern?: string): string {
  const text = plainText(literal, what).replace(/[\\"]/g, '\\$&')
  return pattern === undefined ? `"${text}"` : `"${text.replace(/%/g, '%%')}${pattern}"`
}
