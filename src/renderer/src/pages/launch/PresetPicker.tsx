/** Method presets grouped by family, filterable, each a checkbox (`preset-option`). */
import { memo, useMemo, useState } from 'react'
import type { PresetInfo } from '../../../../shared/api'
import { methodLink } from '../../../../shared/links'
import { groupPresets } from '../../shape/launch'

export const PresetPicker = memo(function PresetPicker({
  presets,
  selected,
  onChange,
}: {
  presets: readonly PresetInfo[]
  selected: readonly string[]
  onChange(next: string[]): void
}) {
  const [filter, setFilter] = useState('')
  const groups = useMemo(() => groupPresets(presets, filter), [presets, filter])
  const toggle = (name: string, on: boolean) => onChange(on ? [...selected, name] : selected.filter((n) => n !== name))
  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Methods</h2>
        <span className="small muted">{selected.length} selected</span>
        <div className="grow" />
        {selected.length > 0 && (
          <button className="ghost xs" onClick={() => onChange([])}>
            Clear
          </button>
        )}
      </div>
      <div style={{ padding: 'var(--space-2) var(--space-3)', borderBottom: '1px solid var(--border)' }}>
        <input
          type="search"
          placeholder="Filter presets…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          style={{ width: '100%' }}
          aria-label="Filter presets"
          data-testid="preset-filter"
        />
      </div>
      <div className="preset-list">
        {groups.length === 0 && <div className="state small">No preset matches.</div>}
        {groups.map((g) => (
          <div className="preset-group" key={g.method}>
            <div className="preset-group-title row">
              <span className="grow">{g.method}</span>
              <MethodLink method={g.method} />
            </div>
            {g.presets.map((p) => {
              const on = selected.includes(p.name)
              return (
                <label key={p.name} className={`preset${on ? ' checked' : ''}`} title={p.summary}>
                  <input
                    type="checkbox"
                    checked={on}
                    onChange={(e) => toggle(p.name, e.target.checked)}
                    data-testid="preset-option"
                    data-preset={p.name}
                  />
                  <span className="grow">
                    <div className="row">
                      <span className="preset-name grow">{p.name}</span>
                      <button
                        className="ghost xs preset-only"
                        onClick={(e) => {
                          e.preventDefault()
                          onChange([p.name])
                        }}
                        title={`Select only ${p.name}`}
                      >
                        only
                      </button>
                    </div>
                    <div className="preset-summary">
                      {p.config.dataset} · {p.config.epochs} ep · C={p.config.C} · {p.config.layers} cells
                    </div>
                    <div className="preset-summary">{p.summary}</div>
                  </span>
                </label>
              )
            })}
          </div>
        ))}
      </div>
    </div>
  )
})

/**
 * The method's paper (or code), from the one list the Electron shell also opens links from; a new
 * tab in a browser, the system browser in the app (its window-open handler denies the window).
 */
function MethodLink({ method }: { method: string }) {
  const link = methodLink(method)
  if (!link) return null
  return (
    <a
      href={link.url}
      target="_blank"
      rel="noreferrer"
      className="preset-paper"
      title={link.label}
      data-testid="method-link"
      data-method={method}
    >
      {link.url.startsWith('https://arxiv.org/') ? 'paper' : 'code'}
    </a>
  )
}
