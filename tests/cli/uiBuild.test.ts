/**
 * The UI build step shared by `npm start` and `hdarts serve` (src/cli/uiBuild.ts): when it builds,
 * what it prints, how a failure reads, and that concurrent first serves end with one whole bundle.
 * Fake builders test the decisions; the real electron-vite is run for its failure path here and for a
 * whole build in tests/server/serve-build.test.ts.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { type Builder, electronViteBuild, ensureUiBuilt, firstError, UiBuildError, uiIndex } from '../../src/cli/uiBuild'
import { tmpDir } from '../app/helpers'
import { ROOT } from './run'

/** A builder that writes the three bundles after `ms`, reporting the three stages like electron-vite. */
const fakeBuilder =
  (tag: string, ms = 0): Builder =>
  async ({ outDir, onStage }) => {
    for (const [i, name] of ['main', 'preload', 'renderer'].entries()) {
      onStage(i)
      await new Promise((r) => setTimeout(r, ms))
      mkdirSync(join(outDir, name), { recursive: true })
      writeFileSync(join(outDir, name, name === 'renderer' ? 'index.html' : 'index.js'), tag)
    }
  }

describe('ensureUiBuilt', () => {
  it('does nothing when the UI is built', async () => {
    const root = tmpDir()
    mkdirSync(join(root, 'out/renderer'), { recursive: true })
    writeFileSync(join(root, 'out/renderer/index.html'), 'old')
    const builder = vi.fn(fakeBuilder('new'))
    const log: string[] = []
    expect(await ensureUiBuilt({ root, log: (l) => log.push(l), builder })).toBe('present')
    expect(builder).not.toHaveBeenCalled()
    expect(log).toEqual([])
    expect(readFileSync(join(root, 'out/renderer/index.html'), 'utf8')).toBe('old')
  })

  it('builds a missing UI once, with one message, a line per bundle and the time', async () => {
    const root = tmpDir()
    const log: string[] = []
    expect(await ensureUiBuilt({ root, log: (l) => log.push(l), builder: fakeBuilder('new') })).toBe('built')
    expect(log).toEqual([
      'the UI is not built yet (out/renderer/index.html is missing): building it once, a few seconds…',
      'building the app (1/3: main process)…',
      'building the app (2/3: preload)…',
      'building the app (3/3: renderer)…',
      expect.stringMatching(/^the UI is built \(\d+\.\d s\)$/),
    ])
    expect(readFileSync(uiIndex(join(root, 'out')), 'utf8')).toBe('new')
    // The temporary build folder is gone; only the bundles remain.
    expect(readdirSync(join(root, 'out')).sort()).toEqual(['main', 'preload', 'renderer'])
  })

  it('fails with the builder’s one-line error and leaves no half-built UI', async () => {
    const root = tmpDir()
    const failing: Builder = async ({ outDir, onStage }) => {
      onStage(0)
      mkdirSync(join(outDir, 'renderer'), { recursive: true })
      throw new UiBuildError('the UI build failed (electron-vite exit 1): Error: boom')
    }
    await expect(ensureUiBuilt({ root, log: () => {}, builder: failing })).rejects.toThrow(
      'the UI build failed (electron-vite exit 1): Error: boom',
    )
    expect(readdirSync(join(root, 'out'))).toEqual([])
    const empty: Builder = async () => {}
    await expect(ensureUiBuilt({ root, log: () => {}, builder: empty })).rejects.toThrow(/wrote no .*renderer\/index\.html/)
    expect(readdirSync(join(root, 'out'))).toEqual([])
  })

  it('two serves starting at once in a fresh clone end with one whole bundle', async () => {
    const root = tmpDir()
    const results = await Promise.all([
      ensureUiBuilt({ root, log: () => {}, builder: fakeBuilder('first', 20) }),
      ensureUiBuilt({ root, log: () => {}, builder: fakeBuilder('second', 5) }),
    ])
    expect(results).toEqual(['built', 'built'])
    expect(['first', 'second']).toContain(readFileSync(uiIndex(join(root, 'out')), 'utf8'))
    expect(readdirSync(join(root, 'out')).sort()).toEqual(['main', 'preload', 'renderer'])
  })
})

describe('the electron-vite builder', () => {
  it('says when electron-vite is not installed', async () => {
    await expect(electronViteBuild({ root: tmpDir(), outDir: tmpDir(), onStage: () => {} })).rejects.toThrow(
      'electron-vite is not installed (a dev dependency): run npm ci first',
    )
  })

  it('reports a failed build by its error line and keeps the full output', { timeout: 120_000 }, async () => {
    const root = tmpDir()
    symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'))
    writeFileSync(join(root, 'package.json'), '{"type":"module"}')
    writeFileSync(join(root, 'electron.vite.config.ts'), "throw new Error('boom in the config')\nexport default {}\n")
    const err = await electronViteBuild({ root, outDir: join(root, 'out'), onStage: () => {} }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UiBuildError)
    expect((err as Error).message).toBe(
      'the UI build failed (electron-vite exit 1): Error: boom in the config (full output: out/ui-build.log)',
    )
    expect(readFileSync(join(root, 'out/ui-build.log'), 'utf8')).toContain('boom in the config')
  })

  it('picks the line that names the error', () => {
    expect(firstError('vite v8 building…\nerror during build:\n[vite]: Rollup failed to resolve "x"\n  at y')).toBe(
      '[vite]: Rollup failed to resolve "x"',
    )
    expect(firstError('a\nTypeError: nope\nb')).toBe('TypeError: nope')
    expect(firstError('a\nlast line\n')).toBe('last line')
    expect(firstError('')).toBe('no output')
  })
})
