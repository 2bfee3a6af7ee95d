/**
 * Building the app's bundles (out/main, out/preload, out/renderer) with electron-vite, one code path
 * for `npm start`, which rebuilds every time (scripts/start.mjs), and `hdarts serve`, which builds once
 * when a fresh clone has no UI yet. Progress (one line per bundle) and a failure's first error line go
 * to `log`; the full output of a failed build is kept in out/ui-build.log.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

/** The bundles electron-vite writes, in the order it builds them (electron.vite.config.ts). */
const BUNDLES = ['main process', 'preload', 'renderer'] as const

export class UiBuildError extends Error {
  override name = 'UiBuildError'
}

/** Builds every bundle into `outDir`; `onStage(i)` as bundle i starts. Rejects with UiBuildError. */
export type Builder = (o: { root: string; outDir: string; onStage(index: number): void }) => Promise<void>

export const uiIndex = (outDir: string): string => join(outDir, 'renderer/index.html')

/** electron-vite as a child process, its output collected: vite prints one "building …" line per bundle. */
export const electronViteBuild: Builder = async ({ root, outDir, onStage }) => {
  const cli = join(root, 'node_modules/electron-vite/bin/electron-vite.js')
  if (!existsSync(cli)) throw new UiBuildError('electron-vite is not installed (a dev dependency): run npm ci first')
  const child = spawn(process.execPath, [cli, 'build', '--outDir', outDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  })
  let output = ''
  let stage = 0
  child.stdout.on('data', (c: Buffer) => {
    const text = c.toString()
    output += text
    for (const line of text.split('\n')) if (/\bbuilding\b.*\bfor production\b/.test(line)) onStage(stage++)
  })
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
  if (code === 0) return
  const logFile = join(root, 'out/ui-build.log')
  await mkdir(join(root, 'out'), { recursive: true })
  await writeFile(logFile, output)
  throw new UiBuildError(
    `the UI build failed (electron-vite exit ${code}): ${firstError(output)} (full output: ${relative(root, logFile)})`,
  )
}

/** The line that says what went wrong: the one after vite's "error during build:", else the first naming an error. */
export function firstError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const header = lines.findIndex((l) => /^error during build:?$/i.test(l))
  if (header >= 0 && lines[header + 1]) return lines[header + 1]!
  return lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'no output'
}

export interface BuildOptions {
  /** The package root (electron.vite.config.ts, src/, node_modules/). */
  readonly root: string
  /** Default: root/out. */
  readonly outDir?: string
  /** One line per message, without a newline. */
  readonly log: (line: string) => void
  readonly builder?: Builder
}

/** Builds in place (`npm start`); resolves with the seconds it took. */
export async function buildUi(o: BuildOptions): Promise<number> {
  const outDir = o.outDir ?? join(o.root, 'out')
  const t0 = performance.now()
  await (o.builder ?? electronViteBuild)({
    root: o.root,
    outDir,
    onStage: (i) => o.log(`building the app (${i + 1}/${BUNDLES.length}: ${BUNDLES[i] ?? 'bundle'})…`),
  })
  return (performance.now() - t0) / 1000
}

/**
 * Builds when out/renderer has no index.html (a fresh clone), else does nothing. The bundles are built
 * into a fresh folder and renamed into place, so two serves starting at once never serve a half-written
 * bundle: the second rename finds the folder taken and is dropped.
 */
export async function ensureUiBuilt(o: BuildOptions): Promise<'present' | 'built'> {
  const outDir = o.outDir ?? join(o.root, 'out')
  if (existsSync(uiIndex(outDir))) return 'present'
  o.log(`the UI is not built yet (${uiIndex(relative(o.root, outDir) || '.')} is missing): building it once, a few seconds…`)
  await mkdir(outDir, { recursive: true })
  const tmp = await mkdtemp(join(outDir, '.build-'))
  try {
    const seconds = await buildUi({ ...o, outDir: tmp })
    if (!existsSync(uiIndex(tmp))) throw new UiBuildError(`the UI build wrote no ${uiIndex(relative(o.root, tmp))}`)
    for (const name of ['main', 'preload', 'renderer'])
      if (existsSync(join(tmp, name)) && !existsSync(join(outDir, name)))
        await rename(join(tmp, name), join(outDir, name)).catch((err: NodeJS.ErrnoException) => {
          // Another process renamed its build in first: its bundle is as good as ours.
          if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err
        })
    o.log(`the UI is built (${seconds.toFixed(1)} s)`)
    return 'built'
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}
