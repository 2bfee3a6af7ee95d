// The layer map of docs/architecture.md (DESIGN.md §3) as data: which layers and which packages each
// folder may import. scripts/lint-layers.mjs enforces it; tests/lint/layers.test.ts proves it bites.

/** Longest prefix wins, so `src/main/store` is its own layer inside `src/main`. */
export const LAYERS = [
  { name: 'core', dir: 'src/core' },
  { name: 'shared', dir: 'src/shared' },
  { name: 'engine', dir: 'src/engine' },
  { name: 'node', dir: 'src/node' },
  { name: 'worker', dir: 'src/worker' },
  { name: 'store', dir: 'src/main/store' },
  { name: 'main', dir: 'src/main' },
  { name: 'server', dir: 'src/server' },
  { name: 'cli', dir: 'src/cli' },
  { name: 'preload', dir: 'src/preload' },
  { name: 'renderer', dir: 'src/renderer' },
]

// main, server and cli are one row of the design table ("main services + Electron shell; server;
// CLI"): they share services, so they may import each other's plain-TypeScript modules.
const APP = ['core', 'shared', 'node', 'store', 'main', 'server', 'cli']

export const ALLOWED_LAYERS = {
  core: ['core'],
  shared: ['core', 'shared'],
  engine: ['core', 'engine'],
  // Node-only helpers below every process that touches the disk: safe paths, the run directory.
  node: ['core', 'node'],
  worker: ['core', 'shared', 'engine', 'node', 'worker'],
  store: ['core', 'node', 'store'],
  main: APP,
  server: APP,
  cli: APP,
  preload: ['shared', 'preload'],
  renderer: ['core', 'shared', 'renderer'],
}

const NODE = 'node:*'
const TF = '@tensorflow/*'

/** Packages per layer. `node:*` means Node built-ins; `@scope/*` any package of that scope. */
export const ALLOWED_PACKAGES = {
  core: ['zod', 'jstat', '@hpcc-js/wasm-graphviz'],
  shared: ['zod'],
  engine: [NODE, TF, 'pngjs', 'tar', 'zod'],
  node: [NODE, 'zod'],
  worker: [NODE, TF, 'zod'],
  store: [NODE, 'better-sqlite3', 'zod'],
  main: [NODE, 'electron', 'fflate', 'pdfkit', 'zod'],
  server: [NODE, 'ws', 'zod'],
  cli: [NODE, 'zod'],
  preload: ['electron'],
  renderer: ['react', 'react-dom', 'react-dom/*', 'react/*', 'recharts', '@xyflow/*', 'elkjs/*', '@dagrejs/*', 'zod'],
}
