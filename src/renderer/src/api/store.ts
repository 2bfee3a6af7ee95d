/** A tiny observable value (for useSyncExternalStore): the live connection's state, the theme. */
export interface Observable<T> {
  get(): T
  subscribe(listener: () => void): () => void
}

export function observable<T>(initial: T): Observable<T> & { set(value: T): void } {
  let value = initial
  const listeners = new Set<() => void>()
  return {
    get: () => value,
    set(next: T) {
      if (Object.is(next, value)) return
      value = next
      for (const l of [...listeners]) l()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
