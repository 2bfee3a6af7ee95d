/** Every setting of the selected preset as a form row: key, value input, inline help. Edits are raw strings. */
import { memo, useMemo, useState } from 'react'
import type { PresetInfo, SettingHelp } from '../../../../shared/api'
import { configFields, type FieldSpec, formatValue, valueAt } from '../../shape/launch'

const FIELDS = configFields()

export const SettingsForm = memo(function SettingsForm({
  preset,
  help,
  edits,
  badKey,
  error,
  onEdit,
  onReset,
}: {
  preset: PresetInfo
  help: readonly SettingHelp[]
  edits: Readonly<Record<string, string>>
  badKey: string | null
  /** The one-line validation error of the current settings, if any. */
  error: string | null
  onEdit(key: string, value: string | null): void
  onReset(): void
}) {
  const [filter, setFilter] = useState('')
  const [onlyChanged, setOnlyChanged] = useState(false)
  const helpOf = useMemo(() => new Map(help.map((h) => [h.key, h.help])), [help])
  const f = filter.trim().toLowerCase()
  const rows = FIELDS.filter((fd) => {
    const changed = fd.key in edits && edits[fd.key] !== formatValue(valueAt(preset.config, fd.key))
    if (onlyChanged && !changed) return false
    return !f || fd.key.toLowerCase().includes(f) || (helpOf.get(fd.key) ?? '').toLowerCase().includes(f)
  })
  const nChanged = Object.keys(edits).filter((k) => edits[k] !== formatValue(valueAt(preset.config, k))).length
  let lastGroup: string | null = null
  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Settings</h2>
        <span className="small muted">
          from <span className="mono">{preset.name}</span>
          {nChanged > 0 && ` · ${nChanged} changed`}
        </span>
        <div className="grow" />
        <label className="row xs muted">
          <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} /> changed only
        </label>
        <input
          type="search"
          placeholder="Find a setting…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          style={{ width: 170 }}
          aria-label="Find a setting"
        />
        <button className="ghost xs" disabled={nChanged === 0} onClick={onReset}>
          Reset
        </button>
      </div>
      {error && (
        <div className="error-line" style={{ padding: 'var(--space-2) var(--space-3) 0' }} data-testid="settings-error">
          {error}
        </div>
      )}
      <div className="panel-body field-grid" data-testid="settings-form">
        {rows.map((fd) => {
          const header = fd.group !== lastGroup ? fd.group : null
          lastGroup = fd.group
          const base = formatValue(valueAt(preset.config, fd.key))
          const value = edits[fd.key] ?? base
          return (
            <Row
              key={fd.key}
              fd={fd}
              header={header}
              value={value}
              changed={value !== base}
              bad={badKey === fd.key}
              help={helpOf.get(fd.key) ?? ''}
              base={base}
              onEdit={onEdit}
            />
          )
        })}
        {rows.length === 0 && <div className="small muted">No setting matches.</div>}
      </div>
    </div>
  )
})

function Row(p: {
  fd: FieldSpec
  header: string | null
  value: string
  changed: boolean
  bad: boolean
  help: string
  base: string
  onEdit(key: string, v: string | null): void
}) {
  const { fd } = p
  const set = (v: string) => p.onEdit(fd.key, v === p.base ? null : v)
  const input =
    fd.kind === 'enum' || fd.kind === 'boolean' ? (
      <select value={p.value} onChange={(e) => set(e.target.value)} aria-label={fd.key} className={p.bad ? 'invalid' : undefined}>
        {[...fd.options, ...(fd.nullable ? ['null'] : [])].map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    ) : (
      <input
        value={p.value}
        onChange={(e) => set(e.target.value)}
        aria-label={fd.key}
        className={`num${p.bad ? ' invalid' : ''}`}
        placeholder={fd.nullable ? 'null' : undefined}
        inputMode={fd.kind === 'number' ? 'decimal' : undefined}
        data-setting={fd.key}
      />
    )
  return (
    <>
      {p.header !== null && <div className="field-group-title">{p.header || 'general'}</div>}
      <div className={`field-key${p.changed ? ' changed' : ''}`} title={fd.key}>
        {fd.key}
      </div>
      {input}
      <div className="field-help" title={p.help}>
        {p.changed && <span className="mono">was {p.base} · </span>}
        {p.help}
      </div>
    </>
  )
}
