import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toJson } from '../../../src/core/genotype/json'
import { type CellGenotype, type DartsGenotype, genotypesEqual, type NamedGenotype } from '../../../src/core/genotype/model'
import { detectFormat, parseGenotypes, selectGenotype } from '../../../src/core/genotype/parse/index'
import { toDartsText, toNb201String } from '../../../src/core/genotype/serialize'

const FIXTURES = join(import.meta.dirname, '../../fixtures/genotypes')
const fixtureFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.py'))
const readFixture = (f: string) => readFileSync(join(FIXTURES, f), 'utf8')
const all = fixtureFiles.flatMap((f) => parseGenotypes(readFixture(f)))
const byName = (name: string, list: readonly NamedGenotype[] = all) => selectGenotype(list, name)

const darts = (g: NamedGenotype): DartsGenotype => {
  if (g.genotype.kind !== 'darts') throw new Error(`${g.name} is not a DARTS genotype`)
  return g.genotype
}
/** `sep_conv_3x3@1` per edge, one array per node: compact and readable in failures. */
const edges = (cell: CellGenotype) => cell.nodes.map((n) => n.map((e) => `${e.op}@${e.from}`))
const one = (text: string) => {
  const list = parseGenotypes(text)
  expect(list).toHaveLength(1)
  return list[0]!
}

const DARTS_V2_TEXT =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=range(2, 6))"

describe('verbatim genotypes.py fixtures', () => {
  it('finds every named genotype and alias', () => {
    expect(fixtureFiles).toHaveLength(5)
    expect(all.map((g) => g.name).sort()).toEqual(
      ['DARTS_V1', 'DARTS_V2', 'EENAS', 'EENAS_R', 'PC_DARTS_cifar', 'PC_DARTS_image', 'PDARTS', 'PRDARTS'].sort(),
    )
    expect(byName('DARTS_V2').aliases).toEqual(['DARTS'])
    expect(byName('PC_DARTS_cifar').aliases).toEqual(['PCDARTS'])
    expect(byName('DARTS').name).toBe('DARTS_V2')
    expect(byName('PCDARTS').name).toBe('PC_DARTS_cifar')
    for (const g of all) {
      expect(g.format).toBe('darts')
      expect(darts(g).normal.nodes).toHaveLength(4)
      expect(darts(g).normal.concat).toEqual([2, 3, 4, 5])
      expect(darts(g).reduce.concat).toEqual([2, 3, 4, 5])
    }
  })

  it('keeps exact contents and pair order (by strength, not input index)', () => {
    expect(edges(darts(byName('DARTS_V1')).normal)[0]).toEqual(['sep_conv_3x3@1', 'sep_conv_3x3@0'])
    expect(edges(darts(byName('DARTS_V1')).reduce)[3]).toEqual(['skip_connect@2', 'avg_pool_3x3@0'])
    expect(edges(darts(byName('PRDARTS')).reduce)).toEqual([
      ['avg_pool_3x3@0', 'dil_conv_5x5@1'],
      ['sep_conv_3x3@0', 'dil_conv_5x5@2'],
      ['sep_conv_5x5@1', 'dil_conv_3x3@3'],
      ['dil_conv_5x5@4', 'dil_conv_5x5@1'],
    ])
    expect(edges(darts(byName('PDARTS')).normal)[3]).toEqual(['sep_conv_3x3@0', 'dil_conv_5x5@4'])
    expect(edges(darts(byName('EENAS')).normal)[0]).toEqual(['sep_conv_5x5@1', 'dil_conv_3x3@1'])
    expect(edges(darts(byName('EENAS_R')).reduce)[3]).toEqual(['max_pool_3x3@1', 'dil_conv_3x3@4'])
  })

  it('records the line each genotype starts on', () => {
    expect([byName('DARTS_V1').line, byName('DARTS_V2').line]).toEqual([2, 3])
    expect([byName('EENAS').line, byName('EENAS_R').line]).toEqual([2, 16])
    expect(byName('PRDARTS').line).toBe(2)
  })

  it('round-trips through DARTS text, and DARTS_V2 prints exactly as DARTS logs it', () => {
    for (const g of all) {
      const back = one(toDartsText(darts(g)))
      expect(genotypesEqual(back.genotype, g.genotype)).toBe(true)
    }
    expect(toDartsText(darts(byName('DARTS_V2')))).toBe(DARTS_V2_TEXT)
  })

  it('round-trips through JSON, keeping names and aliases', () => {
    const back = parseGenotypes(toJson(all))
    expect(back.map((g) => [g.name, g.aliases, g.format])).toEqual(all.map((g) => [g.name, g.aliases, 'json']))
    back.forEach((g, k) => expect(genotypesEqual(g.genotype, all[k]!.genotype)).toBe(true))
    const lines = back.map((g) => g.line!)
    expect(lines).toEqual([...lines].sort((a, b) => a - b))
    expect(new Set(lines).size).toBe(all.length)
  })
})

