/** React access to the ApiClient: the provider, live events and a small query hook. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { ApiClient, ApiError, LiveEvent } from '../../../shared/api'
import type { ConnectionState, StudioClient } from './client'

const ApiContext = createContext<ApiClient | null>(null)

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext)
  if (!client) throw new Error('useApi must be used within an <ApiProvider>')
  return client
}

/** Calls `listener` for every live event; the latest listener is used without resubscribing. */
export function useLive(listener: (e: LiveEvent) => void): void {
  const client = useApi()
  const ref = useRef(listener)
  useEffect(() => {
    ref.current = listener
  })
  useEffect(() => client.subscribe((e) => ref.current(e)), [client])
}

const alwaysOpen = { get: (): ConnectionState => 'open', subscribe: () => () => {} }

/** The live channel's state ('open' for clients without one). */
export function useConnection(): ConnectionState {
  const client = useApi() as Partial<StudioClient>
  const obs = client.connection ?? alwaysOpen
  return useSyncExternalStore(obs.subscribe, obs.get)
}

export interface Query<T> {
  data: T | undefined
  error: ApiError | Error | undefined
  loading: boolean
  reload(): void
}

/**
 * Runs `fn` when `deps` change or on reload(); keeps the previous data while reloading and drops
 * results that arrive after a newer call started.
 */
export function useQuery<T>(fn: () => Promise<T>, deps: unknown[]): Query<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | Error | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  })
  const [tick, setTick] = useState(0)
  const fnRef = useRef(fn)
  fnRef.current = fn
  useEffect(() => {
    let live = true
    setState((s) => (s.loading ? s : { ...s, loading: true }))
    fnRef.current().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (error: unknown) =>
        live &&
        setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false })),
    )
    return () => {
      live = false
    }
    // `deps` stand for fn's inputs, as with useEffect; fn itself is read from the ref.
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { ...state, reload }
}
