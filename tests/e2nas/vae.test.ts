// E2NAS's NB201 graph VAE: the enumeration and DAG form of cells, the shipped weights measured over the
// whole space with the core inference, and the file format's validation.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  cellAt,
  cellIndex,
  cellToNb201String,
  DAG_PREDECESSORS,
  dagTypes,
  enumerateNb201,
  NB201_CELL_COUNT,
} from '../../src/core/e2nas/nb201Dag'
import { type Nb201VaeModel, vaeFromJson, vaeModelFromFile } from '../../src/core/e2nas/vae'
import { encodeTensor, parseWeightsFile } from '../../src/core/e2nas/weights'
import { loadNb201Vae, nb201VaePath } from '../../src/engine/e2nas/resources'

/** The bar the shipped weights must clear: whole-cell reconstruction over all 15,625 cells. */
const RECON_BAR = 0.999

describe('NB201 cells', () => {
  it('enumerates 15,625 distinct cells in base-5 order, and cellIndex inverts it', () => {
    const cells = enumerateNb201()
    expect(cells).toHaveLength(15_625)
    expect(NB201_CELL_COUNT).toBe(15_625)
    expect(new Set(cells.map((c) => c.join(''))).size).toBe(15_625)
    cells.forEach((c, k) => {
      if (cellIndex(c) !== k) throw new Error(`cellIndex(${c}) = ${cellIndex(c)}, expected ${k}`)
    })
    expect(cells[0]).toEqual([0, 0, 0, 0, 0, 0])
    expect(cells[1]).toEqual([0, 0, 0, 0, 0, 1])
    expect(cells[15_624]).toEqual([4, 4, 4, 4, 4, 4])
    expect(cellAt(5)).toEqual([0, 0, 0, 0, 1, 0])
    expect(() => cellIndex([0, 0, 0, 0, 0, 5])).toThrow(/not an NB201 cell/)
    expect(() => cellIndex([0, 0, 0])).toThrow(/not an NB201 cell/)
  })

  it('has the D-VAE DAG of an NB201 cell: op nodes read the edges into their source node', () => {
    // Nodes: 0 input; 1..6 = edges 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2; 7 output.
    expect(DAG_PREDECESSORS).toEqual([[], [0], [0], [1], [0], [1], [2, 3], [4, 5, 6]])
    expect(dagTypes([0, 1, 2, 3, 4, 0])).toEqual([0, 2, 3, 4, 5, 6, 2, 1])
    expect(cellToNb201String([3, 3, 3, 1, 3, 3])).toBe(
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|',
    )
  })
})

describe('shipped weights (resources/e2nas/vae-nb201.json)', () => {
  let vae: Nb201VaeModel
  beforeAll(() => {
    vae = vaeModelFromFile(parseWeightsFile(JSON.parse(readFileSync(nb201VaePath(), 'utf8'))))
  })

  it(`reconstructs ≥ ${100 * RECON_BAR}% of all cells with decode(encodeMean(cell)), and μ is injective`, () => {
    const seen = new Map<string, number>()
    const wrong: string[] = []
    const collisions: string[] = []
    const t0 = performance.now()
    for (const [k, cell] of enumerateNb201().entries()) {
      const mu = vae.encodeMean(cell)
      if (mu.length !== 30) throw new Error(`μ of ${cell.join('')} has ${mu.length} dimensions`)
      const rec = vae.decode(mu)
      if (rec.some((op, e) => op !== cell[e])) wrong.push(`${cell.join('')}→${rec.join('')}`)
      const key = Array.from(mu).join(',')
      const prev = seen.get(key)
      if (prev != null) collisions.push(`${cellAt(prev).join('')} = ${cell.join('')}`)
      else seen.set(key, k)
    }
    const acc = 1 - wrong.length / NB201_CELL_COUNT
    console.log(
      `VAE whole-space reconstruction: ${(100 * acc).toFixed(3)}% (${NB201_CELL_COUNT - wrong.length}/${NB201_CELL_COUNT}); ` +
        `distinct μ: ${seen.size}; ${((performance.now() - t0) / NB201_CELL_COUNT).toFixed(3)} ms per encode+decode` +
        (wrong.length ? `; not reconstructed (first 10): ${wrong.slice(0, 10).join(' ')}` : '') +
        (collisions.length ? `; μ collisions: ${collisions.slice(0, 10).join(' ')}` : ''),
    )
    expect(acc).toBeGreaterThanOrEqual(RECON_BAR)
    expect(collisions).toEqual([])
    // 15,625 encodes and decodes in plain TypeScript: about 20 s alone, longer beside other test files.
  }, 240_000)

  it('loads through loadNb201Vae with metadata that records the same accuracy', () => {
    const { vae: loaded, mlp, meta } = loadNb201Vae()
    expect(loaded.nz).toBe(30)
    expect(meta.reconAccuracy).toBeGreaterThanOrEqual(RECON_BAR)
    const cell = [3, 3, 3, 1, 3, 3]
    expect(loaded.decode(loaded.encodeMean(cell))).toEqual(cell)
    expect(mlp.forward(new Float32Array(30))).toHaveLength(30)
    expect(loadNb201Vae()).toBe(loadNb201Vae()) // parsed once per process
  })
})

describe('vaeFromJson validation', () => {
  const good = () => JSON.parse(readFileSync(nb201VaePath(), 'utf8'))
  const oneLine = (f: () => unknown): string => {
    try {
      f()
    } catch (e) {
      const message = (e as Error).message
      expect(message).not.toContain('\n')
      return message
    }
    throw new Error('expected an error')
  }

  it('names the problem in one line', () => {
    expect(oneLine(() => vaeFromJson(null))).toMatch(/invalid E2NAS weights file/)
    expect(oneLine(() => vaeFromJson({ ...good(), format: 'other' }))).toMatch(/'format'/)
    const missing = good()
    delete missing.tensors['fc1.w']
    expect(oneLine(() => vaeFromJson(missing))).toMatch(/tensor 'fc1.w' is missing/)
    const badShape = good()
    badShape.tensors['gate.w'] = encodeTensor(new Float32Array(6), [2, 3])
    expect(oneLine(() => vaeFromJson(badShape))).toMatch(/tensor 'gate.w' has shape \[2,3\], expected \[\d+,\d+\]/)
    const truncated = good()
    truncated.tensors['fc1.b'].data = truncated.tensors['fc1.b'].data.slice(0, 16)
    expect(oneLine(() => vaeFromJson(truncated))).toMatch(/tensor 'fc1.b' holds \d+ values, expected 30/)
    const garbage = good()
    garbage.tensors['fc1.b'].data = '!!!not base64!!!'
    expect(oneLine(() => vaeFromJson(garbage))).toMatch(/tensor 'fc1.b' is not valid base64/)
    const noMeta = good()
    delete noMeta.meta.hidden
    expect(oneLine(() => vaeFromJson(noMeta))).toMatch(/'meta.hidden'/)
  })

  it('reports a missing weights file with the command that creates it', () => {
    expect(oneLine(() => nb201VaePath({ HDARTS_RESOURCES: join('/nonexistent', 'res') }))).toMatch(/npm run train:vae/)
    expect(oneLine(() => nb201VaePath({}, '/'))).toMatch(/npm run train:vae/)
  })
})