describe('DARTS Genotype(...) spellings', () => {
  const v2 = () => darts(one(DARTS_V2_TEXT))

  it('accepts positional arguments in namedtuple field order', () => {
    const text = DARTS_V2_TEXT.replace(/(normal|normal_concat|reduce|reduce_concat)=/g, '')
    expect(genotypesEqual(one(text).genotype, v2())).toBe(true)
  })

  it('uses the field order declared by the namedtuple line, as a string or a list', () => {
    const body =
      "G = Genotype([('skip_connect', 0), ('sep_conv_3x3', 1)], [('max_pool_3x3', 0), ('max_pool_3x3', 1)], [2], range(2, 3))"
    for (const decl of [
      "'reduce, normal, reduce_concat, normal_concat'",
      "['reduce', 'normal', 'reduce_concat', 'normal_concat']",
    ]) {
      const g = darts(one(`from collections import namedtuple\nGenotype = namedtuple('Genotype', ${decl})\n${body}\n`))
      expect(edges(g.reduce)).toEqual([['skip_connect@0', 'sep_conv_3x3@1']])
      expect(edges(g.normal)).toEqual([['max_pool_3x3@0', 'max_pool_3x3@1']])
    }
  })

  it('accepts keyword arguments in any order, double quotes, comments and trailing commas', () => {
    const text = `X = Genotype(
      reduce_concat = range(2, 6),  # the output
      reduce = [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1),  # steps 1-2
                ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1),],
      normal_concat = (2, 3, 4, 5),
      normal = [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1),
                ("sep_conv_3x3", 1), ("skip_connect", 0), ("skip_connect", 0), ("dil_conv_3x3", 2)],
    )`
    const g = one(text)
    expect(g.name).toBe('X')
    expect(genotypesEqual(g.genotype, v2())).toBe(true)
  })

  it('accepts backslash continuations, tabs, CRLF and a qualified genotypes.Genotype', () => {
    const text =
      "A = \\\r\n\tgenotypes.Genotype(normal=[('skip_connect', 0), \\\r\n\t('sep_conv_3x3', 1)],\tnormal_concat=range(2, 3), \\\r\n reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=range(3))\r\n"
    const g = one(text)
    expect(g.name).toBe('A')
    expect(edges(darts(g).normal)).toEqual([['skip_connect@0', 'sep_conv_3x3@1']])
    expect(darts(g).reduce.concat).toEqual([0, 1, 2])
  })

  it('reads a whole genotypes.py: imports, PRIMITIVES, docstrings, comments, aliases', () => {
    const text = `from collections import namedtuple

Genotype = namedtuple('Genotype', 'normal normal_concat reduce reduce_concat')

"""
Operation sets: the docstring may quote Genotype(normal=[('bogus_op', 9)]) and must be ignored.
"""
PRIMITIVES = [
    'none',
    'max_pool_3x3',
]

# OLD = Genotype(normal=[('commented_out', 0)])
V2 = ${DARTS_V2_TEXT}
'''also ignored: Genotype(nonsense'''
V1 = ${DARTS_V2_TEXT.replace("('dil_conv_3x3', 2)", "('dil_conv_5x5', 3)")}

DARTS = V2
BEST = DARTS  # alias of an alias
`
    const list = parseGenotypes(text)
    expect(list.map((g) => g.name)).toEqual(['V2', 'V1'])
    expect(list[0]!.aliases).toEqual(['DARTS', 'BEST'])
    expect(list.map((g) => g.line)).toEqual([14, 16])
    expect(selectGenotype(list, 'BEST').name).toBe('V2')
  })

  it('finds genotypes in a training log and numbers repeated names', () => {
    const line = (epoch: number, op: string) =>
      `06/25 03:0${epoch}:02 PM genotype = ${DARTS_V2_TEXT.replace("('dil_conv_3x3', 2)", `('${op}', 2)`)}`
    const log = [
      "06/25 03:00:00 PM args = Namespace(batch_size=64, it's=1)",
      '06/25 03:00:01 PM epoch 0 lr 2.5e-02',
      line(1, 'dil_conv_3x3'),
      '06/25 03:02:00 PM train_acc 41.2 | loss [1.6]',
      line(2, 'sep_conv_5x5'),
      'tensor([[0.1250, 0.1249]], device="cuda:0")',
      line(3, 'skip_connect'),
    ].join('\n')
    expect(detectFormat(log)).toBe('python')
    const list = parseGenotypes(log)
    expect(list.map((g) => [g.name, g.line])).toEqual([
      ['genotype', 3],
      ['genotype_2', 5],
      ['genotype_3', 7],
    ])
    expect(edges(darts(list[2]!).normal)[3]).toEqual(['skip_connect@0', 'skip_connect@2'])
  })

  it('names an unnamed call "genotype"', () => {
    expect(one(DARTS_V2_TEXT).name).toBe('genotype')
    expect(parseGenotypes(`${DARTS_V2_TEXT}\n${DARTS_V2_TEXT}`).map((g) => g.name)).toEqual(['genotype', 'genotype_2'])
  })

  it('accepts NASNet / AmoebaNet: 5 steps, 7x7 ops and irregular concat lists', () => {
    const text = `NASNet = Genotype(
  normal = [
    ('sep_conv_5x5', 1),
    ('sep_conv_3x3', 0),
    ('sep_conv_5x5', 0),
    ('sep_conv_3x3', 0),
    ('avg_pool_3x3', 1),
    ('skip_connect', 0),
    ('avg_pool_3x3', 0),
    ('avg_pool_3x3', 0),
    ('sep_conv_3x3', 1),
    ('skip_connect', 1),
  ],
  normal_concat = [2, 3, 4, 5, 6],
  reduce = [
    ('sep_conv_5x5', 1),
    ('sep_conv_7x7', 0),
    ('max_pool_3x3', 1),
    ('sep_conv_7x7', 0),
    ('avg_pool_3x3', 1),
    ('sep_conv_5x5', 0),
    ('skip_connect', 3),
    ('avg_pool_3x3', 2),
    ('sep_conv_3x3', 2),
    ('max_pool_3x3', 1),
  ],
  reduce_concat = [4, 5, 6],
)
    
AmoebaNet = Genotype(
  normal = [
    ('avg_pool_3x3', 0),
    ('max_pool_3x3', 1),
    ('sep_conv_3x3', 0),
    ('sep_conv_5x5', 2),
    ('sep_conv_3x3', 0),
    ('avg_pool_3x3', 3),
    ('sep_conv_3x3', 1),
    ('skip_connect', 1),
    ('skip_connect', 0),
    ('avg_pool_3x3', 1),
    ],
  normal_concat = [4, 5, 6],
  reduce = [
    ('avg_pool_3x3', 0),
    ('sep_conv_3x3', 1),
    ('max_pool_3x3', 0),
    ('sep_conv_7x7', 2),
    ('sep_conv_7x7', 0),
    ('avg_pool_3x3', 1),
    ('max_pool_3x3', 0),
    ('max_pool_3x3', 1),
    ('conv_7x1_1x7', 0),
    ('sep_conv_3x3', 5),
  ],
  reduce_concat = [3, 4, 6]
)
`
    const [nasnet, amoeba] = parseGenotypes(text)
    expect(darts(nasnet!).normal.nodes).toHaveLength(5)
    expect(darts(nasnet!).reduce.concat).toEqual([4, 5, 6])
    expect(edges(darts(amoeba!).reduce)[4]).toEqual(['conv_7x1_1x7@0', 'sep_conv_3x3@5'])
    expect(darts(amoeba!).reduce.concat).toEqual([3, 4, 6])
    const back = one(toDartsText(darts(amoeba!)))
    expect(genotypesEqual(back.genotype, amoeba!.genotype)).toBe(true)
    expect(toDartsText(darts(amoeba!))).toContain('reduce_concat=[3, 4, 6]')
  })

  it("accepts D-X-Y's pair-grouped form with connectN=None, connects=None", () => {
    const text = `DARTS_V2 = Genotype(
  normal=[
    (('sep_conv_3x3', 0), ('sep_conv_3x3', 1)), # step 1
    (('sep_conv_3x3', 0), ('sep_conv_3x3', 1)), # step 2
    (('sep_conv_3x3', 1), ('skip_connect', 0)), # step 3
    (('skip_connect', 0), ('dil_conv_3x3', 2))  # step 4
  ],
  normal_concat=[2, 3, 4, 5],
  reduce=[
    (('max_pool_3x3', 0), ('max_pool_3x3', 1)), # step 1
    (('skip_connect', 2), ('max_pool_3x3', 1)), # step 2
    (('max_pool_3x3', 0), ('skip_connect', 2)), # step 3
    (('skip_connect', 2), ('max_pool_3x3', 1), ('sep_conv_3x3', 0))  # step 4, three inputs
  ],
  reduce_concat=[2, 3, 4, 5],
  connectN=None, connects=None,
)`
    const g = one(text)
    expect(g.format).toBe('darts-dxy')
    expect(edges(darts(g).normal)).toEqual(edges(v2().normal))
    expect(edges(darts(g).reduce)[3]).toEqual(['skip_connect@2', 'max_pool_3x3@1', 'sep_conv_3x3@0'])
    const back = one(toDartsText(darts(g)))
    expect(back.format).toBe('fairdarts')
    expect(genotypesEqual(back.genotype, g.genotype)).toBe(true)
  })

  it('accepts FairDARTS triples with a variable number of inputs (node 3 may have none)', () => {
    const text = `# FLOPS: 373M Params: 2.83
FairDARTS_a = Genotype(normal=[('sep_conv_3x3', 2, 0), ('sep_conv_5x5', 2, 1), ('max_pool_3x3', 4, 0), ('sep_conv_3x3', 5, 0)], normal_concat=range(2, 6),
         reduce=[('max_pool_3x3', 2, 0), ('avg_pool_3x3', 2, 1), ('avg_pool_3x3', 3, 0), ('dil_conv_5x5', 3, 1), ('avg_pool_3x3', 4, 0), ('sep_conv_5x5', 4, 1),
                 ('skip_connect', 5, 0), ('skip_connect', 5, 1)], reduce_concat=range(2, 6))

DARTS = FairDARTS_a
`
    const g = one(text)
    expect(g).toMatchObject({ name: 'FairDARTS_a', aliases: ['DARTS'], format: 'fairdarts', line: 2 })
    expect(edges(darts(g).normal)).toEqual([['sep_conv_3x3@0', 'sep_conv_5x5@1'], [], ['max_pool_3x3@0'], ['sep_conv_3x3@0']])
    expect(edges(darts(g).reduce)[3]).toEqual(['skip_connect@0', 'skip_connect@1'])
    expect(darts(g).normal.concat).toEqual([2, 3, 4, 5])
    const back = one(toDartsText(darts(g)))
    expect(genotypesEqual(back.genotype, g.genotype)).toBe(true)
  })
})

