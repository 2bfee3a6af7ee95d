/**
 * Progress of several runs at once: on a TTY, one live line per running run under a scrolling log of
 * finished epochs and status changes; in logs and pipes, only the log lines.
 */
import type { RunEvent } from '../core/events'
import type { RunRow } from '../main/store'
import { formatDuration } from './progress'

/** `darts-1st-quick-s2-291c`: the run id without its timestamp. */
export const runLabel = (id: string): string => id.replace(/^\d{8}-\d{6}-/, '')

export class MultiProgressView {
  private readonly live = new Map<string, string>()
  private readonly status = new Map<string, string>()
  private drawn = 0
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly out: NodeJS.WriteStream) {}

  private get tty(): boolean {
    return Boolean(this.out.isTTY)
  }

  /** A log line above the live block. */
  line(text: string): void {
    this.clear()
    this.out.write(text + '\n')
    this.draw()
  }

  run(r: RunRow): void {
    const label = runLabel(r.id)
    const what = r.status + (r.statusReason && r.statusReason !== r.status ? ` (${r.statusReason})` : '')
    if (this.status.get(r.id) !== what) {
      this.status.set(r.id, what)
      const tail =
        r.status === 'finished' ? `: best val acc ${r.bestValAcc === null ? '-' : `${(100 * r.bestValAcc).toFixed(1)}%`}` : ''
      this.line(`${label}  ${what}${tail}${r.error && r.status !== 'finished' ? `: ${r.error}` : ''}`)
    }
    if (r.status !== 'running') this.live.delete(r.id)
    else if (!this.live.has(r.id)) this.live.set(r.id, `${label}  starting`)
    this.soon()
  }

  event(runId: string, e: RunEvent): void {
    const label = runLabel(runId)
    if (e.type === 'progress') {
      const total = this.epochs.get(runId) ?? '?'
      this.live.set(
        runId,
        `${label}  epoch ${e.epoch + 1}/${total} step ${e.step}/${e.stepsPerEpoch}  ETA ${formatDuration(e.etaSec)}  ` +
          `loss ${e.trainLoss.toFixed(3)} acc ${(100 * e.trainAcc).toFixed(1)}%`,
      )
      this.soon()
    } else if (e.type === 'started') {
      this.epochs.set(runId, e.epochs)
    } else if (e.type === 'epoch') {
      const total = this.epochs.get(runId) ?? '?'
      this.line(
        `${label}  epoch ${e.epoch + 1}/${total}: val acc ${(100 * e.valAcc).toFixed(1)}%  train loss ${e.trainLoss.toFixed(3)}  ` +
          `skips ${e.skipsNormal}/${e.skipsReduce}  ${formatDuration(e.epochSec)}`,
      )
    } else if (e.type === 'resumed') {
      this.line(`${label}  resumed at epoch ${e.epoch + 1}, step ${e.step}`)
      for (const w of e.warnings ?? []) this.line(`${label}  warning: ${w}`)
    }
  }

  /** Total epochs per run, from run rows or 'started' events. */
  readonly epochs = new Map<string, number>()

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.clear()
  }

  private soon(): void {
    if (!this.tty || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.clear()
      this.draw()
    }, 100)
    this.timer.unref()
  }

  private clear(): void {
    if (!this.tty || !this.drawn) return
    this.out.write(`\x1b[${this.drawn}A\x1b[0J`)
    this.drawn = 0
  }

  private draw(): void {
    if (!this.tty) return
    const width = Math.max(20, (this.out.columns ?? 100) - 1)
    const lines = [...this.live.values()].map((l) => (l.length > width ? l.slice(0, width - 1) + '…' : l))
    if (lines.length) this.out.write(lines.join('\n') + '\n')
    this.drawn = lines.length
  }
}
