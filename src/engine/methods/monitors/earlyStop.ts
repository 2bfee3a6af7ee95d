/**
 * R-DARTS early stopping on the dominant eigenvalue (METHODS.md §3.5; `RobustDARTS/src/utils.py:
 * EVLocalAvg`): a sliding mean of the last `window` eigenvalue records, and a stop when the newest local
 * average exceeds the one `delta` records earlier by more than `factor`. The genotype (and validation
 * accuracy) of every record epoch is kept, so a stop returns the genotype logged at `stop_epoch`.
 * Plain numbers only: the state is JSON for checkpoints.
 */

export interface EvLocalAvgOptions {
  /** Records in a local average (5). */
  readonly window: number
  /** Epochs between records (`report_freq_hessian`; R-DARTS scripts: 2). */
  readonly every: number
  /** Length of the run. */
  readonly epochs: number
}

export interface EarlyStopRule {
  /** Stop when LA[-1] / LA[-1-delta] > factor (1.3). */
  readonly factor: number
  /** No stop whose stop epoch would fall before this epoch (10). */
  readonly startEpoch: number
  /** Records between the two compared local averages (4). */
  readonly delta: number
}

export interface EvLocalAvgState {
  readonly ev: number[]
  readonly localAvg: number[]
  /** Record epoch → the epoch its local average is centred on (−1 while there are too few records). */
  readonly laEpochs: Record<string, number>
  readonly start: number
  readonly end: number
  readonly genotypes: Record<string, string>
  readonly valAccs: Record<string, number>
}

export interface StopDecision {
  readonly stop: boolean
  /** `la_epoch − every·delta`: the epoch whose genotype the run returns. */
  readonly stopEpoch?: number
  readonly ratio?: number
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

export class EvLocalAvg {
  ev: number[] = []
  localAvg: number[] = []
  laEpochs: Record<string, number> = {}
  private start = 0
  private end: number
  genotypes: Record<string, string> = {}
  valAccs: Record<string, number> = {}

  constructor(readonly opts: EvLocalAvgOptions) {
    this.end = opts.window
  }

  /** `update(epoch, ev, genotype)`: records λ_max of a record epoch and extends the local averages. */
  update(epoch: number, ev: number, genotype: string, valAcc: number): void {
    const { window, every, epochs } = this.opts
    this.ev.push(ev)
    this.genotypes[epoch] = genotype
    this.valAccs[epoch] = valAcc
    const half = Math.ceil(window / 2)
    if (this.ev.length >= half && epoch < epochs - 1) {
      // Truncated windows until there are `window` records, then a sliding one.
      if (this.ev.length < window) this.localAvg.push(mean(this.ev))
      else {
        this.localAvg.push(mean(this.ev.slice(this.start, this.end)))
        this.start += 1
        this.end += 1
      }
      this.laEpochs[epoch] = epoch - every * Math.floor(window / 2)
    } else if (this.ev.length < half) this.laEpochs[epoch] = -1
    // The last epoch's tail averages only serve R-DARTS's plots; no stop is decided there.
  }

  /** `early_stop(epoch, factor, es_start_epoch, delta)` at a record epoch that has just been updated. */
  decide(epoch: number, rule: EarlyStopRule): StopDecision {
    const la = this.laEpochs[epoch]
    if (la === undefined || la < 0) return { stop: false }
    const stopEpoch = la - this.opts.every * rule.delta
    if (stopEpoch < rule.startEpoch) return { stop: false }
    const current = this.localAvg[this.localAvg.length - 1]
    const previous = this.localAvg[this.localAvg.length - 1 - rule.delta]
    if (current === undefined || previous === undefined) return { stop: false }
    const ratio = current / previous
    return ratio > rule.factor ? { stop: true, stopEpoch, ratio } : { stop: false, ratio }
  }

  getState(): EvLocalAvgState {
    return {
      ev: [...this.ev],
      localAvg: [...this.localAvg],
      laEpochs: { ...this.laEpochs },
      start: this.start,
      end: this.end,
      genotypes: { ...this.genotypes },
      valAccs: { ...this.valAccs },
    }
  }

  setState(s: EvLocalAvgState): void {
    this.ev = [...s.ev]
    this.localAvg = [...s.localAvg]
    this.laEpochs = { ...s.laEpochs }
    this.start = s.start
    this.end = s.end
    this.genotypes = { ...s.genotypes }
    this.valAccs = { ...s.valAccs }
  }
}