describe('FairDARTS genotypes.py shape', () => {
  it('reads docstrings with trailing tabs, many inputs per node and an alias at the end', () => {
    const text = [
      'from collections import namedtuple',
      "Genotype = namedtuple('Genotype', 'normal normal_concat reduce reduce_concat')",
      '"""Sparse"""\t\t\t\t',
      "DCO = Genotype(normal=[('dil_conv_3x3', 2, 0), ('sep_conv_3x3', 2, 0), ('sep_conv_3x3', 2, 1), ('dil_conv_3x3', 2, 1), ('max_pool_3x3', 3, 0), ('dil_conv_5x5', 5, 0)], normal_concat=range(2, 6),",
      "         reduce=[('sep_conv_5x5', 2, 0), ('skip_connect', 3, 2), ('dil_conv_3x3', 5, 4), ('skip_connect', 5, 4)], reduce_concat=range(2, 6))",
      '',
      'DARTS = DCO',
      '',
    ].join('\n')
    const g = one(text)
    expect(g).toMatchObject({ name: 'DCO', aliases: ['DARTS'], format: 'fairdarts', line: 4 })
    expect(edges(darts(g).normal)[0]).toEqual(['dil_conv_3x3@0', 'sep_conv_3x3@0', 'sep_conv_3x3@1', 'dil_conv_3x3@1'])
    expect(edges(darts(g).reduce)).toEqual([['sep_conv_5x5@0'], ['skip_connect@2'], [], ['dil_conv_3x3@4', 'skip_connect@4']])
  })
})

