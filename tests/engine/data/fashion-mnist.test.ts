/**
 * The real Fashion-MNIST from Debian's dataset-fashion-mnist package, where it is installed
 * (`apt-get install dataset-fashion-mnist` puts the four .gz IDX files in /usr/share/datasets/fashion-mnist).
 */
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng'
import { Loader, loadDataset, searchSplit } from '../../../src/engine/data/index'

const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist'
const missing = !existsSync(SYSTEM_DIR)
if (missing) console.log(`skipping the real Fashion-MNIST test: ${SYSTEM_DIR} not found (apt-get install dataset-fashion-mnist)`)

describe('real Fashion-MNIST (Debian package)', () => {
  it.skipIf(missing)('loads 60000 train and 10000 test images of 28×28×1 from the system folder', async () => {
    const ds = await loadDataset('fashion-mnist', { appDataDir: join(tmpdir(), 'hdarts-no-such-app-data') })
    expect(ds.location).toEqual({ kind: 'system', dir: SYSTEM_DIR })
    expect(ds.train.count).toBe(60000)
    expect(ds.test?.count).toBe(10000)
    expect(ds.info.shape).toEqual({ height: 28, width: 28, channels: 1 })
    expect(ds.train.images.length).toBe(60000 * 784)
    // Balanced classes: 6000 per class in train, 1000 in test.
    const counts = new Array<number>(10).fill(0)
    for (const l of ds.train.labels) counts[l]!++
    expect(counts).toEqual(new Array(10).fill(6000))
    // The normalization constants are the train set's statistics.
    let sum = 0
    for (const v of ds.train.images) sum += v
    expect(sum / ds.train.images.length / 255).toBeCloseTo(ds.info.normalization.mean[0]!, 3)

    const { train, val } = searchSplit(ds.train)
    expect([train.count, val.count]).toEqual([30000, 30000])
    const b = Loader.of(train, {
      batchSize: 64,
      shuffle: true,
      rng: new Rng(0),
      augment: ds.info.augment,
      normalize: ds.info.normalization,
    }).next()
    expect(b.x).toHaveLength(64 * 784)
    expect(b.x.every(Number.isFinite)).toBe(true)
  })
})
