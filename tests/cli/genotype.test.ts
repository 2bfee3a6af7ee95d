import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, hdarts } from './run'

const darts = join(FIXTURES, 'darts.py')

describe('hdarts genotype params (the foundation issue\'s "done when")', () => {
  it('reports DARTS_V1 3169414 and DARTS_V2 3349342 from a file', () => {
    const r = hdarts(['genotype', 'params', darts, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.genotypes.map((g: { name: string; params: number }) => [g.name, g.params])).toEqual([
      ['DARTS_V1', 3169414],
      ['DARTS_V2', 3349342],
    ])
    expect(doc.genotypes[1]).toMatchObject({
      paramsM: '3.349342 M',
      skipsNormal: 2,
      skipsReduce: 3,
      countsAux: false,
      aliases: ['DARTS'],
    })
  })

  it('gives the same through - on stdin', () => {
    const fromFile = hdarts(['genotype', 'params', darts, '--json'])
    const fromStdin = hdarts(['genotype', 'params', '-', '--json'], readFileSync(darts))
    expect(fromStdin.code).toBe(0)
    expect(fromStdin.stdout).toBe(fromFile.stdout)
  })

  it('prints a table by default, selects by alias and counts the auxiliary head on request', () => {
    const table = hdarts(['genotype', 'params', darts])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/DARTS_V2\s+3349342\s+3\.349342 M/)
    const aux = hdarts(['genotype', 'params', darts, '--name', 'DARTS', '--auxiliary', '--json'])
    const g = JSON.parse(aux.stdout).genotypes
    expect(g).toHaveLength(1)
    expect(g[0]).toMatchObject({ name: 'DARTS_V2', params: 3349342 + 476426, countsAux: true })
  })

  it('honours --channels/--layers/--classes (CIFAR-100 count of DARTS_V2)', () => {
    const r = hdarts(['genotype', 'params', darts, '--name', 'DARTS_V2', '--classes', '100', '--json'])
    expect(JSON.parse(r.stdout).genotypes[0].params).toBe(3401272)
  })
})

describe('hdarts genotype convert', () => {
  it('writes DARTS text exactly as DARTS logs it', () => {
    const r = hdarts(['genotype', 'convert', darts, '--to', 'darts', '--name', 'DARTS_V1'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=range(2, 6))\n",
    )
  })

  it('round-trips a whole genotypes.py through JSON and back', () => {
    const json = hdarts(['genotype', 'convert', join(FIXTURES, 'eenas.py'), '--to', 'json'])
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ schema: 'hdarts.genotype', version: 1 })
    const back = hdarts(['genotype', 'convert', '-', '--to', 'darts'], json.stdout)
    expect(back.code).toBe(0)
    expect(back.stdout).toMatch(/^EENAS = Genotype\(normal=\[\('sep_conv_5x5', 1\)/)
    expect(back.stdout).toMatch(/\nEENAS_R = Genotype\(/)
  })

  it('converts NAS-Bench-201 strings', () => {
    const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|'
    const json = hdarts(['genotype', 'convert', '-', '--to', 'json'], arch + '\n')
    expect(json.code).toBe(0)
    expect(hdarts(['genotype', 'convert', '-', '--to', 'nb201'], json.stdout).stdout).toBe(arch + '\n')
  })
})

describe('bad input: exit 2 and one clear line, no stack trace', () => {
  const bad = (args: string[], input?: string | Buffer) => {
    const r = hdarts(args, input)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toMatch(/\n\s+at /)
    return r.stderr
  }
  const genotype = (normal: string) =>
    `G = Genotype(normal=${normal}, normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])\n`
  const eight = (first: string) =>
    `[${first}, ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)]`

  it('unknown op, with file:line:col', () => {
    expect(bad(['genotype', 'params', '-'], genotype(eight("('sep_conv_9x9', 0)")))).toMatch(
      /^hdarts: <stdin>:1:\d+: .*sep_conv_9x9/,
    )
  })
  it('wrong arity', () =>
    expect(bad(['genotype', 'params', '-'], genotype(eight("('sep_conv_3x3',)")))).toMatch(/arity|element|tuple/i))
  it('negative input index', () =>
    expect(bad(['genotype', 'params', '-'], genotype(eight("('sep_conv_3x3', -1)")))).toMatch(/-1|negative/))
  it('input index out of range', () =>
    expect(bad(['genotype', 'params', '-'], genotype(eight("('sep_conv_3x3', 7)")))).toMatch(/range/))
  it('concat naming a missing node', () =>
    expect(
      bad(
        ['genotype', 'params', '-'],
        genotype(eight("('sep_conv_3x3', 0)")).replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=[2, 3, 4, 9]'),
      ),
    ).toMatch(/concat/))
  it('unbalanced brackets', () =>
    expect(bad(['genotype', 'params', '-'], genotype(eight("('sep_conv_3x3', 0)")).replace(')\n', '\n'))).toMatch(/\d+:\d+/))
  it('list multiplication', () =>
    expect(bad(['genotype', 'params', '-'], genotype("[('skip_connect', 0)] * 8"))).toMatch(/not supported|expression/i))
  it('empty input', () => expect(bad(['genotype', 'params', '-'], '')).toMatch(/empty/))
  it('binary junk', () =>
    expect(bad(['genotype', 'params', '-'], Buffer.from([0, 159, 146, 150, 0, 1, 2, 255, 254, 0]))).toMatch(/binary/))
  it('a file that is not a genotype', () =>
    expect(bad(['genotype', 'params', join(FIXTURES, 'param-counts.json')])).toMatch(/param-counts\.json/))
  it('wrong JSON schema', () =>
    expect(
      bad(
        ['genotype', 'convert', '-', '--to', 'darts'],
        '{"schema":"hdarts.genotype","version":1,"genotypes":[{"name":"x","space":"darts"}]}',
      ),
    ).toMatch(/genotypes\[0\]/))
  it('a huge input', () => expect(bad(['genotype', 'params', '-'], 'x'.repeat(9 * 1024 * 1024))).toMatch(/too large/))
  it('a missing file', () => expect(bad(['genotype', 'params', '/nonexistent/genotypes.py'])).toMatch(/no such file/))
  it('an unknown name', () => expect(bad(['genotype', 'params', darts, '--name', 'NOPE'])).toMatch(/NOPE.*DARTS_V1/))
  it('an unknown option and a bad number', () => {
    expect(bad(['genotype', 'params', darts, '--frobnicate'])).toMatch(/frobnicate/)
    expect(bad(['genotype', 'params', darts, '--channels', 'many'])).toMatch(/--channels/)
  })
  it('a DARTS cell asked for as NAS-Bench-201', () =>
    expect(bad(['genotype', 'convert', darts, '--to', 'nb201'])).toMatch(/NAS-Bench-201/))
  it('unknown command and verb', () => {
    expect(bad(['frobnicate'])).toMatch(/unknown command/)
    expect(bad(['genotype', 'frobnicate'])).toMatch(/unknown verb/)
  })

  it('--debug adds the stack trace', () => {
    const r = hdarts(['genotype', 'params', '-', '--debug'], '')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/\n\s+at /)
  })
})

describe('help', () => {
  it('has --help on every verb', () => {
    for (const args of [
      ['--help'],
      ['genotype', '--help'],
      ['genotype', 'convert', '--help'],
      ['genotype', 'params', '--help'],
    ]) {
      const r = hdarts(args)
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stdout).toMatch(/Usage: hdarts/)
    }
    expect(hdarts(['genotype', 'params', '--help']).stdout).toMatch(/--channels C\s+initial channels \(default 36\)/)
  })
})
