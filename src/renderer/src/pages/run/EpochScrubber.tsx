/** The epoch scrubber: a range over the epochs that have α or a genotype, with play/pause. */
import { useEffect } from 'react'

export function EpochScrubber({
  epochs,
  index,
  playing,
  onIndex,
  onPlaying,
  following,
}: {
  epochs: readonly number[]
  index: number
  playing: boolean
  onIndex(i: number): void
  onPlaying(p: boolean): void
  following: boolean
}) {
  const last = epochs.length - 1
  useEffect(() => {
    if (!playing) return
    const t = setInterval(() => {
      if (index >= last) onPlaying(false)
      else onIndex(index + 1)
    }, 700)
    return () => clearInterval(t)
  }, [playing, index, last, onIndex, onPlaying])
  const epoch = epochs[index]
  return (
    <div className="scrubber">
      <button
        className="icon"
        onClick={() => {
          if (!playing && index >= last) onIndex(0)
          onPlaying(!playing)
        }}
        disabled={epochs.length < 2}
        aria-label={playing ? 'Pause' : 'Play'}
        title={playing ? 'Pause' : 'Play through the epochs'}
        data-testid="epoch-play"
      >
        {playing ? '❚❚' : '▶'}
      </button>
      <span className="num small" style={{ minWidth: 64, fontWeight: 600 }} data-testid="epoch-label">
        epoch {epoch ?? '–'}
      </span>
      <input
        type="range"
        min={0}
        max={Math.max(0, last)}
        step={1}
        value={index}
        onChange={(e) => {
          onPlaying(false)
          onIndex(Number(e.target.value))
        }}
        aria-label="Epoch"
        aria-valuetext={`epoch ${epoch ?? ''}`}
        disabled={epochs.length === 0}
        data-testid="epoch-scrubber"
      />
      <span className="xs muted num">
        {epochs.length ? `${epochs[0]}–${epochs[last]}` : 'no α yet'}
        {following && epochs.length > 0 ? ' · following live' : ''}
      </span>
    </div>
  )
}
