import { describe, expect, it } from 'vitest'
import { PRESETS } from '../../src/core/config/search'
import {
  configFields,
  defaultName,
  formSets,
  gridCount,
  groupPresets,
  keyOfError,
  parseScalar,
  parseSetLines,
  sweepValues,
  validateSets,
  validateSweeps,
} from '../../src/renderer/src/shape/launch'

const quick = PRESETS.find((p) => p.name === 'darts-1st-quick')!
const pr = PRESETS.find((p) => p.name === 'pr-darts-quick')!

describe('launch shaping', () => {
  it('describes every setting with its input kind', () => {
    const fields = configFields()
    const by = new Map(fields.map((f) => [f.key, f]))
    expect(by.get('method')).toMatchObject({ kind: 'enum', group: '' })
    expect(by.get('method')!.options).toContain('pr-darts')
    expect(by.get('augment')).toMatchObject({ kind: 'boolean' })
    expect(by.get('limitPerHalf')).toMatchObject({ kind: 'number', nullable: true, integer: true })
    expect(by.get('regularization.zeroOne.kind')).toMatchObject({ kind: 'enum', group: 'regularization' })
    expect(fields.some((f) => f.key === 'gates')).toBe(false)
  })
  it('parses key=value lines, skipping blanks and comments', () => {
    expect(parseSetLines('epochs=3\n\n# note\n lr = 0.05 ')).toEqual({ sets: ['epochs=3', 'lr=0.05'], error: null })
    expect(parseSetLines('epochs=3\nbad').error).toBe("line 2: expected key=value, got 'bad'")
  })
  it('turns form edits into sets, dropping values equal to the preset', () => {
    expect(formSets({ epochs: '5', lr: '0.05' }, quick.config)).toEqual(['lr=0.05'])
    expect(formSets({ limitPerHalf: 'null' }, quick.config)).toEqual(['limitPerHalf=null'])
  })
  it('validates sets against every preset with a one-line error naming the key', () => {
    expect(validateSets([quick], ['epochs=3'])).toBeNull()
    const err = validateSets([quick], ['epochs=-1'])
    expect(err).toContain("'epochs'")
    expect(keyOfError(err)).toBe('epochs')
    expect(validateSets([quick, pr], ['parametrization=softmax'])).toMatch(/^pr-darts-quick: /)
    expect(keyOfError(validateSets([quick], ['nope=1']))).toBe('nope')
  })
  it('builds sweeps and checks each value', () => {
    expect(parseScalar('3e-4')).toBe(3e-4)
    expect(parseScalar('true')).toBe(true)
    expect(parseScalar('null')).toBeNull()
    expect(parseScalar('cosine')).toBe('cosine')
    const values = sweepValues([
      { key: 'archLr', values: '3e-4, 1e-3' },
      { key: '', values: '1' },
      { key: 'epochs', values: '' },
    ])
    expect(values).toEqual({ archLr: [3e-4, 1e-3] })
    expect(validateSweeps([quick], [], values)).toBeNull()
    expect(validateSweeps([quick], [], { epochs: [0] })).toContain('sweep epochs=0')
  })
  it('counts the grid or says why not', () => {
    expect(gridCount({ name: 'x', methods: ['a', 'b'], values: { lr: [1, 2] }, seeds: [0, 1], set: [] })).toEqual({
      count: 8,
      error: null,
    })
    expect(gridCount({ name: 'x', methods: ['a'], values: { seed: [1] }, seeds: [0] }).error).toContain('seeds')
    expect(gridCount({ name: 'x', methods: [], seeds: [0] }).error).toBeTruthy()
  })
  it('groups presets by method family and filters them', () => {
    const groups = groupPresets(PRESETS)
    expect(groups[0]!.method).toBe('darts')
    expect(groups[0]!.presets.map((p) => p.name)).toEqual(['darts-1st', 'darts-1st-quick', 'darts-2nd', 'darts-2nd-quick'])
    expect(groupPresets(PRESETS, 'no-such-method').flatMap((g) => g.presets.map((p) => p.name))).toEqual([])
    expect(groupPresets(PRESETS, 'pr-darts').map((g) => g.method)).toEqual(['pr-darts'])
  })
  it('names an experiment', () => {
    expect(defaultName(['darts-1st-quick'], 3)).toBe('darts-1st-quick ×3 seeds')
    expect(defaultName(['a', 'b'], 1)).toBe('2 methods')
  })
})
