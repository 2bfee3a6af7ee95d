import { describe, expect, it } from 'vitest'
import { GenotypeError } from '../../../src/core/genotype/model'
import { parseGenotypes, selectGenotype } from '../../../src/core/genotype/parse/index'

/** Parses, expecting a GenotypeError whose one-line message matches and, when given, its position. */
function fails(text: string, message: RegExp, at?: { line: number; column: number } | 'none', opts?: { maxBytes?: number }) {
  let caught: unknown
  try {
    parseGenotypes(text, opts)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(GenotypeError)
  const err = caught as GenotypeError
  expect(err.message).toMatch(message)
  expect(err.message).not.toContain('\n')
  expect(err.message.length).toBeLessThan(300)
  if (at === 'none') expect(err.line).toBeUndefined()
  else if (at) expect({ line: err.line, column: err.column }).toEqual(at)
  return err
}

/** 1-based line:column of the first `needle` in `text`. */
function posOf(text: string, needle: string, nth = 0) {
  let i = -1
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1)
  if (i < 0) throw new Error(`${needle} not in text`)
  const before = text.slice(0, i).split('\n')
  return { line: before.length, column: before[before.length - 1]!.length + 1 }
}

const PAIRS = "[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('dil_conv_3x3', 2)]"
const gen = (normal = PAIRS, rest = ', normal_concat=range(2, 4), reduce=' + PAIRS + ', reduce_concat=range(2, 4)') =>
  `G = Genotype(normal=${normal}${rest})`

describe('input-level errors', () => {
  it('rejects empty input', () => {
    fails('', /^input is empty$/, 'none')
    fails(' \n\t\r\n', /^input is empty$/, 'none')
  })

  it('rejects binary input: NUL bytes or mostly non-text', () => {
    fails(`${gen()}\0\0`, /^input is binary, not genotype text$/, 'none')
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256 || 1)
    fails(new TextDecoder().decode(bytes).replace(/\0/g, ''), /^input is binary, not genotype text$/, 'none')
  })

  it('rejects huge input with its size and the limit', () => {
    fails('#'.repeat(9 * 1024 * 1024), /^input is too large: 9 MiB \(limit 8 MiB\)$/, 'none')
    fails(gen(), /^input is too large: .* MiB \(limit .* MiB\)$/, 'none', { maxBytes: 100 })
    expect(parseGenotypes(gen(), { maxBytes: 4096 })).toHaveLength(1)
  })

  it('says when a file holds no genotype at all', () => {
    fails(
      'import torch\nprint("hello")\n# Genotype(normal=[]) is only mentioned here\n',
      /^no genotype found: expected Genotype\(\.\.\.\), a NAS-Bench-201 string or hdarts genotype JSON$/,
      'none',
    )
  })

  it('says when the only Genotype(...) is code built from variables', () => {
    const text =
      'def genotype(self):\n  return Genotype(normal=gene_normal, normal_concat=concat, reduce=gene_reduce, reduce_concat=concat)\n'
    fails(text, /^no genotype found: .*built from Python variables \(gene_normal\)/, posOf(text, 'Genotype('))
  })
})

