/**
 * The API's operation names and IPC channels, without the schemas: all the sandboxed preload needs.
 * src/shared/api.ts checks at compile time that this list and its request schemas name the same ops.
 */
export const API_OP_NAMES = [
  'app.info',
  'presets.list',
  'runs.estimate',
  'runs.launch',
  'runs.evaluate',
  'runs.estimateEval',
  'runs.importLog',
  'runs.list',
  'runs.get',
  'runs.events',
  'runs.pause',
  'runs.resume',
  'runs.cancel',
  'runs.retry',
  'runs.duplicate',
  'runs.delete',
  'runs.tag',
  'runs.note',
  'runs.compare',
  'experiments.list',
  'genotypes.library',
  'slurm.submit',
  'slurm.import',
  'export.genotype',
  'export.table',
  'export.bundle',
] as const
export type ApiOpName = (typeof API_OP_NAMES)[number]

/** IPC channel of an operation; the preload and main agree on it through this function only. */
export const ipcChannel = (op: ApiOpName): string => `api:${op}`
export const LIVE_CHANNEL = 'api:live'
