/** A one-line progress bar with ETA for a TTY, and sparse plain lines for logs and pipes. */
import type { RunEvent } from '../core/events'

export const formatDuration = (sec: number): string => {
  if (!Number.isFinite(sec) || sec < 0) return '--:--'
  const s = Math.round(sec)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number) => String(n).padStart(2, '0')
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`
}

export class ProgressView {
  private lastPlain = -1
  private drawn = false

  constructor(
    private readonly out: NodeJS.WriteStream,
    private epochs: number,
  ) {}

  private get tty(): boolean {
    return Boolean(this.out.isTTY)
  }

  /** Prints a finished line above the bar. */
  line(text: string): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K')
    this.out.write(text + '\n')
    this.drawn = false
  }

  event(e: RunEvent): void {
    // The worker counts the epochs it will run (DARTS-PT's tuning epochs come after the config's).
    if (e.type === 'started') this.epochs = e.epochs
    if (e.type === 'progress') {
      const frac = e.step / Math.max(1, e.stepsPerEpoch)
      const width = 24
      const filled = Math.round(frac * width)
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`
      const text =
        `epoch ${e.epoch + 1}/${this.epochs} ${bar} ${e.step}/${e.stepsPerEpoch}  ETA ${formatDuration(e.etaSec)}  ` +
        `loss ${e.trainLoss.toFixed(3)}  acc ${(100 * e.trainAcc).toFixed(1)}%  ${e.imagesPerSec.toFixed(1)} img/s`
      if (this.tty) {
        this.out.write(`\r\x1b[2K${text}`)
        this.drawn = true
      } else {
        // Logs get a line every 10 % of an epoch.
        const tenth = Math.floor(frac * 10)
        const key = e.epoch * 11 + tenth
        if (key !== this.lastPlain) {
          this.lastPlain = key
          this.out.write(text + '\n')
        }
      }
    } else if (e.type === 'epoch') {
      this.line(
        `epoch ${e.epoch + 1}/${this.epochs} done in ${formatDuration(e.epochSec)}: train loss ${e.trainLoss.toFixed(3)} acc ${(100 * e.trainAcc).toFixed(1)}%, ` +
          `val loss ${e.valLoss.toFixed(3)} acc ${(100 * e.valAcc).toFixed(1)}%, lr ${e.lr.toPrecision(3)}, skips ${e.skipsNormal}/${e.skipsReduce}`,
      )
    } else if (e.type === 'evalEpoch') {
      this.line(
        `epoch ${e.epoch + 1}/${this.epochs} done in ${formatDuration(e.epochSec)}: train loss ${e.trainLoss.toFixed(3)} acc ${(100 * e.trainAcc).toFixed(1)}%, ` +
          `test loss ${e.testLoss.toFixed(3)} acc ${(100 * e.testAcc).toFixed(1)}%, lr ${e.lr.toPrecision(3)}, drop path ${e.dropPath.toFixed(3)}`,
      )
    } else if (e.type === 'genotype') {
      this.line(`  genotype = ${e.text}`)
    } else if (e.type === 'benchmark') {
      const c10 = e.scores['cifar10.test']
      if (c10)
        this.line(
          `  ${e.final ? 'final cell' : 'derived cell'}: NB201 CIFAR-10 test ${c10.accuracy.toFixed(2)}% (200 epochs, mean of seeds; percentile ${c10.percentile.toFixed(1)}; ${e.table.kind} table)`,
        )
    } else if (e.type === 'started') {
      this.line(
        `backend ${e.backend.name} (${e.backend.package} ${e.backend.version}; ${e.backend.device}); ${e.weights} weights; ${e.stepsPerEpoch} steps/epoch`,
      )
    } else if (e.type === 'resumed') {
      this.line(`resumed at epoch ${e.epoch + 1}, step ${e.step} on ${e.backend.name}`)
      for (const w of e.warnings ?? []) this.line(`warning: ${w}`)
    } else if (e.type === 'checkpoint' && e.reason === 'signal') {
      this.line(`checkpoint saved at epoch ${e.epoch + 1}, step ${e.step}`)
    } else if (e.type === 'failed') {
      this.line(`failed: ${e.message}`)
    }
  }
}
