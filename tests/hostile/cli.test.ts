/**
 * Hostile input, surface 4: the command line and the files it reads. Prototype keys in `--set` and in
 * grid files, random dotted keys thrown at the settings parser, and careless paths (a file as the runs
 * folder, /proc/x, a folder where a file is expected, an empty --data-dir): each one line on stderr,
 * exit 2, nothing created, Object.prototype untouched.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseGrid } from '../../src/core/config/grid'
import { applyOverrides, ConfigError, getPreset } from '../../src/core/config/search'
import { parseUntrustedJson, UnsafeJsonError } from '../../src/core/json'
import { hdarts } from '../cli/run'
import { prototypeIntact, tally } from './tally'

const tried = tally('command line, settings and grid files')
const tmp = (): string => mkdtempSync(join(tmpdir(), 'hdarts-hostile-cli-'))

/** Exit 2 with exactly one line on stderr matching `why`. */
function badInput(args: string[], why: RegExp, timeoutMs = 120_000): void {
  const r = hdarts(args, undefined, timeoutMs)
  tried.add()
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(why)
}

describe('settings', () => {
  it('--set with prototype keys is refused before a run exists', () => {
    const runs = tmp()
    for (const key of [
      '__proto__.toString',
      '__proto__.hasOwnProperty',
      'constructor.prototype.x',
      'hessian.__proto__.every',
      'prototype',
    ])
      badInput(['search', '--preset', 'darts-1st-quick', '--runs-dir', runs, '--set', `${key}=1`], /is not a setting name/)
    badInput(['search', '--preset', 'darts-1st-quick', '--runs-dir', runs, '--set', 'toString=1'], /unknown setting 'toString'/)
    expect(readdirSync(runs)).toEqual([])
  }, 300_000)

  it('grid files with prototype keys anywhere are one line, exit 2', () => {
    const dir = tmp()
    const grids = {
      'proto-top.json': '{"__proto__": {"x": 1}, "name": "g", "methods": ["darts-1st-quick"], "seeds": [0]}',
      'proto-values.json': '{"name": "g", "methods": ["darts-1st-quick"], "seeds": [0], "values": {"__proto__": [1]}}',
      'constructor-values.json':
        '{"name": "g", "methods": ["darts-1st-quick"], "seeds": [0], "values": {"constructor.prototype.x": [1]}}',
      'proto-set.json': '{"name": "g", "methods": ["darts-1st-quick"], "seeds": [0], "set": ["__proto__.toString=1"]}',
      'inherited.json': '{"name": "g", "methods": ["darts-1st-quick"], "seeds": [0], "values": {"hasOwnProperty": [1]}}',
    }
    for (const [name, text] of Object.entries(grids)) {
      writeFileSync(join(dir, name), text)
      badInput(
        ['runs', 'grid', join(dir, name), '--runs-dir', join(dir, 'runs')],
        /not allowed as a key|not a setting name|unknown setting/,
      )
      badInput(
        ['slurm', 'submit', join(dir, name), '--dry-run', '--runs-dir', join(dir, 'slurm')],
        /not allowed as a key|not a setting name|unknown setting/,
      )
    }
    expect(existsSync(join(dir, 'runs'))).toBe(false)
    expect(existsSync(join(dir, 'slurm'))).toBe(false)
  }, 300_000)

  it('any dotted key, hostile or not: a valid config or a ConfigError, and Object.prototype untouched', () => {
    const base = getPreset('darts-1st-quick').config
    const segment = fc.oneof(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'valueOf',
        'hessian',
        'every',
        'lr',
        'epochs',
        '',
      ),
      fc.string({ maxLength: 8 }),
    )
    const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'))
    fc.assert(
      fc.property(key, fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('1', 'true', 'null', '{}')), (k, v) => {
        tried.add()
        try {
          applyOverrides(base, [`${k}=${v}`])
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err
        }
        return prototypeIntact()
      }),
      { numRuns: 2000, seed: 13 },
    )
  }, 300_000)

  it('JSON from outside refuses prototype keys at any depth, and the grid parser never sees them', () => {
    for (const text of ['{"__proto__": 1}', '{"a": {"b": {"constructor": {}}}}', '[{"prototype": 0}]']) {
      expect(() => parseUntrustedJson(text)).toThrow(UnsafeJsonError)
      tried.add()
    }
    expect(() => parseGrid({ name: 'g', methods: ['m'], seeds: [0], values: { 'a.constructor': [1] } })).toThrow(/values/)
    expect(prototypeIntact()).toBe(true)
  }, 300_000)
})

describe('careless paths', () => {
  it('a file as the runs folder, /proc/x, and /proc/x as the database: one line, exit 2, no hang', () => {
    badInput(['search', '--preset', 'darts-1st-quick', '--runs-dir', '/etc/passwd'], /\/etc\/passwd is a file, not a folder/)
    badInput(['search', '--preset', 'darts-1st-quick', '--runs-dir', '/proc/x'], /cannot create the runs folder \/proc\/x/)
    badInput(['import', 'darts-log', '-', '--runs-dir', '/proc/x'], /no input on stdin|cannot create|not a DARTS/)
    badInput(['runs', 'list', '--db', '/proc/x/hdarts.db'], /cannot create the database folder \/proc\/x/)
  }, 300_000)

  it('a folder where a file is expected names what was expected', () => {
    const dir = tmp()
    badInput(['runs', 'grid', dir], /is a directory, expected a grid file/)
    badInput(['import', 'darts-log', dir], /is a directory, expected a PyTorch DARTS log/)
    badInput(['genotype', 'params', dir], /is a directory, expected a genotype file/)
  }, 300_000)

  it('an explicit --data-dir without the dataset is an error naming it, never another copy', () => {
    const empty = tmp()
    const r = hdarts(
      ['search', '--preset', 'darts-1st-quick', '--data-dir', empty, '--runs-dir', join(empty, 'runs'), '--set', 'epochs=1'],
      undefined,
      180_000,
    )
    tried.add()
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`data dir ${empty} (missing all files)`)
    expect(r.stderr).not.toContain('/usr/share/datasets')
  }, 300_000)
})
