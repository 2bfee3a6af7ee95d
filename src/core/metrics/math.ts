/** Numerically stable activations for architecture weights (plain arrays, no tensors). */

/** `softmax(x)_i = exp(x_i − max x) / Σ exp(x_j − max x)`; shifting by the max keeps exp from overflowing. */
export function softmax(xs: readonly number[]): number[] {
  if (xs.length === 0) return []
  const max = Math.max(...xs)
  const exps = xs.map((x) => Math.exp(x - max))
  const sum = exps.reduce((a, b) => a + b, 0)
  return exps.map((e) => e / sum)
}

/** Row-wise softmax, as `F.softmax(α, dim=-1)` on an `[edges, ops]` matrix. */
export const softmaxRows = (rows: readonly (readonly number[])[]): number[][] => rows.map(softmax)

/** `σ(x) = 1 / (1 + e^−x)`, evaluated through `e^x` for negative x so neither branch overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x))
  const e = Math.exp(x)
  return e / (1 + e)
}

export const sigmoidRows = (rows: readonly (readonly number[])[]): number[][] => rows.map((r) => r.map(sigmoid))

/** Index of the largest entry among those `keep` accepts; strict `>` so the first index wins ties (DARTS's `k_best`). */
export function argmax(xs: readonly number[], keep: (index: number) => boolean = () => true): number {
  let best = -1
  xs.forEach((x, k) => {
    if (keep(k) && (best < 0 || x > xs[best]!)) best = k
  })
  return best
}
