import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, hdarts } from './run'

const ALL_SKIP = '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'
const BEST_C100 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'

describe('hdarts genotype bench (issue 15 "done when")', () => {
  it('prints 54.30 for the all-skip cell with its protocol and percentile', () => {
    const r = hdarts(['genotype', 'bench', '-'], `${ALL_SKIP}\n`)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /table: shipped \(nb201-200ep\.json\.gz, sha256 [0-9a-f]{12}…\); 200-epoch training, mean over the benchmark seeds/,
    )
    expect(r.stdout).toMatch(/CIFAR-10 test\s+54\.30 %\s+percentile\s+2\.5\s+\(cifar10 run\)/)
    expect(r.stdout).toMatch(/CIFAR-10 valid\s+39\.77 %.*\(cifar10-valid run\)/)
    expect(r.stdout).toContain('(index 1835)')
    expect(r.stdout).toContain('not in this table: CIFAR-100 valid, ImageNet16-120 valid')
  })

  it('--json gives every score with dataset, split, epochs and seeds; several cells and spellings in one input', () => {
    const input = `darts = '${ALL_SKIP}'\nbeta = "${BEST_C100}"\n`
    const r = hdarts(['genotype', 'bench', '-', '--json'], input)
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.table).toMatchObject({ kind: 'shipped', file: 'nb201-200ep.json.gz' })
    expect(doc.cells.map((c: { name: string; index: number }) => [c.name, c.index])).toEqual([
      ['darts', 1835],
      ['beta', 9930],
    ])
    const c100 = doc.cells[1].scores.find((s: { column: string }) => s.column === 'cifar100.test')
    expect(c100).toMatchObject({ dataset: 'CIFAR-100', split: 'test', epochs: 200, seeds: 'mean over the benchmark seeds' })
    expect(c100.accuracy.toFixed(2)).toBe('73.51')
    expect(c100.percentile).toBe(100)
  })

  it('reads a JSON genotype file the parser takes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'))
    const conv = hdarts(['genotype', 'convert', '-', '--to', 'json'], ALL_SKIP)
    writeFileSync(join(dir, 'cell.json'), conv.stdout)
    const r = hdarts(['genotype', 'bench', join(dir, 'cell.json'), '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).cells[0].index).toBe(1835)
  })

  it('bad input: a DARTS-space genotype, a malformed string, a bad user table: one line, exit 2', () => {
    const cases: [string[], string, RegExp][] = [
      [
        ['genotype', 'bench', join(FIXTURES, 'darts.py')],
        '',
        /is a DARTS-space genotype; NAS-Bench-201 has benchmark numbers only/,
      ],
      [
        ['genotype', 'bench', '-'],
        '|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|',
        /^hdarts: <stdin>:1:2: unknown NAS-Bench-201 op "conv_9x9"/,
      ],
      [['genotype', 'bench', '-'], '|none~0|+|none~0|+|none~0|none~1|none~2|', /NAS-Bench-201 node 2 needs 2 incoming edges/],
      [['genotype', 'bench', '-'], 'hello', /no genotype found/],
      [
        ['genotype', 'bench', '-', '--table', '/nonexistent/t.csv'],
        ALL_SKIP,
        /genotype bench: \/nonexistent\/t\.csv: no such NAS-Bench-201 table file/,
      ],
    ]
    const dir = mkdtempSync(join(tmpdir(), 'bench-table-'))
    writeFileSync(join(dir, 'short.csv'), `arch,cifar10.test\n${ALL_SKIP},54.3\n`)
    cases.push([['genotype', 'bench', '-', '--table', join(dir, 'short.csv')], ALL_SKIP, /short\.csv: 1 of 15625 cells present/])
    for (const [args, input, msg] of cases) {
      const r = hdarts(args, input)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(msg)
      expect(r.stdout).toBe('')
    }
  })
})
