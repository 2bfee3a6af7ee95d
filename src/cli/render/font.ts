/** The TrueType fonts embedded in exported PDFs: DejaVu Sans (app style) or DejaVu Serif (DARTS style), the first family of each SVG font stack. */
import { existsSync, readFileSync } from 'node:fs'
import type { FontFamily } from '../../core/genotype/export/geometry'

const FILE: Readonly<Record<FontFamily, string>> = { sans: 'DejaVuSans.ttf', serif: 'DejaVuSerif.ttf' }
/** Debian/Ubuntu, Fedora, Arch and Homebrew folders of the same files. */
const DIRS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/dejavu-sans-fonts',
  '/usr/share/fonts/dejavu-serif-fonts',
  '/usr/share/fonts/TTF',
  '/opt/homebrew/share/fonts',
]
export const dejavuPaths = (family: FontFamily = 'sans'): string[] => DIRS.map((d) => `${d}/${FILE[family]}`)
export const DEJAVU_PATHS = dejavuPaths('sans')

/**
 * The font bytes and where they came from, or a warning saying why PDFs fall back to the standard
 * (not embedded) Helvetica. `$HDARTS_PDF_FONT` names another .ttf; an empty value forces the fallback.
 */
export function loadPdfFont(
  env: NodeJS.ProcessEnv = process.env,
  family: FontFamily = 'sans',
): { bytes?: Uint8Array; path?: string; warning?: string } {
  const override = env.HDARTS_PDF_FONT
  if (override === '') return { warning: 'HDARTS_PDF_FONT is empty: the PDF uses Helvetica, not embedded' }
  const candidates = override ? [override] : dejavuPaths(family)
  for (const path of candidates) {
    if (!existsSync(path)) continue
    return { bytes: new Uint8Array(readFileSync(path)), path }
  }
  return {
    warning: override
      ? `font ${override} not found: the PDF uses Helvetica, not embedded`
      : `${FILE[family]} not found (Debian: apt-get install fonts-dejavu-core): the PDF uses Helvetica, not embedded`,
  }
}
