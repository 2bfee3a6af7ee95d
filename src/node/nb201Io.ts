/**
 * Node file access for the NAS-Bench-201 table (core/benchmark/nb201Load.ts decides which table and
 * decodes it). The resources folder is HDARTS_RESOURCES or the nearest `resources/` above this module,
 * which works from src/ under tsx and from out/ after the build. In the node layer, so the worker and
 * the CLI share it (core may not touch the file system).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { Nb201Io } from '../core/benchmark/nb201Load'

export function nodeNb201Io(env: NodeJS.ProcessEnv = process.env, from: string = import.meta.dirname): Nb201Io {
  return {
    env,
    readFile: (path) => (existsSync(path) ? new Uint8Array(readFileSync(path)) : null),
    gunzip: (bytes) => new Uint8Array(gunzipSync(bytes)),
    findResource(rel) {
      if (env.HDARTS_RESOURCES) return resolve(env.HDARTS_RESOURCES, rel)
      for (let dir = resolve(from); ; dir = dirname(dir)) {
        const file = join(dir, 'resources', rel)
        if (existsSync(file)) return file
        if (dirname(dir) === dir) return null
      }
    },
  }
}
