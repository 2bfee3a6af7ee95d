/** Hash routing: `#/runs/ID?x=y`. Works the same under file:// (Electron) and http (serve). */
import { createElement, type MouseEvent, type ReactNode, useSyncExternalStore } from 'react'

export interface Route {
  readonly path: string
  readonly params: URLSearchParams
}

const subscribe = (cb: () => void) => {
  window.addEventListener('hashchange', cb)
  return () => window.removeEventListener('hashchange', cb)
}
const getHash = () => window.location.hash

/** '#/runs/a%20b?x=1' → { path: '/runs/a b', params: x=1 }; empty → '/runs'. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '')
  const q = raw.indexOf('?')
  const pathPart = q < 0 ? raw : raw.slice(0, q)
  let path = pathPart || '/runs'
  try {
    path = decodeURI(path)
  } catch {
    /* keep it as typed */
  }
  if (!path.startsWith('/')) path = `/${path}`
  if (path.length > 1) path = path.replace(/\/+$/, '')
  if (path === '/') path = '/runs'
  return { path, params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) }
}

let cache: { hash: string; route: Route } | null = null

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash)
  if (!cache || cache.hash !== hash) cache = { hash, route: parseHash(hash) }
  return cache.route
}

export function navigate(to: string): void {
  const next = `#${to.startsWith('/') ? to : `/${to}`}`
  if (window.location.hash !== next) window.location.hash = next
}

/** The href for a route ('/runs/x' → '#/runs/x'). */
export const href = (to: string): string => `#${to.startsWith('/') ? to : `/${to}`}`

export interface LinkProps {
  readonly to: string
  readonly children?: ReactNode
  readonly className?: string
  readonly 'data-testid'?: string
  readonly title?: string
  readonly onClick?: (e: MouseEvent<HTMLAnchorElement>) => void
}

/** An anchor to a route: native link behaviour (open in new tab, keyboard) with the hash href. */
export function Link({ to, children, className, title, onClick, ...rest }: LinkProps) {
  return createElement('a', { href: href(to), className, title, onClick, 'data-testid': rest['data-testid'] }, children)
}
