/** The TrueType font embedded in exported PDFs: DejaVu Sans, the first family of the SVG font stack. */
import { existsSync, readFileSync } from 'node:fs'

/** Debian/Ubuntu, Fedora, Arch and Homebrew spellings of the same file. */
export const DEJAVU_PATHS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/opt/homebrew/share/fonts/DejaVuSans.ttf',
]

/**
 * The font bytes and where they came from, or a warning saying why PDFs fall back to the standard
 * (not embedded) Helvetica. `$HDARTS_PDF_FONT` names another .ttf; an empty value forces the fallback.
 */
export function loadPdfFont(env: NodeJS.ProcessEnv = process.env): { bytes?: Uint8Array; path?: string; warning?: string } {
  const override = env.HDARTS_PDF_FONT
  if (override === '') return { warning: 'HDARTS_PDF_FONT is empty: the PDF uses Helvetica, not embedded' }
  const candidates = override ? [override] : DEJAVU_PATHS
  for (const path of candidates) {
    if (!existsSync(path)) continue
    return { bytes: new Uint8Array(readFileSync(path)), path }
  }
  return {
    warning: override
      ? `font ${override} not found: the PDF uses Helvetica, not embedded`
      : 'DejaVuSans.ttf not found (Debian: apt-get install fonts-dejavu-core): the PDF uses Helvetica, not embedded',
  }
}
