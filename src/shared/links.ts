/**
 * The external pages the app links to, in one list: each method's paper (its arXiv abstract page) or,
 * where it has none there, its official code (METHODS.md §3 names both). The renderer draws its links
 * from this list and the Electron shell opens in the browser only URLs on it (src/main/electron), so a
 * link shown in the app always opens and nothing else does.
 */
import { METHOD_NAMES } from '../core/config/search'

export type MethodName = (typeof METHOD_NAMES)[number]

export interface ExternalLink {
  readonly url: string
  /** What the link says, e.g. "Liu et al., ICLR 2019 (arXiv 1806.09055)". */
  readonly label: string
}

const arxiv = (id: string, who: string): ExternalLink => ({
  url: `https://arxiv.org/abs/${id}`,
  label: `${who} (arXiv ${id})`,
})

/** Per method: the paper, or the code where the method is not on arXiv. */
export const METHOD_LINKS: Readonly<Record<MethodName, ExternalLink>> = {
  darts: arxiv('1806.09055', 'Liu et al., ICLR 2019'),
  hdarts: {
    url: 'https://github.com/sjoshi804/hierarchical-darts-neural-architecture-search',
    label: 'sjoshi804/hierarchical-darts-neural-architecture-search (a course project, no paper)',
  },
  'pr-darts': arxiv('2006.16537', 'Zhou et al., NeurIPS 2020'),
  'pc-darts': arxiv('1907.05737', 'Xu et al., ICLR 2020'),
  'fair-darts': arxiv('1911.12126', 'Chu et al., ECCV 2020'),
  'sdarts-rs': arxiv('2002.05283', 'Chen & Hsieh, ICML 2020'),
  'sdarts-adv': arxiv('2002.05283', 'Chen & Hsieh, ICML 2020'),
  'darts-minus': arxiv('2009.01027', 'Chu et al., ICLR 2021'),
  'beta-darts': arxiv('2203.01665', 'Ye et al., CVPR 2022'),
  e2nas: { url: 'https://github.com/miaozhang0525/EENAS', label: 'Zhang et al., NeurIPS 2020 (code: miaozhang0525/EENAS)' },
}

/** The link for a method name as the API reports it, or null for a name not on the list. */
export const methodLink = (method: string): ExternalLink | null =>
  Object.hasOwn(METHOD_LINKS, method) ? METHOD_LINKS[method as MethodName] : null

const ALLOWED = new Set(Object.values(METHOD_LINKS).map((l) => new URL(l.url).href))

/**
 * Whether `url` is one of the app's external links, compared after URL parsing (so case in the host
 * or a default port does not matter, but another path, query, scheme or credentials do).
 */
export function isExternalLink(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  return u.protocol === 'https:' && !u.username && !u.password && ALLOWED.has(u.href)
}
