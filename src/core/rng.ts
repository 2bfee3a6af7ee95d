/**
 * Seeded random numbers with a state that can be saved in a checkpoint and restored, so a resumed
 * search draws exactly the numbers an uninterrupted one would. xoshiro128** (Blackman & Vigna),
 * seeded through splitmix32.
 */
export type RngState = [number, number, number, number]

function splitmix32(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export class Rng {
  private s: Uint32Array

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) this.s = Uint32Array.from(seed)
    else {
      const next = splitmix32(seed)
      this.s = Uint32Array.from([next(), next(), next(), next()])
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1 // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0
    const t = (s[1]! << 9) >>> 0
    s[2]! ^= s[0]!
    s[3]! ^= s[1]!
    s[1]! ^= s[2]!
    s[0]! ^= s[3]!
    s[2]! ^= t
    s[3] = rotl(s[3]!, 11)
    return result
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextU32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Standard normal (Box–Muller; one value per call keeps the state simple to save). */
  normal(): number {
    const u = 1 - this.next()
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<A extends { length: number; [index: number]: unknown }>(xs: A): A {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = xs[i]
      xs[i] = xs[j]
      xs[j] = tmp
    }
    return xs
  }

  /** A derived, independent generator (e.g. one per data loader) that does not disturb this one's sequence beyond one draw. */
  fork(): Rng {
    return new Rng(this.nextU32() ^ 0x5bd1e995)
  }

  getState(): RngState {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!]
  }

  setState(state: RngState): void {
    this.s = Uint32Array.from(state)
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0
