/**
 * Parser of the search log of quark0/darts `cnn/train_search.py` and its forks (PC-DARTS, P-DARTS, …).
 * Format read from quark0/darts@4bfe432 cnn/train_search.py: `logging.info('epoch %d lr %e', …)`,
 * `'genotype = %s'`, `'train_acc %f'`, `'valid_acc %f'`, the per-step `'train %03d %e %f %f'` and
 * `'valid %03d %e %f %f'`, `"args = %s"` (a Namespace repr) and `"param size = %fMB"`, each after
 * `'%(asctime)s '`: `2019-06-25 15:00:02,123` in the FileHandler's log.txt, `06/25 03:00:02 PM` on
 * stdout (datefmt='%m/%d %I:%M:%S %p'). `print(F.softmax(model.alphas_normal, dim=-1))` and the reduce
 * one write torch tensor reprs (no timestamp) right after the genotype; they appear when stdout is
 * captured with the log, or when a fork logs them. Pure text in, data out; errors carry line numbers.
 */
import { parseGenotypes } from '../../core/genotype/parse/index'
import { GenotypeError } from '../../core/genotype/model'

export class DartsLogError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

export interface LogEpoch {
  readonly epoch: number
  readonly lr: number
  readonly genotype: string
  readonly normal: number[][] | null
  readonly reduce: number[][] | null
  /** Percent, as the log prints them. */
  readonly trainAcc: number
  readonly validAcc: number
  /** The last running averages of the step lines (DARTS prints no epoch loss). */
  readonly trainLoss: number | null
  readonly validLoss: number | null
  /** ms since the epoch; the epoch line and the valid_acc line. */
  readonly start: number
  readonly end: number
}

export interface DartsLog {
  readonly args: Readonly<Record<string, string | number | boolean | null>>
  readonly paramSizeM: number | null
  readonly start: number | null
  readonly epochs: readonly LogEpoch[]
  /** The epoch the log stops in the middle of (crashed or still running), which is left out. */
  readonly truncated: { readonly epoch: number; readonly line: number } | null
}

const STAMP = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:,\d{3})?|\d{2}\/\d{2} \d{2}:\d{2}:\d{2} [AP]M) (.*)$/

/** Log times are local to the machine that wrote them; we read them as UTC (only differences matter). */
function stampMs(s: string, year: number): number {
  const iso = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:,(\d{3}))?$/.exec(s)
  if (iso) return Date.UTC(+iso[1]!, +iso[2]! - 1, +iso[3]!, +iso[4]!, +iso[5]!, +iso[6]!, +(iso[7] ?? 0))
  const m = /^(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([AP])M$/.exec(s)!
  const h = (+m[3]! % 12) + (m[6] === 'P' ? 12 : 0)
  return Date.UTC(year, +m[1]! - 1, +m[2]!, h, +m[4]!, +m[5]!)
}

