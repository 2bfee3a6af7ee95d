import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadLayoutEngine } from '../../src/core/genotype/layout'
import type { RunDetail } from '../../src/shared/api'
import {
  alphasAt,
  cellView,
  derivedParamsM,
  diffCounts,
  diffOverlay,
  diffSummaryText,
  genotypeAt,
  genotypeEpochs,
  librarySource,
  mixingView,
  parsePaneText,
  pickEntry,
} from '../../src/renderer/src/shape/cells'

const dartsPy = readFileSync(new URL('../../resources/genotypes/darts.py', import.meta.url), 'utf8')

function entry(name: string) {
  const e = pickEntry(parsePaneText(dartsPy), name)
  if (!e) throw new Error(`no ${name}`)
  return e.genotype
}

beforeAll(() => loadLayoutEngine(), 60_000)

describe('pane parsing', () => {
  it('parses every named genotype of a file, aliases included', () => {
    const p = parsePaneText(dartsPy)
    expect(p.status).toBe('ok')
    if (p.status !== 'ok') return
    expect(p.entries.map((e) => e.name)).toEqual(['DARTS_V1', 'DARTS_V2'])
    expect(pickEntry(p, 'DARTS_V2')!.aliases).toContain('DARTS')
    expect(pickEntry(p, 'nope')!.name).toBe('DARTS_V1')
  })

  it('reports a one-line error and never throws', () => {
    const p = parsePaneText("Genotype(normal=[('sep_conv_9x9', 0)")
    expect(p.status).toBe('error')
    if (p.status === 'error') expect(p.error).not.toContain('\n')
    expect(parsePaneText('   ').status).toBe('empty')
    expect(parsePaneText('\0\0\0binary').status).toBe('error')
  })

  it('parses NB201 arch strings and HDARTS motif genotypes', () => {
    const nb = pickEntry(
      parsePaneText('|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'),
      null,
    )
    expect(nb?.genotype.kind).toBe('nb201')
    const h =
      "HGenotype(normal_motifs=[[[('sep_conv_3x3', 0)], [('identity', 0), ('max_pool_3x3', 1)]]], normal=[[('motif_0', 0), ('motif_0', 1)]], normal_concat=[2], reduce_motifs=[[[('identity', 0)], [('identity', 1)]]], reduce=[[('motif_0', 0), ('motif_0', 1)]], reduce_concat=[2])"
    const he = pickEntry(parsePaneText(h), null)
    expect(he?.genotype.kind).toBe('hdarts')
    const view = cellView(
      (() => {
        const o = diffOverlay(he!.genotype, he!.genotype, 'normal')
        return o.graph
      })(),
    )
    expect(view.ops).toEqual(['motif_0'])
  })
})

