// `npm run train:vae [-- --epochs N --hidden H --seed S --batch B --lr LR --mlp-epochs N --backend wasm|cpu --out FILE]`
// (`--init FILE` continues training from a weights file instead of a fresh initialisation).
// Trains E2NAS's NB201 graph VAE and latent MLP on all 15,625 cells (src/engine/e2nas/vaeTrain.ts), then
// measures them over the whole space with the core inference the search uses: whole-cell and per-node
// reconstruction of decode(encodeMean(cell)), injectivity of μ, and the MLP's fit. Writes the weights
// and these figures to resources/e2nas/vae-nb201.json (default) and prints the figures.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { mlpFromFile, nb201OneHot } from '../src/core/e2nas/mlp'
import { enumerateNb201, NB201_EDGE_COUNT } from '../src/core/e2nas/nb201Dag'
import { vaeModelFromFile } from '../src/core/e2nas/vae'
import { type E2nasWeightsFile, parseWeightsFile } from '../src/core/e2nas/weights'
import { formatDuration } from '../src/cli/progress'
import { type BackendPin, initBackend } from '../src/engine/backends'
import { trainNb201Vae, VAE_DEFAULTS, type VaeTrainProgress } from '../src/engine/e2nas/vaeTrain'

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback
}
const num = (name: string, fallback: number): number => {
  const v = Number(arg(name, String(fallback)))
  if (!Number.isFinite(v)) throw new Error(`--${name} must be a number`)
  return v
}

/** One bar over both phases with an ETA on a TTY; a line per epoch otherwise (logs, pipes). */
function progressBar(out: NodeJS.WriteStream, vaeEpochs: number, mlpEpochs: number): (p: VaeTrainProgress) => void {
  const started = Date.now()
  // An MLP epoch costs far less than a VAE epoch; weigh it as a fifth for the ETA.
  const total = vaeEpochs + mlpEpochs / 5
  return (p) => {
    const done = (p.phase === 'vae' ? p.epoch : vaeEpochs + p.epoch / 5) + p.step / p.stepsPerEpoch / (p.phase === 'vae' ? 1 : 5)
    const frac = done / total
    const elapsed = (Date.now() - started) / 1000
    const eta = frac > 0 ? (elapsed / frac) * (1 - frac) : NaN
    const stats =
      p.phase === 'vae'
        ? `VAE epoch ${p.epoch + 1}/${p.epochs}  loss ${p.loss.toFixed(4)}  recon ${(100 * p.reconAcc).toFixed(2)}%`
        : `MLP epoch ${p.epoch + 1}/${p.epochs}  mse ${p.loss.toExponential(3)}`
    const epochEnd = p.step === p.stepsPerEpoch
    if (out.isTTY) {
      const width = 24
      const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░')
      out.write(`\r\x1b[2K${bar} ${(100 * frac).toFixed(0)}%  ETA ${formatDuration(eta)}  ${stats}`)
      if (epochEnd && p.phase === 'vae' && (p.epoch + 1) % 10 === 0) out.write('\n')
    } else if (epochEnd && (p.phase === 'vae' || (p.epoch + 1) % 10 === 0)) {
      out.write(`${stats}  elapsed ${formatDuration(elapsed)}  ETA ${formatDuration(eta)}\n`)
    }
  }
}

/** Whole-space figures with the core inference (what the search will run). */
function evaluate(file: E2nasWeightsFile): Record<string, unknown> {
  const vae = vaeModelFromFile(file)
  const mlp = mlpFromFile(file)
  const cells = enumerateNb201()
  const nodeRight = new Array<number>(NB201_EDGE_COUNT).fill(0)
  const seen = new Map<string, number>()
  const wrong: number[] = []
  let collisions = 0
  let mlpRight = 0
  const mus: Float32Array[] = []
  let decodeMs = 0
  for (const [k, cell] of cells.entries()) {
    const mu = vae.encodeMean(cell)
    mus.push(mu)
    const t0 = performance.now()
    const rec = vae.decode(mu)
    decodeMs += performance.now() - t0
    rec.forEach((op, e) => (nodeRight[e]! += op === cell[e]! ? 1 : 0))
    if (rec.some((op, e) => op !== cell[e])) wrong.push(k)
    const key = Array.from(mu).join(',')
    if (seen.has(key)) collisions++
    else seen.set(key, k)
    // The MLP regresses μ: does its z still decode to the cell?
    if (vae.decode(mlp.forward(nb201OneHot(cell))).every((op, e) => op === cell[e])) mlpRight++
  }
  // Smallest distance between two μ: how far apart the latent codes of different cells are.
  let minDist = Infinity
  const nz = file.meta.nz
  for (let i = 0; i < mus.length; i++) {
    const a = mus[i]!
    for (let j = i + 1; j < mus.length; j++) {
      const b = mus[j]!
      let d = 0
      for (let k = 0; k < nz && d < minDist; k++) d += (a[k]! - b[k]!) ** 2
      if (d < minDist) minDist = d
    }
  }
  const n = cells.length
  return {
    cells: n,
    reconAccuracy: (n - wrong.length) / n,
    perNodeAccuracy: nodeRight.map((r) => r / n),
    cellsNotReconstructed: wrong.length,
    notReconstructed: wrong.slice(0, 20),
    muCollisions: collisions,
    distinctMu: seen.size,
    minMuDistance: Number(Math.sqrt(minDist).toPrecision(4)),
    mlpReconAccuracy: mlpRight / n,
    decodeMicroseconds: Number(((1000 * decodeMs) / n).toPrecision(3)),
  }
}

async function main(): Promise<void> {
  const backend = await initBackend(arg('backend', 'wasm') as BackendPin)
  const opts = {
    hidden: num('hidden', VAE_DEFAULTS.hidden),
    epochs: num('epochs', VAE_DEFAULTS.epochs),
    seed: num('seed', VAE_DEFAULTS.seed),
    batchSize: num('batch', VAE_DEFAULTS.batchSize),
    lr: num('lr', VAE_DEFAULTS.lr),
    mlpEpochs: num('mlp-epochs', VAE_DEFAULTS.mlpEpochs),
  }
  const out = arg('out', join(import.meta.dirname, '../resources/e2nas/vae-nb201.json'))
  process.stderr.write(`training the NB201 VAE on ${backend.name} (${backend.device}): ${JSON.stringify(opts)}\n`)
  const init = process.argv.includes('--init') ? parseWeightsFile(JSON.parse(readFileSync(arg('init', ''), 'utf8'))) : undefined
  const file = await trainNb201Vae({ ...opts, init, onProgress: progressBar(process.stderr, opts.epochs, opts.mlpEpochs) })
  if (process.stderr.isTTY) process.stderr.write('\n')
  const t0 = performance.now()
  const evaluation = evaluate(file)
  file.meta.evaluation = { ...evaluation, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }
  file.meta.reconAccuracy = evaluation.reconAccuracy as number
  mkdirSync(dirname(out), { recursive: true })
  const text = JSON.stringify(file)
  writeFileSync(out, text + '\n')
  const { history: _history, ...meta } = file.meta
  process.stdout.write(`${JSON.stringify(meta, null, 2)}\nwrote ${out} (${(text.length / 1024).toFixed(0)} KiB)\n`)
}

main().catch((e: unknown) => {
  process.stderr.write(`train:vae: ${(e as Error).message}\n`)
  process.exit(1)
})
