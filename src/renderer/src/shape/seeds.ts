/** Seed lists as people type them: '0,1,2', '0-4', '0-2, 5'. Pure. */

export const MAX_SEED = 2 ** 31 - 1
export const MAX_SEEDS = 1000

export type SeedsResult = { ok: true; seeds: number[] } | { ok: false; error: string }

/** Parses a seed list; duplicates are dropped, order kept. The error names the bad part. */
export function parseSeeds(text: string): SeedsResult {
  const parts = text
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean)
  if (!parts.length) return { ok: false, error: 'enter at least one seed, e.g. 0 or 0-2' }
  const out: number[] = []
  const seen = new Set<number>()
  const push = (n: number) => {
    if (!seen.has(n)) {
      seen.add(n)
      out.push(n)
    }
  }
  for (const part of parts) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part)
    if (range) {
      const a = Number(range[1])
      const b = Number(range[2])
      if (a > b) return { ok: false, error: `'${part}': a range goes low-high` }
      if (b > MAX_SEED) return { ok: false, error: `'${part}': seeds go up to ${MAX_SEED}` }
      if (b - a + 1 + out.length > MAX_SEEDS) return { ok: false, error: `too many seeds (limit ${MAX_SEEDS})` }
      for (let s = a; s <= b; s++) push(s)
      continue
    }
    if (!/^\d+$/.test(part)) return { ok: false, error: `'${part}' is not a seed (whole numbers ≥ 0, or a range like 0-4)` }
    const n = Number(part)
    if (n > MAX_SEED) return { ok: false, error: `'${part}': seeds go up to ${MAX_SEED}` }
    push(n)
    if (out.length > MAX_SEEDS) return { ok: false, error: `too many seeds (limit ${MAX_SEEDS})` }
  }
  return { ok: true, seeds: out }
}

/** The shortest text for a seed list: [0,1,2,5] → '0-2,5'. */
export function formatSeeds(seeds: readonly number[]): string {
  const sorted = [...new Set(seeds)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]))
    i = j + 1
  }
  return parts.join(',')
}
