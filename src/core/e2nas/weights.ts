/**
 * The E2NAS weights file (`resources/e2nas/vae-nb201.json`): named float32 tensors stored as
 * {shape, base64 of little-endian float32}, plus metadata. The VAE and the latent MLP share the file.
 * Plain TypeScript with zod only, so the search engine, the CLI and the renderer can all read it.
 */
import { z } from 'zod'

export const WEIGHTS_FORMAT = 'hdarts-e2nas-vae-nb201'

export interface TensorJson {
  shape: number[]
  /** Base64 of the little-endian float32 values, row-major. */
  data: string
}

/** What the trainer records; only `hidden` and `nz` are needed to run the model. */
export interface VaeMeta {
  hidden: number
  nz: number
  epochs?: number
  seed?: number
  date?: string
  /** Fraction of the 15,625 cells with decode(encodeMean(cell)) == cell, measured with the core inference. */
  reconAccuracy?: number
  [key: string]: unknown
}

export interface E2nasWeightsFile {
  format: typeof WEIGHTS_FORMAT
  version: 1
  meta: VaeMeta
  tensors: Record<string, TensorJson>
}

const fileSchema = z.object({
  format: z.literal(WEIGHTS_FORMAT),
  version: z.literal(1),
  meta: z.looseObject({ hidden: z.number().int().positive(), nz: z.number().int().positive() }),
  tensors: z.record(z.string(), z.object({ shape: z.array(z.number().int().nonnegative()), data: z.string() })),
})

/** Validates the file's outline; the error is one line naming the field. */
export function parseWeightsFile(json: unknown): E2nasWeightsFile {
  const r = fileSchema.safeParse(json)
  if (!r.success) {
    const issue = r.error.issues[0]!
    throw new Error(`invalid E2NAS weights file: '${issue.path.join('.') || '(root)'}': ${issue.message}`)
  }
  return r.data as E2nasWeightsFile
}

/**
 * Decodes the tensors a model needs and checks their shapes; extra tensors (the other model's) are
 * ignored. Throws a one-line error naming the first missing or malformed tensor.
 */
export function readTensors(file: E2nasWeightsFile, shapes: Record<string, readonly number[]>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>()
  for (const [name, shape] of Object.entries(shapes)) {
    const t = file.tensors[name]
    if (!t) throw new Error(`invalid E2NAS weights file: tensor '${name}' is missing`)
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`invalid E2NAS weights file: tensor '${name}' has shape [${t.shape}], expected [${shape}]`)
    }
    const data = decodeFloat32(t.data, name)
    const size = shape.reduce((a, b) => a * b, 1)
    if (data.length !== size) {
      throw new Error(`invalid E2NAS weights file: tensor '${name}' holds ${data.length} values, expected ${size}`)
    }
    if (!data.every(Number.isFinite)) throw new Error(`invalid E2NAS weights file: tensor '${name}' has non-finite values`)
    out.set(name, data)
  }
  return out
}

export function encodeTensor(data: ArrayLike<number>, shape: readonly number[]): TensorJson {
  const bytes = new Uint8Array(data.length * 4)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true)
  // btoa takes a binary string; build it in chunks so large tensors do not overflow the call stack.
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return { shape: [...shape], data: btoa(bin) }
}

function decodeFloat32(b64: string, name: string): Float32Array {
  let bin: string
  try {
    bin = atob(b64)
  } catch {
    throw new Error(`invalid E2NAS weights file: tensor '${name}' is not valid base64`)
  }
  if (bin.length % 4 !== 0)
    throw new Error(`invalid E2NAS weights file: tensor '${name}' is not a whole number of float32 values`)
  const view = new DataView(new ArrayBuffer(bin.length))
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i))
  const out = new Float32Array(bin.length / 4)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true)
  return out
}
