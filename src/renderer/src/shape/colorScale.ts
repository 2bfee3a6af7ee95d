/** A sequential colour scale (viridis stops) for heatmaps; pure. */

const VIRIDIS: readonly [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
]

/** t in [0,1] → 'rgb(r g b)'; NaN → a neutral grey. */
export function viridis(t: number): string {
  if (!Number.isFinite(t)) return 'rgb(150 150 150)'
  const x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1)
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x))
  const f = x - i
  const a = VIRIDIS[i]!
  const b = VIRIDIS[i + 1]!
  const c = (k: number) => Math.round(a[k]! + (b[k]! - a[k]!) * f)
  return `rgb(${c(0)} ${c(1)} ${c(2)})`
}

/** Normalises v into [0,1] over [min,max] (0.5 when the range is empty). */
export const unit = (v: number, min: number, max: number): number => (max > min ? (v - min) / (max - min) : 0.5)

/** A CSS linear-gradient of the scale, for the legend bar. */
export const viridisGradient = (): string =>
  `linear-gradient(to right, ${VIRIDIS.map((_, i) => viridis(i / (VIRIDIS.length - 1))).join(', ')})`

/** Text colour readable on the scale at t. */
export const textOn = (t: number): string => (t > 0.62 ? '#111' : '#fff')
