/**
 * JSON from outside (API bodies, grid and protocol files, manifests): `JSON.parse` keeps a
 * `"__proto__"` key as an own property, which later spreads and schema parsers either drop silently or
 * turn into a prototype. Such keys are refused here, once, with the path where they appeared.
 */
import { FORBIDDEN_KEY_SEGMENTS } from './config/overrides'

export class UnsafeJsonError extends Error {
  override name = 'UnsafeJsonError'
}

/** `JSON.parse`, refusing `__proto__`, `constructor` and `prototype` keys anywhere in the document. */
export function parseUntrustedJson(text: string): unknown {
  return JSON.parse(text, function (this: unknown, key: string, value: unknown) {
    if (FORBIDDEN_KEY_SEGMENTS.has(key)) throw new UnsafeJsonError(`'${key}' is not allowed as a key`)
    return value
  })
}
