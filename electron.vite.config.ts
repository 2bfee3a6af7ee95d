import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { metaContentSecurityPolicy } from './src/shared/csp'

// Same aliases in every bundle, so a path names its layer wherever it is imported from.
const alias = {
  '@core': resolve('src/core'),
  '@shared': resolve('src/shared'),
}

/** index.html's CSP <meta>, from the one policy (src/shared/csp.ts); it covers the dev server, which sends no header. */
const cspMeta: Plugin = {
  name: 'hdarts-csp-meta',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy() },
      injectTo: 'head-prepend',
    },
  ],
}

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      rollupOptions: {
        // The search worker is bundled next to main and forked as an Electron utility process.
        input: { index: resolve('src/main/index.ts'), worker: resolve('src/worker/main.ts') },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      rollupOptions: {
        input: resolve('src/preload/index.ts'),
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    resolve: { alias: { ...alias, '@renderer': resolve('src/renderer/src') } },
    plugins: [cspMeta, react()],
    build: { minify: true, rollupOptions: { input: resolve('src/renderer/index.html') } },
  },
})
