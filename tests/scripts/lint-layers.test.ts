import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
// @ts-expect-error: plain .mjs tooling script without type declarations
import { checkLayers } from '../../scripts/lint-layers.mjs'

let root: string
function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'hdarts-layers-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}
afterEach(() => rmSync(root, { recursive: true, force: true }))

const check = (files: Record<string, string>): string[] => checkLayers(tree(files)) as string[]

describe('layer lint', () => {
  it('accepts imports that follow the layer table', () => {
    expect(
      check({
        'src/core/a.ts': "import { z } from 'zod'\nexport const a = 1",
        'src/shared/b.ts': "import { a } from '../core/a'\nexport const b = a",
        'src/engine/c.ts': "import * as tf from '@tensorflow/tfjs'\nimport { a } from '../core/a'",
        'src/main/store/d.ts': "import Database from 'better-sqlite3'\nimport { a } from '../../core/a'",
        'src/cli/e.ts': "import { readFileSync } from 'node:fs'\nimport { b } from '../shared/b'\nimport '../main/store/d'",
        'src/renderer/src/f.tsx': "import { useState } from 'react'\nimport { b } from '../../shared/b'",
      }),
    ).toEqual([])
  })

  it('rejects core importing a runtime, an upper layer, or an unknown package', () => {
    const problems = check({
      'src/core/a.ts': "import { readFileSync } from 'node:fs'\nimport { x } from '../shared/x'\nexport { y } from 'left-pad'",
      'src/shared/x.ts': 'export const x = 1',
    })
    expect(problems).toHaveLength(3)
    expect(problems[0]).toMatch(/^src\/core\/a\.ts:1: core may not import package 'node:fs'/)
    expect(problems[1]).toMatch(/^src\/core\/a\.ts:2: bad layering: core may not import shared/)
    expect(problems[2]).toMatch(/left-pad/)
  })

  it('treats src/main/store as its own layer: the store may not reach into main', () => {
    const problems = check({
      'src/main/store/db.ts': "import { svc } from '../runService'",
      'src/main/runService.ts': 'export const svc = 1',
    })
    expect(problems).toEqual([expect.stringMatching(/bad layering: store may not import main/)])
  })

  it('keeps the renderer off main, node and the database, even for type-only and dynamic imports', () => {
    const problems = check({
      'src/renderer/src/a.tsx':
        "import type { X } from '../../main/x'\nconst m = await import('better-sqlite3')\nimport 'node:path'",
      'src/main/x.ts': 'export type X = 1',
    })
    expect(problems).toHaveLength(3)
  })

  it('ignores imports written in comments', () => {
    expect(check({ 'src/core/a.ts': "// import fs from 'node:fs'\n/* import x from 'electron' */\nexport const a = 1" })).toEqual(
      [],
    )
  })
})
