/** Number, time and size formatting shared by every view (pure; no React). */

/** 0.9312 → '93.12%'; null/NaN → '–'. */
export function pct(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(digits)}%`
}

/** Seconds → '45s', '12m 05s', '3h 04m', '2d 5h'; null → '–'. */
export function duration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec) || sec < 0) return '–'
  const s = Math.round(sec)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`
  return `${Math.floor(h / 24)}d ${h % 24}h`
}

/** ETA text for a run: 'ETA 12m 05s', or '' when unknown. */
export function eta(sec: number | null | undefined): string {
  return sec === null || sec === undefined || !Number.isFinite(sec) ? '' : `ETA ${duration(sec)}`
}

/** Bytes → '512 B', '1.5 KiB', '23.4 MiB', '1.20 GiB'. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`
}

/** Compact count: 1234 → '1.23k', 2.5e6 → '2.50M'. */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  const a = Math.abs(n)
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`
  if (a >= 1e3) return `${(n / 1e3).toFixed(2)}k`
  return String(n)
}

/** A metric value for tooltips and tables: 4 significant digits, exponent for tiny/huge values. */
export function metric(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–'
  if (Number.isNaN(v)) return 'NaN'
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞'
  const a = Math.abs(v)
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2)
  return String(Number(v.toPrecision(4)))
}

/** Epoch-ms → 'YYYY-MM-DD HH:MM' in local time; null → '–'. */
export function dateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** Epoch-ms relative to `now`: 'just now', '5m ago', '3h ago', '2d ago'. */
export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  const s = Math.max(0, (now - ms) / 1000)
  if (s < 45) return 'just now'
  if (s < 3600) return `${Math.round(s / 60)}m ago`
  if (s < 86400) return `${Math.round(s / 3600)}h ago`
  return `${Math.round(s / 86400)}d ago`
}

/** Shortens a long id in the middle, keeping its start (date) and its unique tail: '20261128-062213…s0-67fd'. */
export function shortId(id: string, max = 24): string {
  if (id.length <= max) return id
  const tail = Math.min(8, Math.floor(max / 3))
  return `${id.slice(0, max - tail - 1)}…${id.slice(-tail)}`
}
