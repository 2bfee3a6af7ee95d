/**
 * The launch page's method links come from the list the Electron shell opens (src/shared/links.ts):
 * every https link the preset picker renders is allowed, and every method family shows one.
 */
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { PRESETS } from '../../src/core/config/search'
import { PresetPicker } from '../../src/renderer/src/pages/launch/PresetPicker'
import { isExternalLink, methodLink } from '../../src/shared/links'

describe('method links in the preset picker', () => {
  it('renders one allowed paper or code link per method, opening outside the app', () => {
    const html = renderToStaticMarkup(createElement(PresetPicker, { presets: PRESETS, selected: [], onChange: () => {} }))
    const links = [...html.matchAll(/<a [^>]*>/g)].map((m) => m[0])
    const hrefs = links.map((a) => /href="([^"]+)"/.exec(a)![1]!)
    const methods = [...new Set(PRESETS.map((p) => p.config.method))]
    expect(hrefs).toEqual(methods.map((m) => methodLink(m)!.url))
    for (const [i, a] of links.entries()) {
      expect(isExternalLink(hrefs[i]!), hrefs[i]).toBe(true)
      expect(a).toContain('target="_blank"')
      expect(a).toContain('rel="noreferrer"')
    }
  })
})
