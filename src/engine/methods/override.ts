/** Composition of methods: a wrapper that replaces some members of a SearchMethod and forwards the rest. */
import type { SearchMethod } from './types'

/**
 * A method with some members replaced. Every other member is the base's, bound to it, so members
 * added to SearchMethod later (and private state of the base class) keep working through the wrapper.
 */
export function overrideMethod<M>(base: SearchMethod<M>, overrides: Partial<SearchMethod<M>>): SearchMethod<M> {
  return new Proxy(base, {
    get(target, key) {
      if (Object.prototype.hasOwnProperty.call(overrides, key)) return (overrides as Record<PropertyKey, unknown>)[key]
      const v = Reflect.get(target, key) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
    has(target, key) {
      return key in overrides || key in target
    },
  })
}