describe('DARTS Genotype(...) errors', () => {
  it('unknown op: names the op and points at it', () => {
    const text = gen(PAIRS.replace("'dil_conv_3x3'", "'sep_conv_9x9'"))
    const err = fails(text, /^unknown op "sep_conv_9x9" in normal cell node 3$/, posOf(text, "'sep_conv_9x9'"))
    expect(err.located).toBe(`1:${posOf(text, "'sep_conv_9x9'").column}: ${err.message}`)
  })

  it('unknown op on a later line of a multi-line genotype', () => {
    const text = `# header\nX = Genotype(\n  normal=${PAIRS},\n  normal_concat=[2, 3],\n  reduce=[('max_pool_3x3', 0), ('nor_conv_3x3', 1),\n    ('skip_connect', 0), ('skip_connect', 2)],\n  reduce_concat=[2, 3])\n`
    fails(text, /^unknown op "nor_conv_3x3" in reduce cell node 2$/, { line: 5, column: 33 })
  })

  it('wrong tuple arity: 1 or 4 elements', () => {
    const one = gen(PAIRS.replace("('skip_connect', 0)", "('skip_connect',)"))
    fails(
      one,
      /^expected \('op', input\) or \('op', to, from\) in normal, got a tuple of 1 element$/,
      posOf(one, "('skip_connect',)"),
    )
    const four = gen(PAIRS.replace("('skip_connect', 0)", "('skip_connect', 0, 1, 2)"))
    fails(four, /got a tuple of 4 elements$/, posOf(four, "('skip_connect', 0, 1"))
  })

  it('odd number of flat entries', () => {
    const text = gen(PAIRS.replace(", ('dil_conv_3x3', 2)", ''))
    fails(
      text,
      /^normal has 3 \('op', input\) pairs; DARTS lists two per node, so the count must be even$/,
      posOf(text, "('skip_connect', 0)"),
    )
  })

  it('mixing pairs and triples', () => {
    const text = gen(PAIRS.replace("('skip_connect', 0)", "('skip_connect', 3, 0)"))
    fails(text, /^normal mixes \('op', input\) pairs and \('op', to, from\) triples$/, posOf(text, "('skip_connect', 3, 0)"))
  })

  it('input index out of range or negative', () => {
    const high = gen(PAIRS.replace("('sep_conv_3x3', 1)", "('sep_conv_3x3', 2)"))
    fails(high, /^normal cell node 2: input index 2 is out of range \(a node may only take states 0\.\.1\)$/, posOf(high, '2)'))
    const neg = gen(PAIRS.replace("('sep_conv_3x3', 1)", "('sep_conv_3x3', -1)"))
    fails(neg, /^normal cell node 2: input index -1 is negative/, posOf(neg, '-1'))
  })

  it('non-integer index', () => {
    const text = gen(PAIRS.replace("('sep_conv_3x3', 1)", "('sep_conv_3x3', 1.5)"))
    fails(text, /^input index must be an integer, got 1\.5$/, posOf(text, '1.5'))
    const str = gen(PAIRS.replace("('sep_conv_3x3', 1)", "('sep_conv_3x3', '1')"))
    fails(str, /^input index must be an integer, got the string "1"$/, posOf(str, "'1'"))
  })

  it('concat naming a missing node', () => {
    const text = gen(PAIRS, `, normal_concat=[2, 3, 9], reduce=${PAIRS}, reduce_concat=range(2, 4)`)
    fails(text, /^normal_concat names state 9, but the cell only has states 0\.\.3$/, posOf(text, '9]'))
    const range = gen(PAIRS, `, normal_concat=range(2, 4), reduce=${PAIRS}, reduce_concat=range(2, 6)`)
    fails(range, /^reduce_concat names state 4/, posOf(range, 'range(2, 6)'))
  })

  it('unbalanced brackets: never closed, mismatched, or a missing comma', () => {
    const open = `X = Genotype(normal=${PAIRS},\n  normal_concat=range(2, 4)`
    fails(open, /^'\(' was never closed \(expected '\)'\)$/, posOf(open, '('))
    const mismatch = gen(PAIRS.replace('2)]', '2))'))
    fails(
      mismatch,
      /^closing '\)' does not match the '\[' opened at 1:21 \(expected '\]'\)$/,
      posOf(mismatch, '2))', 0) && { line: 1, column: posOf(mismatch, '2))').column + 2 },
    )
    const noClose = gen(PAIRS.replace(']', ''))
    fails(noClose, /^expected ',' or '\]' \(to close the '\[' opened at 1:21\), found '='$/, posOf(noClose, '=range'))
    const stray = `${gen()})`
    expect(parseGenotypes(stray)).toHaveLength(1) // text after the call is not the call's business
  })

  it('Python expressions: list multiplication, concatenation, comprehensions', () => {
    const mult = gen("[('skip_connect', 0)] * 8")
    fails(mult, /^Python expressions are not supported: multiplication \('\*'\)/, posOf(mult, '*'))
    const plus = gen(`${PAIRS} + [('skip_connect', 0)]`)
    fails(plus, /^Python expressions are not supported: concatenation \('\+'\)/, posOf(plus, '+'))
    const comp = gen("[(op, 0) for op in ['skip_connect', 'sep_conv_3x3']]")
    fails(comp, /^Python expressions are not supported: comprehension \('for'\)/, posOf(comp, 'for'))
    const dict = gen("{'a': 1}")
    fails(dict, /^Python expressions are not supported: dict or set literal/, posOf(dict, '{'))
  })

  it('missing required field, unknown keyword, duplicate keyword, too many positionals', () => {
    const missing = `G = Genotype(normal=${PAIRS}, normal_concat=range(2, 4), reduce_concat=range(2, 4))`
    fails(missing, /^Genotype\(\.\.\.\) is missing the reduce argument$/, posOf(missing, 'Genotype'))
    const unknown = gen(PAIRS, `, normal_concat=range(2, 4), reduce=${PAIRS}, reduce_concat=range(2, 4), upsample=2`)
    fails(
      unknown,
      /^unknown keyword argument "upsample" \(Genotype fields: normal, normal_concat, reduce, reduce_concat\)$/,
      posOf(unknown, 'upsample'),
    )
    const dup = gen(PAIRS, `, normal_concat=range(2, 4), normal=${PAIRS}, reduce=${PAIRS}, reduce_concat=range(2, 4)`)
    fails(dup, /^duplicate argument "normal"$/, posOf(dup, 'normal=', 1))
    const extra = `Genotype(${PAIRS}, [2, 3], ${PAIRS}, [2, 3], 7)`
    fails(extra, /^Genotype takes at most 4 positional arguments/, posOf(extra, '7'))
    const after = `Genotype(normal=${PAIRS}, [2, 3])`
    fails(after, /^positional argument follows keyword argument$/, posOf(after, '[2, 3]'))
  })

  it('strings: escapes and unterminated', () => {
    const esc = gen(PAIRS.replace("'skip_connect'", "'skip\\_connect'"))
    fails(esc, /^string escapes \(\\\) are not supported/, posOf(esc, '\\'))
    const open = "G = Genotype(normal=[('sep_conv_3x3', 0), ('skip_connect, 1)],\n  normal_concat=[2])"
    fails(open, /^unterminated string \(the ' opened at 1:44 is never closed\)$/, { line: 1, column: 44 })
  })

  it("D-X-Y's connectN/connects when not None", () => {
    const text = gen(PAIRS, `, normal_concat=[2, 3], reduce=${PAIRS}, reduce_concat=[2, 3], connectN=[2, 2], connects=None`)
    fails(
      text,
      /^the connectN\/connects form of D-X-Y's Genotype is not supported \(connectN must be None\)$/,
      posOf(text, '[2, 2]'),
    )
  })

  it('malformed D-X-Y groups and FairDARTS to-nodes', () => {
    const group = gen("[(('sep_conv_3x3', 0), ('sep_conv_3x3', 1)), (('skip_connect', 0), ('skip_connect', 1, 2))]")
    fails(
      group,
      /^expected an \('op', input\) pair inside a normal step, got a tuple of 3 elements$/,
      posOf(group, "('skip_connect', 1, 2)"),
    )
    const to = gen("[('sep_conv_3x3', 1, 0), ('sep_conv_3x3', 2, 1)]")
    fails(to, /^to-node 1 in normal is not an intermediate node/, posOf(to, '1, 0'))
  })

  it('wrong value kinds and deep nesting', () => {
    const notList = gen("'sep_conv_3x3'")
    fails(
      notList,
      /^normal must be a list of \('op', input\) tuples, got the string "sep_conv_3x3"$/,
      posOf(notList, "'sep_conv_3x3'"),
    )
    const badConcat = gen(PAIRS, `, normal_concat='2345', reduce=${PAIRS}, reduce_concat=range(2, 4)`)
    fails(badConcat, /^normal_concat must be range\(a, b\) or a list of state indices/, posOf(badConcat, "'2345'"))
    fails(`Genotype(normal=${'['.repeat(5000)}`, /nesting is deeper than 64 levels/)
  })
})

describe('NAS-Bench-201 errors', () => {
  it('unknown op, wrong edge count, out-of-range index, malformed edge', () => {
    const bad = 'best: |nor_conv_3x3~0|+|conv_9x9~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|'
    fails(bad, /^unknown NAS-Bench-201 op "conv_9x9" at node 2$/, posOf(bad, 'conv_9x9'))
    const count = '\n|nor_conv_3x3~0|+|none~0|+|skip_connect~0|none~1|skip_connect~2|'
    fails(count, /^NAS-Bench-201 node 2 needs 2 incoming edges, got 1$/, posOf(count, 'none~0'))
    const range = '|nor_conv_3x3~0|+|none~0|none~2|+|skip_connect~0|none~1|skip_connect~2|'
    fails(range, /^NAS-Bench-201 node 2: input index 2 out of range 0\.\.1$/, posOf(range, '2|+'))
    const nodes = '|nor_conv_3x3~0|+|none~0|none~1|'
    fails(nodes, /^NAS-Bench-201 cell needs 3 nodes, got 2$/, { line: 1, column: 1 })
    const edge = '|nor_conv_3x3~0|+|none~0|none|+|skip_connect~0|none~1|skip_connect~2|'
    fails(edge, /^expected op~input in a NAS-Bench-201 string, got "none"$/, posOf(edge, 'none|'))
  })
})

describe('JSON errors', () => {
  it('syntax errors report line:column', () => {
    const text = '{\n  "schema": "hdarts.genotype",\n  "version": 1,\n  "genotypes": [}\n'
    fails(text, /^invalid JSON: expected a value, found "}"$/, { line: 4, column: 17 })
    const open = '{\n  "schema": "hdarts.genotype",\n  "genotypes": [\n'
    fails(open, /^invalid JSON: '\[' opened at 3:16 was never closed$/, { line: 3, column: 16 })
    const comma = '{"schema": "hdarts.genotype" "version": 1}'
    fails(comma, /^invalid JSON: expected ',' or '}'/, posOf(comma, '"version"'))
    fails('[1, 2] x', /^invalid JSON: unexpected "x" after the end of the JSON document$/, { line: 1, column: 8 })
  })

  it('wrong schema points at the offending value', () => {
    const doc = {
      schema: 'hdarts.genotype',
      version: 1,
      genotypes: [{ name: 'x', space: 'nb201', nodes: [[{ op: 'none', from: '0' }]] }],
    }
    const text = JSON.stringify(doc, null, 2)
    fails(text, /^not a hdarts\.genotype v1 document: genotypes\[0\]\.nodes\[0\]\[0\]\.from: /, posOf(text, '"0"'))
    const wrong = '{"schema": "something.else", "version": 1, "genotypes": []}'
    fails(wrong, /^not a hdarts\.genotype v1 document: schema: /, posOf(wrong, '"something.else"'))
    fails('{"schema": "hdarts.genotype", "version": 2, "genotypes": []}', /^unsupported genotype JSON version 2/)
  })

  it('semantic errors point at the entry', () => {
    const text = JSON.stringify({ name: 'x', space: 'nb201', nodes: [[{ op: 'conv', from: 0 }], [], []] })
    fails(text, /^genotypes\[0\] \(x\): unknown NAS-Bench-201 op "conv" at node 1$/, { line: 1, column: 1 })
  })
})

describe('selectGenotype', () => {
  it('finds by name or alias and lists the names when missing', () => {
    const list = parseGenotypes(`A = Genotype(${PAIRS}, [2, 3], ${PAIRS}, [2, 3])\nB = A\n`)
    expect(selectGenotype(list, 'B').name).toBe('A')
    expect(() => selectGenotype(list, 'NOPE')).toThrow(GenotypeError)
    expect(() => selectGenotype(list, 'NOPE')).toThrow(/^no genotype named "NOPE"; available: A \(B\)$/)
    const many = parseGenotypes(
      Array.from({ length: 30 }, () => `genotype = Genotype(${PAIRS}, [2, 3], ${PAIRS}, [2, 3])`).join('\n'),
    )
    expect(() => selectGenotype(many, 'x')).toThrow(/genotype_20, … and 10 more$/)
  })
})
