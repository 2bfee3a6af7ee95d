#!/usr/bin/env node
// `npm start`. The desktop app (Electron shell, run launcher, dashboards) is not built yet, so this
// says what exists today and runs it on the built-in genotype library instead of failing.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const electronBinary = () => {
  const pathTxt = join(root, 'node_modules/electron/path.txt')
  return existsSync(pathTxt) && existsSync(join(root, 'node_modules/electron/dist'))
}

console.log('HDARTS Studio 0.1.0')
console.log(
  electronBinary()
    ? 'Electron is installed, but the desktop app is not part of this version yet; the command line below is what works today.'
    : "Electron's binary is not installed here (it cannot be downloaded offline), and the desktop app is not part of this version yet; the command line below is what works today.",
)
console.log('\nBuilt-in genotype library (resources/genotypes), CIFAR-10 evaluation network, C=36, 20 cells:\n')
const library = join(root, 'resources/genotypes')
for (const file of readdirSync(library)
  .filter((f) => f.endsWith('.py'))
  .sort()) {
  const r = spawnSync(process.execPath, [join(root, 'bin/hdarts.js'), 'genotype', 'params', join(library, file)], {
    encoding: 'utf8',
  })
  if (r.status !== 0) {
    process.stderr.write(r.stderr)
    process.exit(r.status ?? 1)
  }
  // Skip each table's settings line after the first file: they are all the same.
  process.stdout.write(`${file}\n${r.stdout.split('\n').slice(1).join('\n')}\n`)
}
console.log(`What works today (npx hdarts --help for all of it):
  npx hdarts genotype params FILE|- [--channels 36] [--layers 20] [--classes 10] [--auxiliary] [--name NAME] [--json]
  npx hdarts genotype convert FILE|- --to darts|json|nb201 [--name NAME]
  npx hdarts search --preset darts-1st-quick      a DARTS search on Fashion-MNIST (about 13 minutes on 2 cores)
  npx hdarts search --resume RUN_DIR              continue a stopped or crashed search
  npm test        layer lint, typecheck, formatting and the test suite`)