describe('NAS-Bench-201 strings', () => {
  const STRINGS = [
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
    '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|',
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|',
    '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|',
  ]

  it('parses the METHODS.md §4.3 strings, one per line, and prints them back identically', () => {
    const text = STRINGS.join('\n') + '\n'
    expect(detectFormat(text)).toBe('nb201')
    const list = parseGenotypes(text)
    expect(list.map((g) => [g.name, g.format, g.line])).toEqual([
      ['nb201', 'nb201', 1],
      ['nb201_2', 'nb201', 2],
      ['nb201_3', 'nb201', 3],
      ['nb201_4', 'nb201', 4],
    ])
    expect(list.map((g) => toNb201String(g.genotype))).toEqual(STRINGS)
    const g = list[2]!.genotype
    expect(g.kind === 'nb201' && g.nodes[1]).toEqual([
      { op: 'nor_conv_3x3', from: 0 },
      { op: 'avg_pool_3x3', from: 1 },
    ])
  })

  it("takes names from `NAME: string` and `NAME = 'string'`", () => {
    const list = parseGenotypes(`best: ${STRINGS[0]}\nresnet = '${STRINGS[1]}'\n${STRINGS[3]}\n`)
    expect(list.map((g) => g.name)).toEqual(['best', 'resnet', 'nb201'])
  })

  it('reads arch strings in a file whose only Genotype(...) is commented out', () => {
    const list = parseGenotypes(`# Genotype(normal=...) is the DARTS form; this file uses NB201\nbest = '${STRINGS[0]}'\n`)
    expect(list.map((g) => [g.name, g.line])).toEqual([['best', 2]])
  })

  it('round-trips through JSON', () => {
    const list = parseGenotypes(STRINGS.join('\n'))
    const back = parseGenotypes(toJson(list))
    back.forEach((g, k) => expect(genotypesEqual(g.genotype, list[k]!.genotype)).toBe(true))
  })
})

describe('JSON and format detection', () => {
  it('reads a bare JSON entry and reports the line of each entry in a document', () => {
    const bare = one(
      JSON.stringify({
        name: 'x',
        space: 'nb201',
        nodes: [
          [{ op: 'none', from: 0 }],
          [
            { op: 'none', from: 0 },
            { op: 'none', from: 1 },
          ],
          [
            { op: 'none', from: 0 },
            { op: 'none', from: 1 },
            { op: 'none', from: 2 },
          ],
        ],
      }),
    )
    expect(bare).toMatchObject({ name: 'x', format: 'json', line: 1 })
    const doc = parseGenotypes('\uFEFF' + toJson([bare, { ...bare, name: 'y' }]))
    expect(doc.map((g) => g.name)).toEqual(['x', 'y'])
    expect(doc[0]!.line).toBeLessThan(doc[1]!.line!)
  })

  it('detects each format', () => {
    expect(detectFormat('  {"schema": 1}')).toBe('json')
    expect(detectFormat(DARTS_V2_TEXT)).toBe('python')
    expect(detectFormat('arch |none~0|+|none~0|none~1|+|none~0|none~1|none~2|')).toBe('nb201')
    expect(detectFormat('hello')).toBe('python')
  })
})
