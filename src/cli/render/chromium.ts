/**
 * PNG export: a real browser rasterizes the SVG, so the PNG matches what the SVG shows (fonts, halos,
 * dashes). The CLI uses a system Chromium in headless mode; the app will use Electron's own.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CliError } from '../errors'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

/** `$HDARTS_CHROMIUM`, else the first installed Chromium or Chrome; null when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.HDARTS_CHROMIUM) return existsSync(env.HDARTS_CHROMIUM) ? env.HDARTS_CHROMIUM : null
  return CANDIDATES.find((p) => existsSync(p)) ?? null
}

export const PNG_DPI = 300

/** Rasterizes an SVG whose size is `width`×`height` pt at `dpi`; white background. */
export function svgToPng(svg: string, width: number, height: number, dpi = PNG_DPI): Uint8Array {
  const chromium = findChromium()
  if (!chromium)
    throw new CliError(
      'PNG export needs Chromium (apt-get install chromium, or set HDARTS_CHROMIUM); export svg or pdf instead',
      1,
    )
  // CSS pixels are 1/96 in; the device scale factor brings them to the requested dpi.
  const [w, h] = [Math.ceil((width * 96) / 72), Math.ceil((height * 96) / 72)]
  const dir = mkdtempSync(join(tmpdir(), 'hdarts-png-'))
  try {
    const html = join(dir, 'figure.html')
    const out = join(dir, 'figure.png')
    const body = svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/width="[\d.]+pt" height="[\d.]+pt"/, `width="${w}" height="${h}"`)
    writeFileSync(html, `<!doctype html><html><body style="margin:0;background:#fff">${body}</body></html>`)
    const args = [
      '--headless',
      '--disable-gpu',
      '--no-sandbox', // root in containers and CI
      '--hide-scrollbars',
      '--default-background-color=ffffffff',
      `--force-device-scale-factor=${dpi / 96}`,
      `--window-size=${w},${h}`,
      `--screenshot=${out}`,
      `file://${html}`,
    ]
    const res = spawnSync(chromium, args, { encoding: 'utf8', timeout: 120_000 })
    if (!existsSync(out)) {
      const why = res.error?.message ?? (res.stderr || '').trim().split('\n').at(-1) ?? `exit ${res.status}`
      throw new CliError(`PNG export: ${chromium} produced no image (${why})`, 1)
    }
    return new Uint8Array(readFileSync(out))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
