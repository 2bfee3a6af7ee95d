/** Checkpoints of the run (epoch, step, size, reason, time) and its flattened params. */
import { memo, useState } from 'react'
import type { RunDetail } from '../../../../shared/api'
import { bytes, dateTime } from '../../shape/format'

export const Checkpoints = memo(function Checkpoints({ checkpoints }: { checkpoints: RunDetail['checkpoints'] }) {
  const list = [...checkpoints].reverse()
  return (
    <div className="panel" data-testid="checkpoints">
      <div className="panel-head">
        <h2>Checkpoints</h2>
        <span className="small muted">{checkpoints.length}</span>
      </div>
      {list.length === 0 ? (
        <div className="state small">No checkpoint yet: one is written after every epoch.</div>
      ) : (
        <div className="table-wrap" style={{ maxHeight: 220 }}>
          <table className="data">
            <thead>
              <tr>
                <th className="num">Epoch</th>
                <th className="num">Step</th>
                <th className="num">Size</th>
                <th>Reason</th>
                <th className="num">Time</th>
                <th>File</th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={`${c.epoch}-${c.step}-${c.file}`} style={{ cursor: 'default' }}>
                  <td className="num">{c.epoch}</td>
                  <td className="num">{c.step}</td>
                  <td className="num">{bytes(c.bytes)}</td>
                  <td>{c.reason}</td>
                  <td className="num">{dateTime(c.time)}</td>
                  <td className="mono xs muted" title={c.file}>
                    {c.file.split(/[\\/]/).pop()}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
})

export const ParamsPanel = memo(function ParamsPanel({ params }: { params: RunDetail['params'] }) {
  const [filter, setFilter] = useState('')
  const entries = Object.entries(params).filter(([k, v]) => !filter || `${k}=${v}`.toLowerCase().includes(filter.toLowerCase()))
  return (
    <div className="panel">
      <div className="panel-head">
        <h2>Config</h2>
        <span className="small muted">{Object.keys(params).length} params</span>
        <div className="grow" />
        <input
          type="search"
          placeholder="Find…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          style={{ width: 140 }}
          aria-label="Find a param"
        />
      </div>
      <div className="table-wrap" style={{ maxHeight: 260 }}>
        <table className="data">
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k} style={{ cursor: 'default' }}>
                <td className="mono xs">{k}</td>
                <td className="mono xs">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
})
