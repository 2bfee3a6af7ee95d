// `hdarts search --preset e2nas-quick` through the real CLI and worker on Fashion-MNIST: it runs to the
// end, registers the run, and every epoch's genotype is an NB201 string decoded from z.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/events'
import { parseGenotypes } from '../../src/core/genotype/parse/index'
import { hdarts } from '../cli/run'

const FMNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
const haveData = existsSync(FMNIST)
if (!haveData) console.log(`skipping the E2NAS CLI search: ${FMNIST} is missing (apt-get install dataset-fashion-mnist)`)

describe.skipIf(!haveData)('hdarts search --preset e2nas-quick', () => {
  it('runs to the end on Fashion-MNIST with NB201 genotypes out and E2NAS series in its events', () => {
    // 8 steps an epoch; an archive of 8 fills in the first, so the novelty term is on in the second.
    const sets = ['limitPerHalf=256', 'epochs=2', 'latent.archiveSize=8'].flatMap((s) => ['--set', s])
    const r = hdarts(['search', '--preset', 'e2nas-quick', ...sets, '--json'])
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { status: string; genotype: string; runDir: string }
    expect(out.status).toBe('finished')
    expect(parseGenotypes(out.genotype)[0]!.genotype.kind).toBe('nb201')
    const events = readFileSync(join(out.runDir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RunEvent)
    const genotypes = events.filter((e) => e.type === 'genotype')
    expect(genotypes.map((g) => g.type === 'genotype' && g.format)).toEqual(['nb201', 'nb201'])
    const method = events.filter((e) => e.type === 'method')
    expect(method).toHaveLength(2)
    for (const m of method) {
      if (m.type !== 'method') continue
      for (const key of ['eta', 'lossPrevious', 'lossComplement', 'archiveDistinct', 'reconDistance'])
        expect(m.scalars).toHaveProperty(key)
      expect(m.matrices.z![0]).toHaveLength(30)
    }
    const [first, second] = method.map((m) => (m.type === 'method' ? m.scalars : {}))
    expect(first).not.toHaveProperty('novelty')
    expect(Number.isFinite(second!.novelty)).toBe(true)
    const list = JSON.parse(hdarts(['runs', 'list', '--json']).stdout) as { runs: { method: string; status: string }[] }
    expect(list.runs).toMatchObject([{ method: 'e2nas', status: 'finished' }])
  }, 300_000)
})
