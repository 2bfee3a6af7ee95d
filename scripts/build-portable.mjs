// `npm run build:portable [-- --out DIR]`: one folder that runs `hdarts search`, the bench and gpu-check.sh on a
// machine with only Node (≥ 20.19) and a GPU driver: no node_modules, no npm. esbuild bundles the CLI, the
// worker, bench and gpu-check (ESM, shared chunks) and the folder gets the files the bundles load at run time:
//   hdarts                 shell entry (node cli.mjs "$@")
//   cli.mjs worker.mjs bench.mjs gpu-check.mjs chunk-*.mjs
//   tfjs-backend-wasm*.wasm    (found next to the bundle through __dirname, as in the package's dist/)
//   dawn/linux-x64/dawn.node   (N-API: any Node version)
//   native/better_sqlite3.node (the run database; built for this Node's ABI, see docs/engine.md)
//   gpu-check.sh
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { build } from 'esbuild'

const ROOT = resolve(import.meta.dirname, '..')
const i = process.argv.indexOf('--out')
const OUT = resolve(i > 0 ? process.argv[i + 1] : join(ROOT, 'out/portable'))
const LIMIT_MB = 64
const require = createRequire(import.meta.url)
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`))

rmSync(OUT, { recursive: true, force: true })
mkdirSync(OUT, { recursive: true })

// Every bundle gets CommonJS's require/__dirname/__filename: the CJS packages inside (tfjs' node builds,
// better-sqlite3) use them, and the wasm loader finds its .wasm through __dirname.
const banner = [
  "import { createRequire as __hdartsCreateRequire } from 'node:module';",
  "import { dirname as __hdartsDirname } from 'node:path';",
  "import { fileURLToPath as __hdartsFileURLToPath } from 'node:url';",
  'const require = __hdartsCreateRequire(import.meta.url);',
  'const __filename = __hdartsFileURLToPath(import.meta.url);',
  'const __dirname = __hdartsDirname(__filename);',
].join('\n')

// better-sqlite3 finds its addon through `bindings`; here it is native/ beside the bundle.
const nativeBindings = {
  name: 'portable-bindings',
  setup(b) {
    b.onResolve({ filter: /^bindings$/ }, () => ({ path: 'bindings', namespace: 'portable' }))
    b.onLoad({ filter: /.*/, namespace: 'portable' }, () => ({
      contents: "module.exports = (name) => require(require('node:path').join(__dirname, 'native', name))",
      loader: 'js',
    }))
  },
}

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: {
    cli: 'scripts/portable/cli.ts',
    worker: 'src/worker/main.ts',
    bench: 'scripts/bench.ts',
    'gpu-check': 'scripts/gpu-check.ts',
  },
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunk-[hash]',
  banner: { js: banner },
  // Loaded with a computed require when present (tfjs-node*), or never on Node (electron, ws' optional
  // native helpers); the bundle reports them as not installed, as the source does.
  external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'electron', 'bufferutil', 'utf-8-validate'],
  plugins: [nativeBindings],
  logLevel: 'warning',
  metafile: true,
})

const wasmDir = join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist')
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(OUT, f))
// Only the Linux x64 Dawn (the cluster nodes' platform); other platforms can be added the same way.
mkdirSync(join(OUT, 'dawn/linux-x64'), { recursive: true })
copyFileSync(join(pkgDir('webgpu'), 'dist/linux-x64/dawn.node'), join(OUT, 'dawn/linux-x64/dawn.node'))
mkdirSync(join(OUT, 'native'))
copyFileSync(join(pkgDir('better-sqlite3'), 'build/Release/better_sqlite3.node'), join(OUT, 'native/better_sqlite3.node'))
cpSync(join(ROOT, 'scripts/gpu-check.sh'), join(OUT, 'gpu-check.sh'))
writeFileSync(
  join(OUT, 'hdarts'),
  '#!/bin/sh\n# HDARTS Studio CLI, portable build: needs only Node (>= 20.19) on the PATH.\nexec node "$(dirname "$0")/cli.mjs" "$@"\n',
)
chmodSync(join(OUT, 'hdarts'), 0o755)
writeFileSync(
  join(OUT, 'BUILD.json'),
  `${JSON.stringify({ builtWith: process.version, abi: process.versions.modules, platform: `${process.platform}-${process.arch}`, time: new Date().toISOString() }, null, 2)}\n`,
)

const sizeOf = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + sizeOf(join(p, f)), 0) : statSync(p).size)
const mb = sizeOf(OUT) / 2 ** 20
console.log(`portable build: ${OUT} (${mb.toFixed(1)} MB, ${Object.keys(result.metafile.outputs).length} bundle files)`)
if (existsSync(join(OUT, 'node_modules'))) throw new Error('portable build must not contain node_modules')
if (mb > LIMIT_MB) {
  console.error(`portable build is ${mb.toFixed(1)} MB, over the ${LIMIT_MB} MB limit`)
  process.exit(1)
}
