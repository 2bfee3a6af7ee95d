// The method registry (src/engine/methods/registry.ts): one entry per (space, parametrization) that
// config validation accepts, no more and no fewer; unknown or incompatible choices are refused with the
// valid ones named, by the engine and, before any run exists, by `hdarts search` (exit 2, one line).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SPACE_PARAMETRIZATIONS } from '../../../src/core/config/compose'
import { ConfigError, PARAMETRIZATIONS, PRESETS, type SearchConfig, validateConfig } from '../../../src/core/config/search'
import { initBackend } from '../../../src/engine/backends'
import { buildMethod, buildSearchParts, METHODS, methodEntry, PARTS } from '../../../src/engine/methods/registry'
import { hdarts } from '../../cli/run'
import { TINY } from '../search/helpers'

const SPACES = ['darts', 'nb201'] as const
const base = PRESETS.find((p) => p.name === 'darts-1st-quick')!.config

beforeAll(async () => {
  await initBackend('cpu')
})

const accepted = (c: SearchConfig): boolean => {
  try {
    validateConfig(c)
    return true
  } catch (err) {
    if (err instanceof ConfigError) return false
    throw err
  }
}

describe('method registry', () => {
  it('has exactly one entry for each (space, parametrization) that validation accepts', () => {
    const keys = METHODS.map((e) => `${e.space}/${e.parametrization}`)
    expect(new Set(keys).size).toBe(keys.length)
    const valid = SPACES.flatMap((space) =>
      PARAMETRIZATIONS.filter((parametrization) => accepted({ ...base, space, parametrization })).map((p) => `${space}/${p}`),
    )
    expect([...keys].sort()).toEqual([...valid].sort())
    expect(valid.sort()).toEqual(SPACES.flatMap((s) => SPACE_PARAMETRIZATIONS[s].map((p) => `${s}/${p}`)).sort())
    // Every preset builds through it.
    for (const preset of PRESETS) expect(() => methodEntry(preset.config)).not.toThrow()
  })

  it('refuses a combination it does not hold, naming every registered one', () => {
    const err = (() => {
      try {
        methodEntry({ space: 'nb201', parametrization: 'hierarchical' })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(ConfigError)
    const msg = (err as Error).message
    expect(msg).toMatch(/^no method has parametrization 'hierarchical' in search space 'nb201'; registered: /)
    for (const e of METHODS) expect(msg).toContain(`${e.parametrization} (${e.label})`)
    expect(msg).not.toContain('\n')
    expect(() => buildMethod({ ...TINY, space: 'nb201', parametrization: 'hierarchical' }, [8, 8, 1], 4)).toThrow(
      /registered: darts: softmax \(DARTS\), hierarchical \(HDARTS\)/,
    )
  })

  it('composes the parts a config asks for, in the registry order, and no others', () => {
    const names = (c: SearchConfig) => buildSearchParts(c, [8, 8, 1], 4, 6).plugins.map((p) => p.name)
    expect(names(TINY)).toEqual([])
    const all: SearchConfig = {
      ...TINY,
      regularization: { ...TINY.regularization, auxSkip: { beta: 1, decay: 'linear' }, betaDecay: { lambdaMax: 5 } },
      perturbation: { ...TINY.perturbation, kind: 'random' },
      selection: 'pt',
      hessian: { ...TINY.hessian, every: 1, ada: true },
    }
    validateConfig(all)
    expect(names(all)).toEqual(PARTS.map((p) => p.name))
    expect(PARTS.map((p) => p.axis)).toEqual(['regularizers', 'regularizers', 'perturbations', 'selection', 'monitors'])
  })
})

describe('hdarts search refuses bad method choices before creating a run', () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'hdarts-registry-'))
  afterAll(() => rmSync(runsDir, { recursive: true, force: true }))
  const search = (...sets: string[]) =>
    hdarts(['search', '--preset', 'darts-1st-quick', '--runs-dir', runsDir, ...sets.flatMap((s) => ['--set', s])])

  it('an unknown parametrization: exit 2, one line naming the choices', () => {
    const r = search('parametrization=trellis')
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    for (const p of PARAMETRIZATIONS) expect(r.stderr).toContain(p)
    expect(readdirSync(runsDir)).toEqual([])
  }, 60_000)

  it('a parametrization the space does not define: exit 2, one line naming the space’s choices', () => {
    const r = search('space=nb201', 'parametrization=hierarchical')
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/not on NAS-Bench-201 \(choices there: softmax, sigmoid, latent\)/)
    expect(readdirSync(runsDir)).toEqual([])
  }, 60_000)
})
