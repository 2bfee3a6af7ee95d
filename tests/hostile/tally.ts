/**
 * The hostile-input suite counts what it tries, per surface, and prints it when the file ends, so a
 * reader of the CI log sees how much was thrown at each surface (and that it was not skipped).
 */
import { afterAll } from 'vitest'

export function tally(surface: string): { add: (n?: number) => void; readonly count: number } {
  let count = 0
  afterAll(() => console.log(`hostile input: ${surface}: ${count} cases tried`))
  return {
    add: (n = 1) => {
      count += n
    },
    get count() {
      return count
    },
  }
}

/** Values a careless or hostile caller sends in place of any field. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  -1,
  1e308,
  '',
  ' ',
  'x'.repeat(600_000),
  'a\nb',
  'runs/inj\ntouch PWNED\n#',
  '\u0000',
  '../../../etc/passwd',
  '/proc/x',
  '/etc/passwd',
  '$(touch PWNED)',
  '`touch PWNED`',
  "'; touch PWNED; '",
  '__proto__',
  ['__proto__.hasOwnProperty=1'],
  ['constructor.prototype.x=1'],
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  [],
  {},
  true,
]

/** Object.prototype must come out of every case as it went in. */
export function prototypeIntact(): boolean {
  const o = {} as Record<string, unknown>
  return (
    o.polluted === undefined &&
    o.x === undefined &&
    typeof o.hasOwnProperty === 'function' &&
    typeof o.toString === 'function' &&
    Object.keys(Object.prototype).length === 0
  )
}