/** `Namespace(a=1, b='x', c=True)` → { a: 1, b: 'x', c: true }; splits on top-level commas only. */
export function parseNamespace(text: string): Record<string, string | number | boolean | null> {
  const inner = /^Namespace\((.*)\)$/.exec(text.trim())?.[1]
  if (inner === undefined) throw new Error('args is not a Namespace(...)')
  const out: Record<string, string | number | boolean | null> = {}
  const parts: string[] = []
  let depth = 0
  let quote: string | null = null
  let cur = ''
  for (const ch of inner) {
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'" || ch === '"') quote = ch
    else if ('([{'.includes(ch)) depth++
    else if (')]}'.includes(ch)) depth--
    else if (ch === ',' && depth === 0) {
      parts.push(cur)
      cur = ''
      continue
    }
    cur += ch
  }
  if (cur.trim()) parts.push(cur)
  for (const p of parts) {
    const eq = p.indexOf('=')
    if (eq < 0) continue
    const key = p.slice(0, eq).trim()
    const raw = p.slice(eq + 1).trim()
    if (/^(['"]).*\1$/.test(raw)) out[key] = raw.slice(1, -1)
    else if (raw === 'True' || raw === 'False') out[key] = raw === 'True'
    else if (raw === 'None') out[key] = null
    else if (raw !== '' && Number.isFinite(Number(raw))) out[key] = Number(raw)
    else out[key] = raw
  }
  return out
}

interface Partial {
  epoch: number
  lr: number
  line: number
  start: number
  genotype?: string
  tensors: number[][][]
  trainAcc?: number
  trainLoss?: number
  validLoss?: number
}

/** Parses a whole log. Throws DartsLogError (1-based line) on a line that breaks the format. */
export function parseDartsLog(text: string, now = new Date()): DartsLog {
  const lines = text.split(/\r?\n/)
  let args: Record<string, string | number | boolean | null> = {}
  let paramSizeM: number | null = null
  let start: number | null = null
  const epochs: LogEpoch[] = []
  let cur: Partial | null = null
  let tensor: { rows: string; line: number } | null = null
  const year = now.getUTCFullYear()
  const num = (s: string, what: string, line: number): number => {
    const v = Number(s)
    if (!Number.isFinite(v)) throw new DartsLogError(`${what} '${s}' is not a number`, line)
    return v
  }
  const finishTensor = (line: number) => {
    const body = /^tensor\((\[[\s\S]*\])(?:,\s*[a-z_]+=[^)]*\)?)*\)\s*$/.exec(tensor!.rows)?.[1]
    if (!body) throw new DartsLogError('unreadable tensor printout', tensor!.line)
    const rows = body
      .replace(/^\[|\]$/g, '')
      .split(/\]\s*,\s*\[/)
      .map((r) =>
        r
          .replace(/[[\]]/g, '')
          .split(',')
          .map((v) => num(v.trim(), 'tensor entry', line)),
      )
    if (!cur || !cur.genotype) throw new DartsLogError('a tensor printout before any genotype line', tensor!.line)
    cur.tensors.push(rows)
    tensor = null
  }
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const n = i + 1
    if (tensor) {
      tensor.rows += raw.trim()
      if (/\)\s*$/.test(raw)) finishTensor(n)
      continue
    }
    const m = STAMP.exec(raw)
    const msg = m ? m[2]! : raw.trim()
    if (msg.startsWith('tensor(')) {
      tensor = { rows: msg, line: n }
      if (/\)\s*$/.test(msg)) finishTensor(n)
      continue
    }
    if (!m) continue // warnings, tracebacks, blank lines: not ours
    const time = stampMs(m[1]!, year)
    start ??= time
    let g: RegExpExecArray | null
    if ((g = /^args = (Namespace\(.*\))$/.exec(msg))) {
      try {
        args = parseNamespace(g[1]!)
      } catch (err) {
        throw new DartsLogError((err as Error).message, n)
      }
    } else if ((g = /^param size = ([\d.eE+-]+)\s*MB$/.exec(msg))) paramSizeM = num(g[1]!, 'param size', n)
    else if ((g = /^epoch (\d+) lr (\S+)$/.exec(msg))) {
      const epoch = Number(g[1])
      if (cur)
        throw new DartsLogError(`epoch ${epoch} starts before epoch ${cur.epoch} reported valid_acc (two runs in one log?)`, n)
      const expected = epochs.length === 0 ? epoch : epochs.at(-1)!.epoch + 1
      if (epoch !== expected)
        throw new DartsLogError(`epoch ${epoch} follows epoch ${epochs.at(-1)?.epoch}; expected ${expected}`, n)
      cur = { epoch, lr: num(g[2]!, 'lr', n), line: n, start: time, tensors: [] }
    } else if ((g = /^genotype = (.*)$/.exec(msg))) {
      if (!cur) throw new DartsLogError('a genotype line outside an epoch (no "epoch N lr X" before it)', n)
      try {
        const parsed = parseGenotypes(g[1]!)
        if (parsed.length !== 1 || parsed[0]!.genotype.kind !== 'darts') throw new GenotypeError('not one DARTS genotype')
      } catch (err) {
        throw new DartsLogError(`bad genotype: ${err instanceof GenotypeError ? err.message : String(err)}`, n)
      }
      cur.genotype = g[1]!
    } else if ((g = /^train (\d+) (\S+) (\S+) (\S+)$/.exec(msg))) {
      if (cur) cur.trainLoss = num(g[2]!, 'train loss', n)
    } else if ((g = /^valid (\d+) (\S+) (\S+) (\S+)$/.exec(msg))) {
      if (cur) cur.validLoss = num(g[2]!, 'valid loss', n)
    } else if ((g = /^train_acc (\S+)$/.exec(msg))) {
      if (!cur) throw new DartsLogError('train_acc outside an epoch', n)
      cur.trainAcc = num(g[1]!, 'train_acc', n)
    } else if ((g = /^valid_acc (\S+)$/.exec(msg))) {
      if (!cur) throw new DartsLogError('valid_acc outside an epoch', n)
      if (cur.genotype === undefined) throw new DartsLogError(`epoch ${cur.epoch} has no genotype line`, n)
      if (cur.trainAcc === undefined) throw new DartsLogError(`epoch ${cur.epoch} has valid_acc but no train_acc`, n)
      const [normal, reduce] = [cur.tensors[0] ?? null, cur.tensors[1] ?? null]
      for (const [which, a] of [
        ['normal', normal],
        ['reduce', reduce],
      ] as const)
        if (a && (a.length === 0 || a.some((r) => r.length !== a[0]!.length)))
          throw new DartsLogError(`epoch ${cur.epoch}: the ${which} softmax(alpha) printout is not a matrix`, cur.line)
      epochs.push({
        epoch: cur.epoch,
        lr: cur.lr,
        genotype: cur.genotype,
        normal,
        reduce,
        trainAcc: cur.trainAcc,
        validAcc: num(g[1]!, 'valid_acc', n),
        trainLoss: cur.trainLoss ?? null,
        validLoss: cur.validLoss ?? null,
        start: cur.start,
        end: time,
      })
      cur = null
    }
  }
  // A log cut inside a printout is a truncated epoch like any other (the epoch line came first).
  if (tensor && !cur) throw new DartsLogError('the log ends inside a tensor printout', (tensor as { line: number }).line)
  if (epochs.length === 0 && !cur)
    throw new DartsLogError('no "epoch N lr X" line: not a DARTS search log', Math.max(1, lines.length))
  if (epochs.length === 0)
    throw new DartsLogError(`the log ends inside epoch ${cur!.epoch}: no complete epoch to import`, cur!.line)
  return { args, paramSizeM, start, epochs, truncated: cur ? { epoch: cur.epoch, line: cur.line } : null }
}