describe('diff overlay', () => {
  const v1 = entry('DARTS_V1')
  const v2 = entry('DARTS_V2')

  it('counts DARTS V1 → V2 changes over both cells', () => {
    const d = diffCounts(v1, v2)
    expect('counts' in d && diffSummaryText(d.counts)).toBe('2 added · 2 removed · 3 changed')
  })

  it('marks the right normal-cell edges as changed', () => {
    const o = diffOverlay(v1, v2, 'normal')
    expect(o.counts).toEqual({ added: 0, removed: 0, changed: 3, same: 5 })
    const changed = Object.entries(o.marks)
      .filter(([, m]) => m.change === 'changed')
      .map(([id, m]) => [id, `${m.opA} → ${m.opB}`])
      .sort()
    expect(changed).toEqual([
      ['0->3#1', 'skip_connect → dil_conv_3x3'],
      ['c_{k-2}->1#0', 'skip_connect → sep_conv_3x3'],
      ['c_{k-2}->3#0', 'sep_conv_3x3 → skip_connect'],
    ])
    const view = cellView(o.graph, o.marks)
    const e = view.edges.find((x) => x.id === 'c_{k-2}->1#0')!
    expect(e.change).toBe('changed')
    expect(e.label).toBe('skip_connect → sep_conv_3x3')
    expect(view.edges.filter((x) => x.kind === 'op')).toHaveLength(8)
  })

  it('keeps removed reduce edges in the drawing, dashed-to-be, next to the added ones', () => {
    const o = diffOverlay(v1, v2, 'reduce')
    expect(o.counts).toEqual({ added: 2, removed: 2, changed: 0, same: 6 })
    const view = cellView(o.graph, o.marks)
    const removed = view.edges.filter((e) => e.change === 'removed').map((e) => [e.source, e.target, e.op])
    expect(removed.sort()).toEqual([
      ['c_{k-2}', '1', 'max_pool_3x3'],
      ['c_{k-2}', '3', 'avg_pool_3x3'],
    ])
    const added = view.edges.filter((e) => e.change === 'added').map((e) => [e.source, e.target, e.label])
    expect(added.sort()).toEqual([
      ['c_{k-1}', '1', '+ max_pool_3x3'],
      ['c_{k-1}', '3', '+ max_pool_3x3'],
    ])
    expect(view.edges.filter((e) => e.kind === 'op')).toHaveLength(10)
    expect(view.ops).toContain('avg_pool_3x3')
  })

  it('refuses to diff different search spaces with a message', () => {
    const nb = pickEntry(
      parsePaneText('|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'),
      null,
    )!
    const d = diffCounts(v1, nb.genotype)
    expect('error' in d && d.error).toMatch(/cannot diff/)
  })
})

describe('sources and params', () => {
  const detail = {
    run: { id: 'r1', finalGenotype: 'FINAL' },
    genotypes: [
      { epoch: 3, text: 'E3', format: null },
      { epoch: 1, text: 'E1', format: null },
    ],
    alphas: [
      { epoch: 1, cell: 'normal', ops: ['a'], matrix: [[1]] },
      { epoch: 2, cell: 'normal', ops: ['a'], matrix: [[2]] },
      { epoch: 2, cell: 'reduce', ops: ['a'], matrix: [[3]] },
    ],
  } as unknown as RunDetail

  it('picks the genotype and α at or before an epoch', () => {
    expect(genotypeEpochs(detail)).toEqual([1, 3])
    expect(genotypeAt(detail, null)).toEqual({ epoch: null, text: 'FINAL' })
    expect(genotypeAt(detail, 2)).toEqual({ epoch: 1, text: 'E1' })
    expect(genotypeAt(detail, 0)).toBeNull()
    expect(alphasAt(detail, 1, 'normal')!.matrix).toEqual([[1]])
    expect(alphasAt(detail, null, 'normal')!.matrix).toEqual([[2]])
    expect(alphasAt(detail, 1, 'reduce')).toBeUndefined()
  })

  it('names library entries so the pane keeps the published name', () => {
    const s = librarySource({
      file: 'darts.py',
      name: 'DARTS_V2',
      text: 'Genotype(normal=[], normal_concat=[], reduce=[], reduce_concat=[])',
    })
    expect(s.text.startsWith('DARTS_V2 = Genotype(')).toBe(true)
  })

  it('counts parameters of the derived CIFAR network (C=36, 20 layers)', () => {
    expect(derivedParamsM(dartsPy.split('\n')[2]!)).toBeCloseTo(3.349342, 6)
    expect(derivedParamsM('not a genotype')).toBeNull()
  })

  it('draws all mixing weights of a 14-row α', () => {
    const ops = ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3']
    const v = mixingView({ matrix: Array.from({ length: 14 }, () => [0, 0, 0, 0]), ops })
    expect('edges' in v && v.edges.filter((e) => e.kind === 'op')).toHaveLength(14 * 3)
    expect('error' in mixingView({ matrix: [[1, 2]], ops: ['a', 'b'] })).toBe(true)
  })
})
