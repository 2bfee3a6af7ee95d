/** External tools the export tests use when installed (poppler-utils, a TeX); each says why it is missing. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'vitest'

const has = (cmd: string, args: string[] = ['-v']): boolean => !spawnSync(cmd, args, { encoding: 'utf8' }).error

export const PDFTOPPM = has('pdftoppm')
export const PDFLATEX = has('pdflatex', ['--version'])
/** `\documentclass{standalone}` is in texlive-latex-extra, booktabs in texlive-latex-recommended. */
export const texHas = (file: string): boolean =>
  PDFLATEX && spawnSync('kpsewhich', [file], { encoding: 'utf8' }).stdout.trim() !== ''

/**
 * A skip with its reason: printed, and reported by the runner as skipped (never as a pass). Without a
 * test context (a whole describe block decided at load time) it only prints; the caller skips the block.
 */
export function skipNote(ctx: TestContext | null, what: string, why: string): void {
  console.log(`[export tests] ${what} skipped: ${why}`)
  ctx?.skip(`${what}: ${why}`)
}

/** Renders page 1 of a PDF to PNG bytes at `dpi`. */
export function pdfToPng(pdf: Uint8Array, dpi = 100): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hdarts-pdf-'))
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf)
    const r = spawnSync('pdftoppm', ['-r', String(dpi), '-png', '-f', '1', '-l', '1', join(dir, 'in.pdf'), join(dir, 'page')], {
      encoding: 'utf8',
    })
    if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`)
    const png = readdirSync(dir).find((f) => f.endsWith('.png'))!
    return readFileSync(join(dir, png))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs pdflatex on `tex`; returns the PDF, or throws with the first TeX error line. */
export function compileTex(tex: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'hdarts-tex-'))
  try {
    writeFileSync(join(dir, 'doc.tex'), tex)
    const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'doc.tex'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    })
    if (r.status !== 0)
      throw new Error(`pdflatex failed: ${r.stdout.split('\n').find((l) => l.startsWith('!')) ?? r.stdout.slice(-500)}`)
    return new Uint8Array(readFileSync(join(dir, 'doc.pdf')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** tests/cli/run.ts's hdarts() with extra environment variables. */
export function hdartsWith(args: string[], env: Record<string, string>, input = '', timeoutMs = 120_000) {
  const root = join(import.meta.dirname, '../..')
  const r = spawnSync(process.execPath, [join(root, 'bin/hdarts.js'), ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, ...env },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** pdftotext's text and pdffonts's table of a PDF. */
export function popplerInfo(pdf: Uint8Array): { text: string; fonts: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hdarts-pdf-'))
  try {
    const file = join(dir, 'in.pdf')
    writeFileSync(file, pdf)
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout
    const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' }).stdout
    return { text, fonts }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
