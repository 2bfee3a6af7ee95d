/** Scrubs a run's genotype through its epochs (the last stop is the final genotype), with play/pause. */
import { useEffect, useState } from 'react'

export interface EpochScrubberProps {
  readonly epochs: readonly number[]
  /** null = final genotype. */
  readonly epoch: number | null
  readonly onChange: (epoch: number | null) => void
  readonly hasFinal: boolean
}

export function EpochScrubber({ epochs, epoch, onChange, hasFinal }: EpochScrubberProps) {
  const stops: (number | null)[] = hasFinal ? [...epochs, null] : [...epochs]
  const index = Math.max(0, epoch === null ? stops.length - 1 : stops.findIndex((e) => e === epoch))
  const [playing, setPlaying] = useState(false)
  useEffect(() => {
    if (!playing) return
    const t = setTimeout(() => {
      if (index >= stops.length - 1) setPlaying(false)
      else onChange(stops[index + 1]!)
    }, 650)
    return () => clearTimeout(t)
  }, [playing, index, stops, onChange])
  if (stops.length === 0) return <div className="muted small">This run has not logged a genotype yet.</div>
  const current = stops[index]
  return (
    <div className="epoch-scrubber row">
      <button
        className="icon"
        aria-label={playing ? 'Pause' : 'Play through epochs'}
        title={playing ? 'Pause' : 'Play through epochs'}
        data-testid="cell-epoch-play"
        onClick={() => {
          if (!playing && index >= stops.length - 1) onChange(stops[0]!)
          setPlaying(!playing)
        }}
      >
        {playing ? '❚❚' : '▶'}
      </button>
      <input
        type="range"
        className="grow"
        min={0}
        max={Math.max(0, stops.length - 1)}
        step={1}
        value={index}
        aria-label="Epoch"
        data-testid="cell-epoch-scrubber"
        onChange={(e) => {
          setPlaying(false)
          onChange(stops[Number(e.target.value)] ?? null)
        }}
      />
      <span className="mono small epoch-label">{current === null || current === undefined ? 'final' : `epoch ${current}`}</span>
    </div>
  )
}
