/**
 * Loads E2NAS's trained NB201 VAE and latent MLP from `resources/e2nas/vae-nb201.json`. The file is
 * found by walking up from this module's folder, which works from src/ under tsx and from out/main/
 * after the electron-vite build; `HDARTS_RESOURCES` names the resources folder instead.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { type LatentMlp, mlpFromFile } from '../../core/e2nas/mlp'
import { type Nb201Vae, vaeModelFromFile } from '../../core/e2nas/vae'
import { parseWeightsFile, type VaeMeta } from '../../core/e2nas/weights'

export const VAE_RESOURCE = join('e2nas', 'vae-nb201.json')

export interface Nb201VaeResources {
  vae: Nb201Vae
  mlp: LatentMlp
  meta: VaeMeta
}

/** Path of the weights file, or a one-line error saying how to create it. */
export function nb201VaePath(env: NodeJS.ProcessEnv = process.env, from: string = import.meta.dirname): string {
  if (env.HDARTS_RESOURCES) {
    const file = resolve(env.HDARTS_RESOURCES, VAE_RESOURCE)
    if (existsSync(file)) return file
    throw new Error(`E2NAS VAE weights not found at ${file} (HDARTS_RESOURCES); create them with 'npm run train:vae'`)
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const file = join(dir, 'resources', VAE_RESOURCE)
    if (existsSync(file)) return file
    if (dirname(dir) === dir) break
  }
  throw new Error(`E2NAS VAE weights resources/${VAE_RESOURCE} not found above ${from}; create them with 'npm run train:vae'`)
}

let cached: { path: string; models: Nb201VaeResources } | null = null

/** The VAE, the MLP and their metadata; parsed once per process (the models are read-only). */
export function loadNb201Vae(): Nb201VaeResources {
  const path = nb201VaePath()
  if (cached?.path === path) return cached.models
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new Error(`cannot read E2NAS VAE weights ${path}: ${(e as Error).message}; recreate them with 'npm run train:vae'`)
  }
  let models: Nb201VaeResources
  try {
    const file = parseWeightsFile(json)
    models = { vae: vaeModelFromFile(file), mlp: mlpFromFile(file), meta: file.meta }
  } catch (e) {
    throw new Error(`${(e as Error).message} (${path}); recreate it with 'npm run train:vae'`)
  }
  cached = { path, models }
  return models
}
