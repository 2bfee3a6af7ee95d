#!/usr/bin/env node
// Layer lint: every import in src/ must point to a layer and a package its folder may use
// (scripts/layers.mjs). Prints `file:line: message` per violation and exits 1 if there are any.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ALLOWED_LAYERS, ALLOWED_PACKAGES, LAYERS } from './layers.mjs'

const IMPORT_RE =
  /(?:^|[^.\w$-])(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"\s]+)['"]|(?:^|[^.\w$-])(?:import|require)\s*\(\s*['"]([^'"\s]+)['"]\s*\)/g

const posix = (p) => p.split(sep).join('/')

export function layerOf(relPath) {
  let best
  for (const layer of LAYERS) {
    if ((relPath === layer.dir || relPath.startsWith(layer.dir + '/')) && (!best || layer.dir.length > best.dir.length))
      best = layer
  }
  return best?.name
}

function packageAllowed(spec, layer) {
  const builtin = spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])
  return ALLOWED_PACKAGES[layer].some((rule) => {
    if (rule === 'node:*') return builtin
    if (rule.endsWith('/*')) return spec.startsWith(rule.slice(0, -1))
    return spec === rule
  })
}

/** Strips comments so that an example in a comment is not taken for an import. */
const stripComments = (src) =>
  src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1')

export function checkFile(root, file) {
  const rel = posix(relative(root, file))
  const layer = layerOf(rel)
  if (!layer)
    return [`${rel}:1: file is in no layer of scripts/layers.mjs (put it in one of ${LAYERS.map((l) => l.dir).join(', ')})`]
  const src = stripComments(readFileSync(file, 'utf8'))
  const problems = []
  for (const m of src.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2]
    const line = src.slice(0, m.index).split('\n').length + (src[m.index] === '\n' ? 1 : 0)
    if (spec.startsWith('.')) {
      const target = posix(relative(root, resolve(dirname(file), spec)))
      const targetLayer = layerOf(target)
      if (!targetLayer) problems.push(`${rel}:${line}: imports '${spec}', which is outside src/`)
      else if (!ALLOWED_LAYERS[layer].includes(targetLayer))
        problems.push(
          `${rel}:${line}: bad layering: ${layer} may not import ${targetLayer} ('${spec}'); allowed: ${ALLOWED_LAYERS[layer].join(', ')}`,
        )
    } else if (!packageAllowed(spec, layer)) {
      problems.push(`${rel}:${line}: ${layer} may not import package '${spec}'; allowed: ${ALLOWED_PACKAGES[layer].join(', ')}`)
    }
  }
  return problems
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

export function checkLayers(root) {
  return walk(join(root, 'src')).flatMap((f) => checkFile(root, f))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'))
  const problems = checkLayers(root)
  for (const p of problems) console.error(p)
  if (problems.length) {
    console.error(`layer lint: ${problems.length} violation(s)`)
    process.exit(1)
  }
  console.log(`layer lint: ${walk(join(root, 'src')).length} files, layers respected`)
}
