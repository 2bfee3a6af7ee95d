/** Inline editors of the runs table: a run's note and its tags (saved with runs.note / runs.tag). */
import { type KeyboardEvent, memo, useState } from 'react'

const stop = (e: { stopPropagation(): void }) => e.stopPropagation()

/** Click to edit; Enter saves, Escape cancels, blur saves. */
export const NoteCell = memo(function NoteCell({
  id,
  note,
  onSave,
}: {
  id: string
  note: string | null
  onSave(id: string, text: string | null): void
}) {
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState('')
  if (editing) {
    const done = (save: boolean) => {
      setEditing(false)
      const t = text.trim()
      if (save && t !== (note ?? '')) onSave(id, t || null)
    }
    return (
      <input
        autoFocus
        value={text}
        onClick={stop}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => done(true)}
        onKeyDown={(e: KeyboardEvent) => {
          e.stopPropagation()
          if (e.key === 'Enter') done(true)
          if (e.key === 'Escape') done(false)
        }}
        style={{ width: 200, minHeight: 22, padding: '1px 5px' }}
        aria-label="Note"
        data-testid="note-input"
      />
    )
  }
  return (
    <div
      className={`inline-edit small${note ? '' : ' muted'}`}
      role="button"
      tabIndex={0}
      title={note ?? 'Add a note'}
      onClick={(e) => {
        stop(e)
        setText(note ?? '')
        setEditing(true)
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          stop(e)
          setText(note ?? '')
          setEditing(true)
        }
      }}
      data-testid="run-note"
    >
      {note || '+ note'}
    </div>
  )
})

/** Tags as chips (× removes); '+' opens a `key=value` input. */
export const TagsCell = memo(function TagsCell({
  id,
  tags,
  onTag,
}: {
  id: string
  tags: Readonly<Record<string, string>>
  onTag(id: string, key: string, value: string | null): void
}) {
  const [adding, setAdding] = useState(false)
  const [text, setText] = useState('')
  const [error, setError] = useState(false)
  const entries = Object.entries(tags)
  const submit = () => {
    const t = text.trim()
    if (!t) return setAdding(false)
    const eq = t.indexOf('=')
    const key = (eq < 0 ? t : t.slice(0, eq)).trim()
    const value = eq < 0 ? '' : t.slice(eq + 1).trim()
    if (!key) return setError(true)
    onTag(id, key, value)
    setAdding(false)
    setText('')
  }
  return (
    <div className="row tags-cell" style={{ gap: 3 }} onClick={stop}>
      {entries.map(([k, v]) => (
        <span className="tag" key={k} title={`${k}=${v}`}>
          <span className="tag-text">{v ? `${k}=${v}` : k}</span>
          <button aria-label={`Remove tag ${k}`} onClick={() => onTag(id, k, null)}>
            ×
          </button>
        </span>
      ))}
      {adding ? (
        <input
          autoFocus
          value={text}
          placeholder="key=value"
          className={error ? 'invalid' : undefined}
          onChange={(e) => {
            setText(e.target.value)
            setError(false)
          }}
          onBlur={submit}
          onKeyDown={(e) => {
            e.stopPropagation()
            if (e.key === 'Enter') submit()
            if (e.key === 'Escape') setAdding(false)
          }}
          style={{ width: 120, minHeight: 22, padding: '1px 5px' }}
          aria-label="New tag"
          data-testid="tag-input"
        />
      ) : (
        <button
          className="ghost icon xs muted"
          title="Add a tag"
          aria-label="Add a tag"
          onClick={() => setAdding(true)}
          data-testid="tag-add"
        >
          +
        </button>
      )}
    </div>
  )
})
