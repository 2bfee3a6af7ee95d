/**
 * `--set key=value` over any flat-or-nested config object: parses the value by the current value's
 * type (numbers, booleans, null, strings) and leaves schema validation to the caller. Generic so every
 * run kind (search, eval) reads `--set` the same way.
 */

/**
 * Segments that reach an object's prototype instead of a setting: refused wherever settings are read
 * (`--set`, API `sets`, grid and protocol files), so no key can write onto `Object.prototype`.
 */
export const FORBIDDEN_KEY_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** The first forbidden segment of a dotted key, or null. */
export const forbiddenSegment = (key: string): string | null =>
  key.split('.').find((part) => FORBIDDEN_KEY_SEGMENTS.has(part.trim())) ?? null

/** Every settable key, dotted for nested groups (`hessian.every`). */
export function dottedKeys(obj: Record<string, unknown>, prefix = ''): string[] {
  const keys: string[] = []
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) keys.push(...dottedKeys(v as Record<string, unknown>, `${prefix}${k}.`))
    else keys.push(`${prefix}${k}`)
  }
  return keys
}

/** Applies `key=value` items to a copy of `base`; `fail` builds the caller's error type. */
export function setValues<T>(base: T, sets: readonly string[], fail: (message: string) => Error): Record<string, unknown> {
  const next = structuredClone(base) as unknown as Record<string, unknown>
  const keys = dottedKeys(next)
  const unknownKey = (key: string) => {
    const near = keys.filter((k) => k.split('.').pop() === key.split('.').pop())
    return fail(
      `unknown setting '${key}' (${near.length ? `did you mean ${near.join(' or ')}?` : `settings: ${keys.join(', ')}`})`,
    )
  }
  for (const item of sets) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw fail(`--set expects key=value, got '${item}'`)
    const key = item.slice(0, eq).trim()
    const bad = forbiddenSegment(key)
    if (bad) throw fail(`setting '${key}': '${bad}' is not a setting name`)
    const path = key.split('.')
    let obj = next
    // Own properties only: an inherited name (toString, hasOwnProperty) is never a setting.
    for (const part of path.slice(0, -1)) {
      const child = Object.hasOwn(obj, part) ? obj[part] : undefined
      if (!child || typeof child !== 'object') throw unknownKey(key)
      obj = child as Record<string, unknown>
    }
    const last = path[path.length - 1]!
    if (!Object.hasOwn(obj, last)) throw unknownKey(key)
    if (obj[last] && typeof obj[last] === 'object')
      throw fail(`'${key}' is a group; set one of its keys (${keys.filter((k) => k.startsWith(`${key}.`)).join(', ')})`)
    obj[last] = coerceSetting(item.slice(eq + 1).trim(), obj[last])
  }
  return next
}

export function coerceSetting(raw: string, current: unknown): unknown {
  if (raw === 'null') return null
  if (typeof current === 'boolean' || raw === 'true' || raw === 'false') {
    if (raw === 'true') return true
    if (raw === 'false') return false
    return raw
  }
  if (typeof current === 'number' || current === null) {
    const n = Number(raw)
    return raw !== '' && Number.isFinite(n) ? n : raw
  }
  return raw
}
